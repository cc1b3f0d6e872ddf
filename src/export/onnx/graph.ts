// An ONNX graph under construction: graph inputs, initializers (the weights), nodes in the order they were
// added (a valid topological order, since a node can only name values that exist), and graph outputs. It
// hands out unique value names and encodes the model with protobufjs through the schema in schema.ts.
import * as os from 'os';
import { ATTRIBUTE_TYPE, DATA_TYPE, ElementType, onnxType } from './schema';

/** A value of the graph: its name and its rank (known for every value; the batch size is not). */
export interface Value {
  name: string;
  rank: number;
}

/** A dimension of a declared input or output: a size, or a name for a size given at run time ('batch'). */
export type Dim = number | string;

export type Attribute =
  | { float: number }
  | { int: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string };

/** Typed attribute values: ONNX tells 1 (INT) from 1.0 (FLOAT), so each value says which it is. */
export const attr = {
  float: (value: number): Attribute => ({ float: value }),
  int: (value: number): Attribute => ({ int: value }),
  ints: (values: readonly number[]): Attribute => ({ ints: values }),
  floats: (values: readonly number[]): Attribute => ({ floats: values }),
  string: (value: string): Attribute => ({ string: value }),
};

/**
 * The IR version that goes with an opset (ONNX's Versioning.md: opset 13–14 came with IR 7, 15–18 with IR 8,
 * 19–20 with IR 9, 21 with IR 10). A file claims the oldest IR its opset allows, so older runtimes load it.
 */
export const OPSETS = { min: 13, max: 21 } as const;
export function irVersionFor(opset: number): number {
  if (!Number.isInteger(opset) || opset < OPSETS.min || opset > OPSETS.max) {
    throw new Error(`opset ${opset} is not supported (ganforge writes opsets ${OPSETS.min}–${OPSETS.max})`);
  }
  return opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

interface ValueInfo {
  name: string;
  type: ElementType;
  dims: Dim[];
}

function valueInfo({ name, type, dims }: ValueInfo) {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: DATA_TYPE[type], shape: { dim } } } };
}

function attributeProto(name: string, a: Attribute) {
  if ('float' in a) return { name, type: ATTRIBUTE_TYPE.float, f: a.float };
  if ('int' in a) return { name, type: ATTRIBUTE_TYPE.int, i: a.int };
  if ('ints' in a) return { name, type: ATTRIBUTE_TYPE.ints, ints: [...a.ints] };
  if ('floats' in a) return { name, type: ATTRIBUTE_TYPE.floats, floats: [...a.floats] };
  return { name, type: ATTRIBUTE_TYPE.string, s: Buffer.from(a.string, 'utf8') };
}

/** ONNX stores raw tensor data little-endian; copy and swap only on a big-endian machine. */
function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (os.endianness() === 'LE') return bytes;
  const out = Buffer.from(bytes);
  if (data instanceof Float32Array) out.swap32();
  else out.swap64();
  return out;
}

export interface ModelOptions {
  opset: number;
  graphName: string;
  docString?: string;
  producerVersion?: string;
  metadata?: Record<string, string>;
}

export class GraphBuilder {
  readonly #inputs: ValueInfo[] = [];
  readonly #outputs: ValueInfo[] = [];
  readonly #initializers: object[] = [];
  readonly #nodes: { input: string[]; output: string[]; name: string; op_type: string; attribute: object[] }[] = [];
  readonly #names = new Set<string>();
  /** Which node produced each value, so an output can be renamed rather than copied. */
  readonly #producer = new Map<string, number>();

  /** `base`, or `base_1`, `base_2`, … if taken: every value and node name in a graph is distinct. */
  #unique(base: string): string {
    let name = base;
    for (let k = 1; this.#names.has(name); k++) name = `${base}_${k}`;
    this.#names.add(name);
    return name;
  }

  input(name: string, type: ElementType, dims: Dim[]): Value {
    if (this.#names.has(name)) throw new Error(`the graph already has a value named '${name}'`);
    this.#names.add(name);
    this.#inputs.push({ name, type, dims });
    return { name, rank: dims.length };
  }

  /** A constant (a weight, a shape) stored in the file under a name derived from `base`. */
  initializer(base: string, data: Float32Array | BigInt64Array, dims: readonly number[]): Value {
    const count = dims.reduce((n, d) => n * d, 1);
    if (count !== data.length) throw new Error(`initializer '${base}': ${data.length} values for shape [${dims.join(', ')}]`);
    const name = this.#unique(base);
    const type: ElementType = data instanceof Float32Array ? 'float32' : 'int64';
    this.#initializers.push({ name, dims: [...dims], data_type: DATA_TYPE[type], raw_data: littleEndianBytes(data) });
    return { name, rank: dims.length };
  }

  /** An int64 vector constant (shapes, axes). */
  int64s(base: string, values: readonly number[]): Value {
    return this.initializer(base, BigInt64Array.from(values, (v) => BigInt(v)), [values.length]);
  }

  /** A float scalar constant. */
  scalar(base: string, value: number): Value {
    return this.initializer(base, Float32Array.of(value), []);
  }

  /**
   * Appends a node of `op` reading `inputs` ('' for an absent optional input) and returns its one output, of
   * the given rank, named after `base`.
   */
  node(op: string, inputs: readonly (Value | '')[], attributes: Record<string, Attribute>, base: string, rank: number): Value {
    for (const input of inputs) {
      if (input !== '' && !this.#names.has(input.name)) throw new Error(`${op} node '${base}' reads '${input.name}', which is not in the graph`);
    }
    const output = this.#unique(base);
    this.#producer.set(output, this.#nodes.length);
    this.#nodes.push({
      input: inputs.map((v) => (v === '' ? '' : v.name)),
      output: [output],
      name: this.#unique(`${base}/${op}`),
      op_type: op,
      attribute: Object.entries(attributes).map(([name, a]) => attributeProto(name, a)),
    });
    return { name: output, rank };
  }

  /**
   * Declares `value` a graph output called `name`: the node that made it is renamed when it can be (so the
   * graph has no needless Identity), else an Identity node copies it (a graph input or a constant).
   */
  output(name: string, value: Value, dims: Dim[]): void {
    if (dims.length !== value.rank) throw new Error(`output '${name}' is declared with rank ${dims.length}, but its value has rank ${value.rank}`);
    const at = this.#producer.get(value.name);
    const renamable = at !== undefined && !this.#outputs.some((o) => o.name === value.name) && !this.#nodes.some((n) => n.input.includes(value.name));
    if (renamable && !this.#names.has(name)) {
      this.#nodes[at].output[0] = name;
      this.#producer.delete(value.name);
      this.#producer.set(name, at);
      this.#names.add(name);
    } else {
      if (this.#names.has(name)) throw new Error(`the graph already has a value named '${name}'`);
      this.#names.add(name);
      this.#nodes.push({ input: [value.name], output: [name], name: this.#unique(`${name}/Identity`), op_type: 'Identity', attribute: [] });
    }
    this.#outputs.push({ name, type: 'float32', dims });
  }

  /** The model as protobuf bytes. */
  encode(options: ModelOptions): Uint8Array {
    const ModelProto = onnxType('ModelProto');
    const model = {
      ir_version: irVersionFor(options.opset),
      opset_import: [{ domain: '', version: options.opset }],
      producer_name: 'ganforge',
      // Left out rather than written empty when not given.
      ...(options.producerVersion ? { producer_version: options.producerVersion } : {}),
      ...(options.docString ? { doc_string: options.docString } : {}),
      graph: {
        name: options.graphName,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs.map(valueInfo),
        output: this.#outputs.map(valueInfo),
      },
      metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  }
}
