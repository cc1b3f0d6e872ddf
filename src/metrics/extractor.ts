// Feature extractors: images in, a feature vector (and class probabilities, when the extractor classifies)
// out. The built-in one is the data set's CNN classifier; any ONNX model can stand in (e.g. Inception for
// the standard FID), through onnxruntime-node. Every score records which extractor produced it.
import { cat, F, noGrad, Tensor, tensor, tidy, withThreads } from '../torch';
import type { TrainedClassifier } from './classifier';

export interface ExtractorInfo {
  kind: 'classifier' | 'onnx';
  /** The file the weights came from. */
  file: string;
  dims: number;
  /** Held-out accuracy of a classifier extractor. */
  accuracy: number | null;
  /** Reference data the classifier was trained on. */
  trainedOn: string | null;
}

export interface Extracted {
  /** float64 [N, D]. */
  features: Tensor;
  /** float64 [N, classes], or null when the extractor does not classify. */
  probabilities: Tensor | null;
}

export interface FeatureExtractor {
  info: ExtractorInfo;
  classes: string[] | null;
  /** Images N×C×H×W in [-1, 1]. */
  extract(images: Float32Array, shape: [number, number, number, number], onProgress?: (done: number) => void): Promise<Extracted>;
  dispose(): void;
}

const BATCH = 500;

function batches(images: Float32Array, shape: [number, number, number, number]) {
  const [n, c, h, w] = shape;
  const per = c * h * w;
  const out: { start: number; count: number; data: Float32Array }[] = [];
  for (let start = 0; start < n; start += BATCH) {
    const count = Math.min(BATCH, n - start);
    out.push({ start, count, data: images.subarray(start * per, (start + count) * per) });
  }
  return out;
}

export function classifierExtractor(classifier: TrainedClassifier): FeatureExtractor {
  return {
    info: { kind: 'classifier', file: classifier.file, dims: 128, accuracy: classifier.accuracy, trainedOn: classifier.description },
    classes: classifier.classes,
    async extract(images, shape, onProgress) {
      const [, c, h, w] = shape;
      const expected = classifier.net.imageShape;
      if (c !== expected[0] || h !== expected[1] || w !== expected[2]) {
        throw new Error(`images are ${c}×${h}×${w} but the classifier reads ${expected.join('×')}`);
      }
      // Convolutions on 28×28 maps run faster on 2 threads; the caller's setting is restored afterwards.
      const features: Tensor[] = [];
      const probabilities: Tensor[] = [];
      withThreads(2, () => {
        for (const b of batches(images, shape)) {
          noGrad(() => tidy(() => {
            const out = classifier.net.forward(tensor(b.data, [b.count, c, h, w]));
            features.push(out.features.to({ dtype: 'float64' }));
            probabilities.push(out.logits.to({ dtype: 'float64' }).softmax(1));
            return [features.at(-1)!, probabilities.at(-1)!];
          }));
          onProgress?.(b.start + b.count);
        }
      });
      const result = tidy(() => ({ features: concat(features), probabilities: concat(probabilities) }));
      [...features, ...probabilities].forEach((t) => t.dispose());
      return result;
    },
    dispose: () => classifier.net.dispose(),
  };
}

function concat(parts: Tensor[]): Tensor {
  return parts.length === 1 ? parts[0].clone() : cat(parts, 0);
}

export interface OnnxOptions {
  /** Resize images to size×size (bilinear) before the model, e.g. 299 for Inception. */
  size?: number;
  /** Repeat gray images to this many channels (3 for ImageNet models). */
  channels?: number;
}

/**
 * An ONNX model as extractor: input 0 takes float32 [N, C, H, W] images in [-1, 1]; output 0 is the
 * feature vector [N, D] (or [N, D, 1, 1]); an optional output 1 holds class logits [N, classes].
 */
export async function onnxExtractor(file: string, options: OnnxOptions = {}): Promise<FeatureExtractor> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = require('onnxruntime-node');
  } catch {
    throw new Error('ONNX extractors need onnxruntime-node: ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node');
  }
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(file);
  } catch (err) {
    throw new Error(`${file}: cannot load the ONNX model (${(err as Error).message.split('\n')[0]})`);
  }
  const info: ExtractorInfo = { kind: 'onnx', file, dims: 0, accuracy: null, trainedOn: null };
  return {
    info,
    classes: null,
    async extract(images, shape, onProgress) {
      const features: Tensor[] = [];
      const probabilities: Tensor[] = [];
      for (const b of batches(images, shape)) {
        const input = tidy(() => {
          let x = tensor(b.data, [b.count, shape[1], shape[2], shape[3]]);
          if (options.channels && options.channels !== shape[1]) x = x.expand([b.count, options.channels, shape[2], shape[3]]).contiguous();
          if (options.size) x = F.upsampleBilinear(x, [options.size, options.size], false);
          return x;
        });
        const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input.toFloat32Array(), input.shape) };
        input.dispose();
        const outputs = await session.run(feeds);
        const first = outputs[session.outputNames[0]];
        const dims = Number(first.dims.slice(1).reduce((a, d) => a * Number(d), 1));
        features.push(tensor(Float64Array.from(first.data as Float32Array), [b.count, dims]));
        if (session.outputNames.length > 1) {
          const logits = outputs[session.outputNames[1]];
          const k = Number(logits.dims[1]);
          probabilities.push(tidy(() => tensor(Float64Array.from(logits.data as Float32Array), [b.count, k]).softmax(1)));
        }
        info.dims = dims;
        onProgress?.(b.start + b.count);
      }
      const result = tidy(() => ({ features: concat(features), probabilities: probabilities.length ? concat(probabilities) : null }));
      [...features, ...probabilities].forEach((t) => t.dispose());
      return result;
    },
    dispose: () => void session.release(),
  };
}
