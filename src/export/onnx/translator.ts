// An image-to-image generator (pix2pix's U-Net) as ONNX: input `image` (float32 [batch, C, H, W] in [-1, 1]),
// output `translated` (float32 [batch, C', H, W] in [-1, 1]); ONNX wants the two names distinct. The graph is
// the generator's own `describe`, so it computes what its forward computes (in eval mode: no dropout).
import type { GraphOps, Layer, Module } from '../../nn';
import type { ImageShape } from '../../gan/types';
import { DEFAULT_OPSET } from './generator';
import type { Value } from './graph';
import { BATCH, exportNetwork } from './network';

export interface DescribedTranslator extends Module, Layer {
  describe?<V>(ops: GraphOps<V>, x: V): V;
}

export interface TranslatorExportOptions {
  inputShape: ImageShape;
  outputChannels: number;
  opset?: number;
  metadata?: Record<string, string>;
}

export function exportTranslator(generator: DescribedTranslator, options: TranslatorExportOptions): Uint8Array {
  const describe = generator.describe?.bind(generator);
  if (!describe) throw new Error(`${generator.constructor.name} cannot be exported to ONNX: it does not describe its forward`);
  const [c, h, w] = options.inputShape;
  return exportNetwork(generator, {
    inputs: [{ name: 'image', type: 'float32', dims: [BATCH, c, h, w] }],
    build: (ops, [x]: Value[]) => ({ translated: describe(ops, x) }),
    outputs: { translated: [BATCH, options.outputChannels, h, w] },
    model: {
      opset: options.opset ?? DEFAULT_OPSET,
      graphName: 'translator',
      docString: `image [${BATCH}, ${c}, ${h}, ${w}] in [-1, 1] → translated [${BATCH}, ${options.outputChannels}, ${h}, ${w}] in [-1, 1]`,
      metadata: { kind: 'translator', layout: 'NCHW', range: '[-1, 1]', ...options.metadata },
    },
  });
}
