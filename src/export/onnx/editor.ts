// An attribute-editing generator (StarGAN's) as ONNX: inputs `image` (float32 [batch, C, H, W] in [-1, 1]) and
// `domains` (float32 [batch, K]: the target domain vector, 1 for each class or attribute to have, 0 otherwise),
// output `edited` (float32 [batch, C, H, W] in [-1, 1]). The graph is the generator's own `describe`.
import type { ImageShape } from '../../gan/types';
import type { EditingGenerator } from '../../gan/types';
import { DEFAULT_OPSET } from './generator';
import type { Value } from './graph';
import { BATCH, exportNetwork } from './network';

export interface EditorExportOptions {
  imageShape: ImageShape;
  domains: number;
  opset?: number;
  metadata?: Record<string, string>;
}

export function exportEditor(generator: EditingGenerator, options: EditorExportOptions): Uint8Array {
  const [c, h, w] = options.imageShape;
  const K = options.domains;
  return exportNetwork(generator, {
    inputs: [{ name: 'image', type: 'float32', dims: [BATCH, c, h, w] }, { name: 'domains', type: 'float32', dims: [BATCH, K] }],
    build: (ops, [x, domains]: Value[]) => ({ edited: generator.describe(ops, x, domains) }),
    outputs: { edited: [BATCH, c, h, w] },
    model: {
      opset: options.opset ?? DEFAULT_OPSET,
      graphName: 'editor',
      docString: `image [${BATCH}, ${c}, ${h}, ${w}] in [-1, 1], domains [${BATCH}, ${K}] (0/1) → edited [${BATCH}, ${c}, ${h}, ${w}] in [-1, 1]`,
      metadata: { kind: 'editor', layout: 'NCHW', range: '[-1, 1]', ...options.metadata },
    },
  });
}
