// A generator as ONNX: inputs `z` (float32 [batch, latentDim]) and, for conditional models, `class` (int64
// [batch]); output `image` (float32 [batch, C, H, W] in [-1, 1], NCHW as in PyTorch). The graph is the
// generator's own `describe`, so it computes what its forward computes.
import type { Generator } from '../../gan/types';
import type { Value } from './graph';
import { BATCH, exportNetwork, GraphInput } from './network';

export interface GeneratorExportOptions {
  /** The generator takes class labels (the family's conditioning is not 'none'). */
  conditional: boolean;
  opset?: number;
  /** Stored in the file's metadata_props (model family, weights, step, …). */
  metadata?: Record<string, string>;
  producerVersion?: string;
}

export const DEFAULT_OPSET = 17;

export function exportGenerator(generator: Generator, options: GeneratorExportOptions): Uint8Array {
  const describe = generator.describe?.bind(generator);
  if (!describe) throw new Error(`${generator.constructor.name} cannot be exported to ONNX: it does not describe its forward (Generator.describe)`);
  const inputs: GraphInput[] = [{ name: 'z', type: 'float32', dims: [BATCH, generator.latentDim] }];
  if (options.conditional) inputs.push({ name: 'class', type: 'int64', dims: [BATCH] });
  const [c, h, w] = generator.imageShape;
  return exportNetwork(generator, {
    inputs,
    build: (ops, [z, labels]: Value[]) => ({ image: describe(ops, z, labels) }),
    outputs: { image: [BATCH, c, h, w] },
    model: {
      opset: options.opset ?? DEFAULT_OPSET,
      graphName: 'generator',
      docString: `z ~ N(0, 1) [${BATCH}, ${generator.latentDim}]${options.conditional ? ', class int64 [batch]' : ''} → image [${BATCH}, ${c}, ${h}, ${w}] in [-1, 1]`,
      producerVersion: options.producerVersion,
      metadata: { kind: 'generator', layout: 'NCHW', range: '[-1, 1]', ...options.metadata },
    },
  });
}
