// Exporting one network: its graph inputs, the graph its `describe` builds over OnnxOps, its outputs, all
// computed in eval mode (running statistics, no dropout, spectral norm without a power-iteration step) and
// without autograd. The network's modes are restored afterwards, so exporting mid-training changes nothing.
import type { Module } from '../../nn';
import { noGrad, tidy } from '../../torch';
import { Dim, GraphBuilder, ModelOptions, Value } from './graph';
import { OnnxOps } from './ops';
import type { ElementType } from './schema';

export interface GraphInput {
  name: string;
  type: ElementType;
  dims: Dim[];
}

export interface NetworkExport {
  inputs: GraphInput[];
  /** Builds the graph from the input values; returns the output values by output name, in order. */
  build(ops: OnnxOps, inputs: Value[]): Record<string, Value>;
  /** Each output's declared dims, by name. */
  outputs: Record<string, Dim[]>;
  model: ModelOptions;
}

/** The dim name of the batch size in every exported graph: one name, so runtimes know inputs and outputs agree. */
export const BATCH = 'batch';

export function exportNetwork(network: Module, spec: NetworkExport): Uint8Array {
  const modules = network.modules();
  const modes = modules.map((m) => m.training);
  network.eval();
  try {
    return noGrad(() => tidy(() => {
      const graph = new GraphBuilder();
      const inputs = spec.inputs.map((i) => graph.input(i.name, i.type, i.dims));
      const outputs = spec.build(new OnnxOps(graph, network), inputs);
      for (const [name, dims] of Object.entries(spec.outputs)) {
        if (!outputs[name]) throw new Error(`the exported graph has no output '${name}'`);
        graph.output(name, outputs[name], dims);
      }
      return graph.encode(spec.model);
    }));
  } finally {
    modules.forEach((m, i) => (m.training = modes[i]));
  }
}
