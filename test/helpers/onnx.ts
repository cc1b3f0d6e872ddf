// Checking an exported ONNX file: run it with onnxruntime-node, and decode it back with protobufjs to check
// ONNX's structural rules (opset and IR version declared, nodes in topological order, every input defined,
// attributes with exactly one value, initializers the size their dims say, named inputs and outputs whose
// first dim is the symbolic batch).
import * as assert from 'node:assert/strict';
import { onnxType } from '../../src/export/onnx/schema';

type Ort = typeof import('onnxruntime-node');

/** Why ONNX tests cannot run here, or false when they can. */
export function ortMissing(): string | false {
  try {
    require.resolve('onnxruntime-node');
    return false;
  } catch {
    return 'onnxruntime-node is not installed (an optional dependency)';
  }
}

export interface Feed {
  data: Float32Array | BigInt64Array;
  dims: number[];
}

/** Runs the model once; outputs by name as float32 data and dims. */
export async function runOnnx(bytes: Uint8Array, feeds: Record<string, Feed>): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const ort: Ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(Buffer.from(bytes));
  try {
    const inputs: Record<string, import('onnxruntime-node').Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) {
      inputs[name] = new ort.Tensor(feed.data instanceof BigInt64Array ? 'int64' : 'float32', feed.data, feed.dims);
    }
    const outputs = await session.run(inputs);
    const result: Record<string, { data: Float32Array; dims: number[] }> = {};
    for (const name of session.outputNames) result[name] = { data: outputs[name].data as Float32Array, dims: outputs[name].dims.map(Number) };
    return result;
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'same number of values');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** The IR version each opset came with (ONNX's docs/Versioning.md), for the opsets the tests export. */
export const IR_OF_OPSET: Record<number, number> = { 13: 7, 17: 8, 21: 10 };

type Dims = (number | string)[];
interface Decoded {
  ir_version: number;
  opset_import: { domain?: string; version: number }[];
  graph: {
    node: { input?: string[]; output: string[]; op_type: string; attribute?: Record<string, unknown>[] }[];
    initializer?: { name: string; dims?: number[]; data_type: number; raw_data?: Uint8Array }[];
    input: { name: string; type: { tensor_type: { elem_type: number; shape: { dim: { dim_value?: number; dim_param?: string }[] } } } }[];
    output: Decoded['graph']['input'];
  };
  metadata_props?: { key: string; value: string }[];
}

const dimsOf = (v: Decoded['graph']['input'][number]): Dims => v.type.tensor_type.shape.dim.map((d) => d.dim_param ?? Number(d.dim_value));
const ELEMENT_BYTES: Record<number, number> = { 1: 4, 7: 8 };
const VALUE_FIELD: Record<number, string> = { 1: 'f', 2: 'i', 3: 's', 6: 'floats', 7: 'ints' };

/**
 * Decodes `bytes` and checks the structural rules; `inputs` and `outputs` are the expected names with their
 * dims ('batch' for the free batch size). Returns the decoded model for further checks.
 */
export function checkStructure(bytes: Uint8Array, expected: { opset: number; inputs: Record<string, Dims>; outputs: Record<string, Dims> }): Decoded {
  const ModelProto = onnxType('ModelProto');
  const model = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false, arrays: true }) as unknown as Decoded;
  assert.deepEqual(model.opset_import.map((o) => [o.domain ?? '', o.version]), [['', expected.opset]], 'one opset, the default domain');
  assert.equal(model.ir_version, IR_OF_OPSET[expected.opset], `IR version of opset ${expected.opset}`);
  const { graph } = model;
  const defined = new Set<string>();
  for (const init of graph.initializer ?? []) {
    assert.ok(!defined.has(init.name), `initializer ${init.name} is unique`);
    defined.add(init.name);
    const count = (init.dims ?? []).reduce((n, d) => n * d, 1);
    assert.equal(init.raw_data?.length ?? 0, count * ELEMENT_BYTES[init.data_type], `initializer ${init.name} holds [${init.dims}]`);
  }
  for (const input of graph.input) {
    assert.ok(!defined.has(input.name), `graph input ${input.name} is not also a constant`);
    defined.add(input.name);
  }
  for (const node of graph.node) {
    for (const name of node.input ?? []) {
      assert.ok(name === '' || defined.has(name), `${node.op_type} reads '${name}', defined by an earlier node, an initializer or a graph input`);
    }
    for (const attribute of node.attribute ?? []) {
      const fields = ['f', 'i', 's', 'floats', 'ints', 't', 'g'].filter((f) => {
        const v = attribute[f];
        return Array.isArray(v) ? v.length > 0 : v !== undefined;
      });
      assert.deepEqual(fields, [VALUE_FIELD[attribute.type as number]], `${node.op_type}.${attribute.name} carries one value of its type`);
    }
    for (const name of node.output) {
      assert.ok(!defined.has(name), `${name} is produced once`);
      defined.add(name);
    }
  }
  const names = (list: Decoded['graph']['input']) => Object.fromEntries(list.map((v) => [v.name, dimsOf(v)]));
  assert.deepEqual(names(graph.input), expected.inputs, 'graph inputs: names and dims');
  assert.deepEqual(names(graph.output), expected.outputs, 'graph outputs: names and dims');
  for (const output of graph.output) assert.ok(defined.has(output.name), `output ${output.name} is computed`);
  return model;
}
