// The judge: one protocol for every score. It fixes the feature extractor, the reference split and the
// sample counts, extracts the reference features once, and scores any set of images against them. Every
// result carries its protocol, so two numbers are only compared when they were measured the same way.
import { bytesToSigned } from '../data/pixels';
import { classifierFor, ClassifierTrainOptions } from './classifier';
import { classCoverage, Coverage } from './coverage';
import { classifierExtractor, Extracted, ExtractorInfo, FeatureExtractor, onnxExtractor, OnnxOptions } from './extractor';
import { fid } from './fid';
import { inceptionScore, ScoreWithSpread } from './inception-score';
import { kid, rmsFeature } from './kid';
import { precisionRecall } from './precision-recall';
import { referenceData, ReferenceData } from './reference';

export interface EvalProtocol {
  extractor: ExtractorInfo;
  reference: string;
  referenceCount: number;
  sampleCount: number;
  kidSubsetSize: number;
  kidSubsets: number;
  /** Features are divided by this (the reference's RMS feature value) before the KID kernel. */
  kidFeatureScale: number;
  precisionRecallK: number;
}

export interface EvalResult {
  protocol: EvalProtocol;
  fid: number;
  kid: ScoreWithSpread;
  inceptionScore: ScoreWithSpread | null;
  precision: number;
  recall: number;
  coverage: Coverage | null;
}

export interface JudgeOptions {
  download?: boolean;
  imageSize?: number;
  grayscale?: boolean;
  /** An ONNX model to use instead of the data set's classifier. */
  extractor?: string;
  onnx?: OnnxOptions;
  classifier?: ClassifierTrainOptions;
}

export class Judge {
  private constructor(
    readonly reference: ReferenceData,
    readonly extractor: FeatureExtractor,
    readonly referenceFeatures: Extracted,
  ) {}

  /** Loads the reference split and the extractor (training the classifier on first use) and extracts the reference. */
  static async create(dataset: string, options: JudgeOptions = {}): Promise<Judge> {
    const reference = await referenceData(dataset, options);
    const extractor = options.extractor
      ? await onnxExtractor(options.extractor, options.onnx)
      : classifierExtractor(classifierFor(reference, options.classifier));
    const { heldOut } = reference;
    const images = bytesToSigned(heldOut.images);
    const features = await extractor.extract(images, [heldOut.count, heldOut.channels, heldOut.height, heldOut.width]);
    return new Judge(reference, extractor, features);
  }

  /** Scores images N×C×H×W in [-1, 1] against the held-out reference. */
  async evaluate(images: Float32Array, shape: [number, number, number, number], onProgress?: (done: number) => void): Promise<EvalResult> {
    const generated = await this.extractor.extract(images, shape, onProgress);
    try {
      return this.score(generated, shape[0]);
    } finally {
      generated.features.dispose();
      generated.probabilities?.dispose();
    }
  }

  /** Scores already-extracted features (the reference's own features, in tests). */
  score(generated: Extracted, count: number): EvalResult {
    const real = this.referenceFeatures;
    const kidResult = kid(real.features, generated.features, { scale: rmsFeature(real.features) });
    const pr = precisionRecall(real.features, generated.features);
    const classes = this.extractor.classes;
    return {
      protocol: {
        extractor: this.extractor.info,
        reference: this.reference.description,
        referenceCount: real.features.shape[0],
        sampleCount: count,
        kidSubsetSize: kidResult.subsetSize,
        kidSubsets: kidResult.subsets,
        kidFeatureScale: kidResult.scale,
        precisionRecallK: pr.k,
      },
      fid: fid(real.features, generated.features),
      kid: { mean: kidResult.mean, std: kidResult.std },
      inceptionScore: generated.probabilities ? inceptionScore(generated.probabilities) : null,
      precision: pr.precision,
      recall: pr.recall,
      coverage: generated.probabilities && classes ? classCoverage(generated.probabilities, classes) : null,
    };
  }

  dispose(): void {
    this.extractor.dispose();
    this.referenceFeatures.features.dispose();
    this.referenceFeatures.probabilities?.dispose();
  }
}

/** One line per score, for logs and tables. */
export function formatResult(r: EvalResult): string[] {
  const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
  const lines = [
    `FID        ${fmt(r.fid, 2)}`,
    `KID        ${fmt(r.kid.mean * 1000, 2)} ± ${fmt(r.kid.std * 1000, 2)} (×10⁻³)`,
  ];
  if (r.inceptionScore) lines.push(`IS         ${fmt(r.inceptionScore.mean, 2)} ± ${fmt(r.inceptionScore.std, 2)}`);
  lines.push(`precision  ${fmt(r.precision)}`, `recall     ${fmt(r.recall)}`);
  if (r.coverage) {
    lines.push(`coverage   entropy ${fmt(r.coverage.normalizedEntropy)}; missing: ${r.coverage.missing.length ? r.coverage.missing.join(', ') : 'none'}`);
    lines.push(`class shares ${r.coverage.shares.map((s) => (s * 100).toFixed(1)).join(' ')} (%)`);
  }
  const p = r.protocol;
  const extractor = p.extractor.kind === 'classifier'
    ? `ganforge CNN classifier (held-out accuracy ${(p.extractor.accuracy! * 100).toFixed(2)}%, ${p.extractor.dims}-d features)`
    : `ONNX ${p.extractor.file} (${p.extractor.dims}-d features)`;
  lines.push(`protocol   ${p.sampleCount} samples vs ${p.referenceCount} reference images: ${p.reference}; features: ${extractor}; ` +
    `KID ${p.kidSubsets} subsets of ${p.kidSubsetSize}; precision/recall k=${p.precisionRecallK}`);
  return lines;
}

/** The fields of a metrics.jsonl eval record (curves and reports read these). */
export function evalRecord(r: EvalResult): Record<string, unknown> {
  return {
    fid: r.fid, kid: r.kid.mean, kid_std: r.kid.std, is: r.inceptionScore?.mean ?? null, precision: r.precision, recall: r.recall,
    coverage_entropy: r.coverage?.normalizedEntropy ?? null, missing_classes: r.coverage?.missing ?? null,
    class_shares: r.coverage?.shares ?? null, protocol: r.protocol,
  };
}
