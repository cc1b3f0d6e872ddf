// The scores of an image-to-image run on images it never trained on. Any translation family produces one
// TranslationCase (pix2pix: its paired test split; an unpaired family: testA with targets null and its own class
// mapping) and this file scores it the same way:
//   - FID of the outputs against held-out images of the target domain, in a feature extractor's space (the judge's
//     classifier for that domain), when both sets have at least one image per feature dimension;
//   - in the same space, the outputs' diversity against the target domain's (src/metrics/diversity.ts): a
//     translator that collapsed to a few outputs whatever the input scores near 0 though each output may pass;
//   - for paired data, L1, PSNR and SSIM against each input's own target;
//   - for labelled data, the share of outputs the classifier reads as the class each input should become (the same
//     class for edges → digits; another, e.g. shoe → bag, where the case says so), overall and per source class.
import { signedToUnit } from '../data/pixels';
import type { Tensor } from '../torch';
import type { ExtractorInfo, FeatureExtractor } from './extractor';
import { featureDiversity } from './diversity';
import { fid } from './fid';
import { meanAbsoluteError, psnr, ssim } from './image-similarity';

/** The images of a test split that a translation or an edit starts from. */
export interface TestImages {
  /** The split, e.g. 'data/edges2digits (test, AtoB)'. */
  description: string;
  count: number;
  channels: number;
  height: number;
  width: number;
  /** count×C×H×W in [-1, 1]. */
  inputs: Float32Array;
}

export interface TranslationCase extends TestImages {
  /** count×C×H×W in [-1, 1]: what came out of translating the inputs. */
  outputs: Float32Array;
  /** Paired data: each input's true counterpart (count×C×H×W in [-1, 1]); null for unpaired data. */
  targets: Float32Array | null;
  /** Held-out images of the target domain, the reference for FID (the targets themselves for paired data). */
  targetDomain: { images: Float32Array; count: number; description: string };
  /** Class of each input, or null for unlabelled data. */
  labels: Uint8Array | null;
  /** Names of the input classes (index → name), or null. */
  classes: string[] | null;
  /**
   * The class a translation of an input of class `label` should read as (the identity for same-class sets), or
   * −1 where no single class is right (a bag may become any of several kinds of shoe).
   */
  expectedTargetClass(label: number): number;
}

export interface ClassSurvivalEntry {
  label: number;
  name: string;
  expected: number;
  count: number;
  /** Share of this class's outputs read as `expected`; null when the split has none of the class. */
  share: number | null;
}

export interface ClassSurvival {
  share: number;
  perClass: ClassSurvivalEntry[];
  /** The same share measured on the real targets (paired data): the classifier's ceiling. */
  onTargets: number | null;
}

export interface TranslationScores {
  count: number;
  /** Mean |output − target| in [-1, 1] pixel units (the units of pix2pix's L1 loss). */
  l1: number | null;
  /** dB, and SSIM, both on pixels mapped to [0, 1] (data range 1). */
  psnr: number | null;
  ssim: number | null;
  fid: number | null;
  /**
   * Mean pairwise feature distance of the outputs over that of the held-out target-domain images: near 0 for a
   * collapsed translator, about 1 for outputs as varied as real targets.
   */
  diversity: number | null;
  classSurvival: ClassSurvival | null;
  /** One line per score not measured, saying why. */
  skipped: string[];
  protocol: {
    test: string;
    targetDomain: string;
    targetDomainCount: number;
    pixels: string;
    extractor: ExtractorInfo | null;
  };
}

export const PIXEL_PROTOCOL = 'L1 in [-1, 1] pixel units; PSNR and SSIM on pixels in [0, 1] (data range 1), SSIM with an 11×11 Gaussian window (σ 1.5), valid positions, per channel';

/**
 * The share of `predicted` classes equal to each input's expected class, overall and per input class. `labels`
 * are the input classes; `names` name them (missing names fall back to the number).
 */
export function classSurvival(predicted: ArrayLike<number>, labels: ArrayLike<number>, expected: (label: number) => number, names: string[] | null): { share: number; perClass: ClassSurvivalEntry[] } {
  if (predicted.length !== labels.length) throw new Error(`class survival: ${predicted.length} predictions for ${labels.length} labels`);
  if (labels.length === 0) throw new Error('class survival: no images');
  const classCount = Math.max(names?.length ?? 0, ...Array.from(labels, (l) => l + 1));
  const hits = new Array<number>(classCount).fill(0);
  const seen = new Array<number>(classCount).fill(0);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    seen[labels[i]]++;
    if (predicted[i] === expected(labels[i])) {
      hits[labels[i]]++;
      total++;
    }
  }
  const perClass = hits.map((h, label) => ({
    label, name: names?.[label] ?? String(label), expected: expected(label), count: seen[label], share: seen[label] ? h / seen[label] : null,
  }));
  return { share: total / labels.length, perClass };
}

function argmaxRows(probabilities: Tensor): number[] {
  return probabilities.argmax(1).toArray();
}

async function extract(extractor: FeatureExtractor, images: Float32Array, count: number, c: TranslationCase) {
  return extractor.extract(images, [count, c.channels, c.height, c.width]);
}

/**
 * Scores a case. `extractor` is the target domain's judge (null when there is none: `noExtractor` says why, and FID
 * and class survival are skipped with that line).
 */
export async function scoreTranslation(c: TranslationCase, extractor: FeatureExtractor | null, noExtractor = 'no feature extractor for the target domain'): Promise<TranslationScores> {
  const per = c.channels * c.height * c.width;
  if (c.outputs.length !== c.count * per || c.inputs.length !== c.count * per) throw new Error(`translation scores: ${c.count} images of ${c.channels}×${c.height}×${c.width} expected`);
  const skipped: string[] = [];
  const shape = { count: c.count, channels: c.channels, height: c.height, width: c.width };
  let l1: number | null = null, peak: number | null = null, structural: number | null = null;
  if (c.targets) {
    l1 = meanAbsoluteError(c.outputs, c.targets, shape);
    const outputs = signedToUnit(c.outputs), targets = signedToUnit(c.targets);
    peak = psnr(outputs, targets, shape, 1);
    structural = ssim(outputs, targets, shape, 1);
  } else {
    skipped.push('L1, PSNR, SSIM: the data is unpaired (no target for each input)');
  }

  let fidValue: number | null = null;
  let diversity: number | null = null;
  let survival: ClassSurvival | null = null;
  if (!extractor) {
    skipped.push(`FID, diversity, class survival: ${noExtractor}`);
  } else {
    const out = await extract(extractor, c.outputs, c.count, c);
    const ref = await extract(extractor, c.targetDomain.images, c.targetDomain.count, c);
    try {
      const dims = out.features.shape[1];
      if (c.count < dims || c.targetDomain.count < dims) {
        skipped.push(`FID: needs at least ${dims} test images and ${dims} target-domain images (one per feature dimension), got ${c.count} and ${c.targetDomain.count}`);
      } else {
        fidValue = fid(ref.features, out.features);
      }
      if (c.count < 2 || c.targetDomain.count < 2) skipped.push('diversity: needs at least 2 test images and 2 target-domain images');
      else diversity = featureDiversity(out.features, ref.features);
      const classes = extractor.classes;
      if (!c.labels) skipped.push('class survival: the test images carry no class labels');
      else if (!out.probabilities || !classes) skipped.push('class survival: the feature extractor does not classify');
      else {
        const wanted = new Set(Array.from(c.labels, (l) => c.expectedTargetClass(l)));
        const unknown = [...wanted].filter((k) => !(k >= 0 && k < classes.length));
        if (wanted.has(-1)) {
          skipped.push('class survival: some input classes have no single counterpart in the target domain (e.g. a bag may become any of several shoes)');
        } else if (unknown.length) {
          skipped.push(`class survival: the classifier knows ${classes.length} classes, but the case expects class ${unknown.join(', ')}`);
        } else {
          const measured = classSurvival(argmaxRows(out.probabilities), c.labels, c.expectedTargetClass, c.classes);
          let onTargets: number | null = null;
          if (c.targets) {
            const real = await extract(extractor, c.targets, c.count, c);
            try {
              onTargets = classSurvival(argmaxRows(real.probabilities!), c.labels, c.expectedTargetClass, c.classes).share;
            } finally {
              real.features.dispose();
              real.probabilities?.dispose();
            }
          }
          survival = { ...measured, onTargets };
        }
      }
    } finally {
      for (const e of [out, ref]) {
        e.features.dispose();
        e.probabilities?.dispose();
      }
    }
  }
  return {
    count: c.count, l1, psnr: peak, ssim: structural, fid: fidValue, diversity, classSurvival: survival, skipped,
    protocol: {
      test: c.description, targetDomain: c.targetDomain.description, targetDomainCount: c.targetDomain.count,
      pixels: PIXEL_PROTOCOL, extractor: extractor?.info ?? null,
    },
  };
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** One line per score, for the terminal. */
export function formatTranslationScores(s: TranslationScores): string[] {
  const lines: string[] = [];
  if (s.fid !== null) lines.push(`FID              ${s.fid.toFixed(2)} (outputs vs ${s.protocol.targetDomainCount} held-out target-domain images)`);
  if (s.diversity !== null) lines.push(`diversity        ${s.diversity.toFixed(3)} (mean pairwise feature distance of the outputs / of the target-domain images; near 0: collapsed)`);
  if (s.l1 !== null) lines.push(`L1               ${s.l1.toFixed(4)}`);
  if (s.psnr !== null) lines.push(`PSNR             ${Number.isFinite(s.psnr) ? s.psnr.toFixed(2) : '∞'} dB`);
  if (s.ssim !== null) lines.push(`SSIM             ${s.ssim.toFixed(4)}`);
  if (s.classSurvival) {
    const cs = s.classSurvival;
    lines.push(`class survives   ${pct(cs.share)}${cs.onTargets !== null ? ` (real targets: ${pct(cs.onTargets)}, the ceiling)` : ''}`);
    lines.push(`  per class      ${cs.perClass.filter((e) => e.share !== null).map((e) => `${e.name}${e.expected !== e.label ? `→${e.expected}` : ''} ${(e.share! * 100).toFixed(1)}`).join(', ')} (%)`);
  }
  for (const line of s.skipped) lines.push(`skipped          ${line}`);
  const x = s.protocol.extractor;
  const features = !x ? 'none' : x.kind === 'classifier'
    ? `ganforge CNN classifier of ${x.trainedOn} (held-out accuracy ${pct(x.accuracy!)})` : `ONNX ${x.file}`;
  lines.push(`protocol         ${s.count} test images of ${s.protocol.test}; target domain: ${s.protocol.targetDomain}; features: ${features}; ${s.protocol.pixels}`);
  return lines;
}

/** The fields of a metrics.jsonl eval record for a translation run (`ganforge report` reads these). */
export function translationRecord(s: TranslationScores): Record<string, unknown> {
  return {
    task: 'translation', test_count: s.count, fid: s.fid, diversity: s.diversity, l1: s.l1,
    // JSON has no Infinity: identical images (PSNR ∞) are written as the string 'inf'.
    psnr: s.psnr === null ? null : Number.isFinite(s.psnr) ? s.psnr : 'inf', ssim: s.ssim,
    class_survival: s.classSurvival?.share ?? null, class_survival_on_targets: s.classSurvival?.onTargets ?? null,
    class_survival_per_class: s.classSurvival?.perClass ?? null, skipped: s.skipped, protocol: s.protocol,
  };
}
