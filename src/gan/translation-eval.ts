// From a trained image-to-image run to what src/metrics/translation-scores.ts scores: the run's held-out split
// translated by its generator, and the target domain whose judge reads the outputs. Paired data (pix2pix's
// aligned layout) and unpaired data (CycleGAN's layout) each have a producer here.
import { dataKindOf, ImageDataset } from '../data/dataset';
import { bytesToSigned } from '../data/pixels';
import { loadDataset } from '../data/select';
import type { Image } from '../io/png';
import { folderHash } from '../metrics/reference';
import type { TargetDomain } from '../metrics/translation-judge';
import type { TranslationCase } from '../metrics/translation-scores';
import type { LoadedTranslator } from './run-translate';
import { exampleGrid } from './translation';

/** Images translated per call of the generator: bounds the memory of one forward pass. */
const BATCH = 500;

export interface TranslationEval {
  testCase: TranslationCase;
  targetDomain: TargetDomain;
}

/** `limit` rows spread evenly over `count` (all of them when limit ≥ count): sets sorted by class keep every class. */
export function spreadRows(count: number, limit: number): number[] {
  const n = Math.min(count, limit);
  return Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

function pick(values: Float32Array, rows: number[], per: number): Float32Array {
  const out = new Float32Array(rows.length * per);
  rows.forEach((row, i) => out.set(values.subarray(row * per, (row + 1) * per), i * per));
  return out;
}

/** The translator's outputs for count×C×H×W inputs in [-1, 1], a batch at a time. */
export function translateAll(translator: LoadedTranslator, inputs: Float32Array, count: number, onProgress?: (done: number) => void): Float32Array {
  const per = inputs.length / count;
  const outputs = new Float32Array(inputs.length);
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    outputs.set(translator.translate(inputs.subarray(start * per, (start + n) * per), n), start * per);
    onProgress?.(start + n);
  }
  return outputs;
}

/**
 * At most `limit` images of a test split, spread over it, and their translations: the inputs, outputs and labels
 * both kinds of case score (`onProgress` counts translated images; it starts before the first batch, so a
 * progress bar's rate counts that batch).
 */
function translateTestRows(translator: LoadedTranslator, test: ImageDataset, limit: number, onProgress?: (done: number, total: number) => void) {
  const per = test.channels * test.height * test.width;
  const rows = spreadRows(test.count, limit);
  const inputs = pick(bytesToSigned(test.images), rows, per);
  onProgress?.(0, rows.length);
  const outputs = translateAll(translator, inputs, rows.length, (done) => onProgress?.(done, rows.length));
  const labels = test.labels ? Uint8Array.from(rows, (r) => test.labels![r]) : null;
  return { rows, per, inputs, outputs, labels };
}

/**
 * A paired run's test split (at most `limit` pairs, spread over it): inputs, outputs, their targets, the labels
 * when the file names carry them (a translation keeps its class: the expected class is the input's).
 */
export function pairedTestCase(translator: LoadedTranslator, data: ImageDataset, limit = Infinity, onProgress?: (done: number, total: number) => void): TranslationEval {
  const test = data.heldOut;
  if (!test || !test.targets) throw new Error(`${data.name} has no test split of pairs (DIR/test/*.png) to score: a translation run is scored on images it never trained on`);
  const { rows, per, inputs, outputs, labels } = translateTestRows(translator, test, limit, onProgress);
  const targets = pick(bytesToSigned(test.targets), rows, per);
  const { direction } = translator;
  const description = `${data.name} (${direction === 'AtoB' ? 'B' : 'A'} side)`;
  // The target domain's own split: the train targets (for its classifier) and the test targets.
  const asImages = (d: ImageDataset): ImageDataset => ({ ...d, images: d.targets!, targets: undefined, heldOut: undefined });
  const key = `translation-${folderHash(data.name)}-${direction}`;
  return {
    testCase: {
      description: `${data.name} (test, ${direction})`, count: rows.length, channels: test.channels, height: test.height, width: test.width,
      inputs, outputs, targets, targetDomain: { images: targets, count: rows.length, description: `the test targets of ${description}` },
      labels, classes: test.classes, expectedTargetClass: (label) => label,
    },
    targetDomain: { key, description, train: data.targets ? asImages(data) : null, heldOut: asImages(test) },
  };
}

/**
 * An unpaired run's test split (testA for AtoB, testB for BtoA; at most `limit` images, spread over it): inputs
 * and outputs, no targets; FID against the other test folder; with labels, the class each translation should
 * read as: its own where the target domain has that class too (mnist2mnistm's digits), the target domain's one
 * class where it has one (shoes → bag), else none (bags → which shoe?).
 */
export function unpairedTestCase(translator: LoadedTranslator, data: ImageDataset, limit = Infinity, onProgress?: (done: number, total: number) => void): TranslationEval {
  const test = data.heldOut;
  const testTarget = test?.otherDomain;
  if (!test || !testTarget) throw new Error(`${data.name} has no testA and testB to score: a translation run is scored on images it never trained on`);
  const { rows, inputs, outputs, labels } = translateTestRows(translator, test, limit, onProgress);
  const targetClasses = new Set(testTarget.labels ?? []);
  const expectedTargetClass = (label: number) => (targetClasses.has(label) ? label : targetClasses.size === 1 ? [...targetClasses][0] : -1);
  const { direction } = translator;
  const side = direction === 'AtoB' ? 'B' : 'A';
  const key = `translation-${folderHash(data.name)}-${direction}`;
  return {
    testCase: {
      description: `${data.name} (test${direction === 'AtoB' ? 'A' : 'B'}, ${direction})`, count: rows.length, channels: test.channels, height: test.height, width: test.width,
      inputs, outputs, targets: null, targetDomain: { images: bytesToSigned(testTarget.images), count: testTarget.count, description: `${data.name} test${side}` },
      labels: labels && testTarget.labels ? labels : null, classes: test.classes, expectedTargetClass,
    },
    targetDomain: { key, description: `${data.name} (${side} side)`, train: data.otherDomain?.labels ? data.otherDomain : null, heldOut: testTarget },
  };
}

export interface TranslationEvalOptions {
  /** At most this many test images, spread over the split. */
  limit?: number;
  /** Images of the data set decoded so far (a folder of thousands of pairs takes a while). */
  onLoad?: (done: number, total: number) => void;
  /** Test images translated so far. */
  onTranslate?: (done: number, total: number) => void;
}

/** The case for any translation run's data: pairs, or the unpaired layout's two test folders. */
export async function translationEvalOf(translator: LoadedTranslator, options: TranslationEvalOptions = {}): Promise<TranslationEval> {
  const { config, direction } = translator;
  const data = await loadDataset(config.dataset, { imageSize: config.imageSize, grayscale: config.grayscale, direction, onProgress: options.onLoad });
  const kind = dataKindOf(data);
  if (kind === 'paired') return pairedTestCase(translator, data, options.limit, options.onTranslate);
  if (kind === 'unpaired') return unpairedTestCase(translator, data, options.limit, options.onTranslate);
  throw new Error(`${config.dataset}: scoring a ${config.model} run needs its test images (pairs, or testA and testB)`);
}

/** Up to `n` examples spread over the case, as input | output | target (input | output for unpaired data). */
export function translationGrid(c: TranslationCase, n = 16): Image {
  const per = c.channels * c.height * c.width;
  const rows = spreadRows(c.count, n);
  const columns = [c.inputs, c.outputs, ...(c.targets ? [c.targets] : [])].map((v) => pick(v, rows, per));
  return exampleGrid(columns, [rows.length, c.channels, c.height, c.width]);
}
