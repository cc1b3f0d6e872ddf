// Whose eyes score a translation: the feature extractor of its target domain. In order of preference:
//   1. an ONNX model the user names (--extractor), as for noise-to-image runs;
//   2. the judge's classifier of a named reference data set (--dataset mnist for edges2digits, whose targets are
//      MNIST digits; the README's pix2pix figures use this);
//   3. the judge's classifier trained on the target domain's own labelled training images (the train split's
//      targets: never the test split it then scores), cached like every judge classifier;
//   4. none, with one line saying why (unlabelled data such as sketch2faces): FID and class survival are skipped.
import type { ImageDataset } from '../data/dataset';
import { OptionError } from '../errors';
import { CLASSIFIER_BATCH, classifierFor, ClassifierTrainOptions } from './classifier';
import { classifierExtractor, FeatureExtractor, onnxExtractor, OnnxOptions } from './extractor';
import { referenceData } from './reference';

/** The target domain of a translation data set, as training and test images with their classes. */
export interface TargetDomain {
  /** Names the domain in the classifier cache (e.g. 'translation-<hash of the folder>-AtoB'). */
  key: string;
  description: string;
  /** Labelled training images of the target domain, or null when the data has none. */
  train: ImageDataset | null;
  heldOut: ImageDataset;
}

export interface TargetJudgeOptions {
  /** A reference data set whose classifier reads the target domain. */
  reference?: string;
  extractor?: string;
  onnx?: OnnxOptions;
  classifier?: ClassifierTrainOptions;
}

export interface TargetJudge {
  extractor: FeatureExtractor | null;
  /** Why there is none, when there is none. */
  reason: string;
}

export async function targetDomainJudge(domain: TargetDomain, options: TargetJudgeOptions = {}): Promise<TargetJudge> {
  const { channels, height, width } = domain.heldOut;
  if (options.extractor) return { extractor: await onnxExtractor(options.extractor, options.onnx), reason: '' };
  if (options.reference) {
    const reference = await referenceData(options.reference);
    const r = reference.train;
    if (r.channels !== channels || r.height !== height || r.width !== width) {
      throw new OptionError('dataset', (name) => `${name('dataset')} ${options.reference}: its images are ${r.channels}×${r.height}×${r.width}, but the run translates to ${channels}×${height}×${width}`);
    }
    return { extractor: classifierExtractor(classifierFor(reference, options.classifier)), reason: '' };
  }
  const train = domain.train;
  if (!train?.labels || !train.classes || !domain.heldOut.labels) {
    return { extractor: null, reason: `${domain.description} has no class labels (CLASS-INDEX.png file names give them), so no classifier reads it; give --dataset NAME whose classifier does, or --extractor FILE.onnx` };
  }
  if (height % 4 !== 0 || width % 4 !== 0) {
    return { extractor: null, reason: `the judge's classifier needs image sides divisible by 4, and ${domain.description} is ${height}×${width}` };
  }
  if (train.count < CLASSIFIER_BATCH) {
    return { extractor: null, reason: `${domain.description} has ${train.count} labelled training targets, fewer than the ${CLASSIFIER_BATCH} of one batch of the judge's classifier; give --dataset NAME whose classifier reads the targets` };
  }
  const reference = {
    key: domain.key, train, heldOut: domain.heldOut,
    description: `${domain.description}: ${train.count} training targets (the classifier) and ${domain.heldOut.count} test targets`,
  };
  return { extractor: classifierExtractor(classifierFor(reference, options.classifier)), reason: '' };
}
