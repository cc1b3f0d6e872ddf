// The judge's classifier as ONNX, so anyone can score with the same features: input `images` (float32
// [batch, C, H, W] in [-1, 1]); outputs `features` ([batch, 128], the space of FID, KID and precision/recall)
// and `logits` ([batch, classes]). That is the layout `ganforge eval --extractor` reads: the exported file
// scores as the built-in classifier does.
import type { ClassifierNet } from '../../metrics/classifier';
import { FEATURE_DIMS } from '../../metrics/classifier';
import { DEFAULT_OPSET } from './generator';
import { BATCH, exportNetwork } from './network';

export interface ClassifierExportOptions {
  opset?: number;
  metadata?: Record<string, string>;
  producerVersion?: string;
}

export function exportClassifier(net: ClassifierNet, options: ClassifierExportOptions = {}): Uint8Array {
  const [c, h, w] = net.imageShape;
  return exportNetwork(net, {
    inputs: [{ name: 'images', type: 'float32', dims: [BATCH, c, h, w] }],
    build: (ops, [images]) => net.describe(ops, images),
    outputs: { features: [BATCH, FEATURE_DIMS], logits: [BATCH, net.numClasses] },
    model: {
      opset: options.opset ?? DEFAULT_OPSET,
      graphName: 'classifier',
      docString: `images [${BATCH}, ${c}, ${h}, ${w}] in [-1, 1] → features [${BATCH}, ${FEATURE_DIMS}], logits [${BATCH}, ${net.numClasses}]`,
      producerVersion: options.producerVersion,
      metadata: { kind: 'classifier', layout: 'NCHW', range: '[-1, 1]', ...options.metadata },
    },
  });
}
