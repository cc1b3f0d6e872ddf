// `ganforge eval`: scores a trained run (or a file of samples from any tool) against the held-out reference,
// with the protocol printed beside every number, and appends the result to the run's metrics. An image-to-image run
// is scored on its test split instead (src/metrics/translation-scores.ts), with its examples drawn beside the run.
import * as fs from 'fs';
import * as path from 'path';
import { sampleRun } from '../../gan/run-samples';
import { isPerClassRun } from '../../gan/per-class';
import { RunDir } from '../../gan/run-dir';
import { editingEvalOf } from '../../gan/editing-eval';
import { editsAttributes, loadEditor } from '../../gan/run-edit';
import { familyOfRun, loadTranslator } from '../../gan/run-translate';
import { translationEvalOf, translationGrid } from '../../gan/translation-eval';
import { writeFileAtomic } from '../../io/atomic';
import { encodePng } from '../../io/png';
import { evalRecord, formatResult, Judge } from '../../metrics/judge';
import { editingRecord, formatEditingScores, scoreEditing } from '../../metrics/editing-scores';
import { classifierExtractor } from '../../metrics/extractor';
import { targetDomainJudge, TargetJudge } from '../../metrics/translation-judge';
import { formatTranslationScores, scoreTranslation, translationRecord } from '../../metrics/translation-scores';
import { readSamples, readSamplesEarly, SampleSet } from '../../metrics/samples-file';
import { CommandSpec, FlagsOf, UsageError } from '../args';
import { applyDeviceFlag, DEVICE_FLAG } from '../device-flag';
import { classifierFeedback } from './classifier';
import { ProgressBar } from '../progress';

export const evalSpec = {
  name: 'eval',
  summary: 'Score a run or a file of samples: FID, KID, Inception-style score, precision/recall and class coverage; '
    + 'an image-to-image run (pix2pix, cyclegan, discogan) on its test split: FID against the held-out targets, the diversity of the outputs against theirs (0: collapsed), L1/PSNR/SSIM to the targets (paired data) and the share whose class survives; '
    + 'an editing run (StarGAN, Age-cGAN) on its test split: each image edited to every value of every attribute, the share its judge reads as the value, '
    + 'the pixel L1 of the edit, FID against real test images of the value, and identity distance where the data names people.',
  usage: 'ganforge eval --checkpoint runs/NAME [--n 10000] [--json] | ganforge eval --samples FILE [--dataset mnist]',
  flags: [
    { name: 'checkpoint', type: 'path', placeholder: 'RUN', help: 'a run folder (or checkpoint file) to sample from' },
    { name: 'samples', type: 'path', placeholder: 'FILE|DIR', help: 'score these instead: .idx, .npy (N×C×H×W, [0, 1]) or a folder of PNGs' },
    { name: 'dataset', type: 'string', placeholder: 'NAME|DIR', help: "the reference data for --samples (default: mnist; with --checkpoint: the run's); for a translation run, the data whose classifier reads its outputs (e.g. mnist for edges2digits; default: a classifier trained on the run's own labelled training targets)" },
    { name: 'n', type: 'int', min: 2, placeholder: 'N', default: 10000, help: 'images to generate (translation and editing runs: at most N test images, spread over the split)' },
    { name: 'seed', type: 'int', min: 0, default: 0, placeholder: 'S', help: 'seed of the noise' },
    { name: 'class', key: 'classIndex', type: 'int', min: 0, placeholder: 'K', help: 'generate class K only (conditional and --per-class runs): the class shares then show how often K comes out' },
    { name: 'truncation', type: 'number', min: 1e-3, max: 100, placeholder: 'ψ', help: 'with --checkpoint: draw with the truncation trick (BigGAN\'s, every noise entry within ±ψ; for stylegan runs StyleGAN\'s, w pulled towards its average by ψ); the score is not appended to the run (default: off)' },
    { name: 'json', type: 'boolean', help: 'print one JSON object instead of a table' },
    { name: 'extractor', type: 'path', placeholder: 'FILE.onnx', help: "an ONNX feature extractor instead of the data set's classifier" },
    { name: 'extractor-size', type: 'int', min: 1, placeholder: 'PX', help: 'resize images to PX×PX for the ONNX extractor (e.g. 299)' },
    { name: 'extractor-channels', type: 'int', min: 1, max: 4, placeholder: 'C', help: 'repeat gray images to C channels for the ONNX extractor' },
    { name: 'no-append', type: 'boolean', help: "don't append the result to the run's metrics.jsonl" },
    DEVICE_FLAG,
  ],
  examples: [
    'ganforge eval --checkpoint runs/mlp',
    'ganforge eval --checkpoint runs/mlp --n 2000 --json',
    'ganforge eval --samples other-tool-digits.idx --dataset mnist',
    'ganforge eval --checkpoint runs/pix2pix-edges2digits --dataset mnist   # a translation run: its test split',
    'ganforge eval --checkpoint runs/stargan-faces --n 300   # an editing run: 300 test faces, each edited to every value',
  ],
} as const satisfies CommandSpec;

export async function runEval(flags: FlagsOf<typeof evalSpec>): Promise<number> {
  applyDeviceFlag(flags.device);
  const checkpoint = flags.checkpoint;
  const samplesFile = flags.samples;
  if ((checkpoint === undefined) === (samplesFile === undefined)) throw new UsageError('give --checkpoint or --samples (one of them)');
  const json = flags.json === true;
  if (flags.truncation !== undefined && samplesFile !== undefined) throw new UsageError('--truncation applies to --checkpoint (it changes how the run draws its noise), not to --samples');
  // The run's family decides how it is scored: read once (a checkpoint is read whole), null for --samples or for
  // a run that cannot be read, whose own reading below reports why.
  const family = checkpoint ? familyOfRun(checkpoint) : null;
  if (checkpoint && family?.translator) {
    if (flags.truncation !== undefined) throw new UsageError('--truncation applies to runs that draw from noise; a translation run translates its test split');
    return evalTranslation(checkpoint, flags);
  }
  if (checkpoint && family && editsAttributes(family)) {
    for (const [given, flag] of [[flags.truncation, 'truncation'], [flags.class, 'class'], [flags.dataset, 'dataset'], [flags.extractor, 'extractor']] as const) {
      if (given !== undefined) throw new UsageError(`--${flag} does not apply to an editing run: it is scored on its own test split by judges trained on its own data`);
    }
    return evalEditing(checkpoint, flags);
  }

  // What to score, and against which data: samples generated from the run, or read from a samples file, come
  // first; a folder of images is read once the judge knows the reference's size and colour (it is resized to it).
  let scored: SampleSet | null = null;
  let dataset = flags.dataset ?? 'mnist';
  let dataOptions: { download?: boolean; imageSize?: number; grayscale?: boolean } = {};
  let step: number | null = null;
  if (checkpoint) {
    const n = flags.n;
    const bar = new ProgressBar({ total: n, label: 'generate', unit: 'img' });
    const samples = sampleRun(checkpoint, { n, seed: flags.seed, classIndex: flags.class, truncation: flags.truncation, onProgress: (done) => bar.update(done) });
    scored = { images: samples.images, shape: samples.shape };
    step = samples.step;
    dataset = flags.dataset ?? samples.config.dataset;
    dataOptions = { download: samples.config.download, imageSize: samples.config.imageSize, grayscale: samples.config.grayscale };
    bar.finish();
  } else {
    // A file is read (and checked) now, once; a folder waits for the reference's image size.
    scored = readSamplesEarly(samplesFile!);
  }

  const feedback = classifierFeedback();
  const judge = await Judge.create(dataset, {
    ...dataOptions,
    extractor: flags.extractor,
    onnx: { size: flags['extractor-size'], channels: flags['extractor-channels'] },
    classifier: feedback,
  });
  feedback.finish();
  try {
    const { channels, height, width } = judge.reference.heldOut;
    const { images, shape } = scored ?? (await readSamples(samplesFile!, { channels, size: height }));
    if (!flags.extractor && (shape[1] !== channels || shape[2] !== height || shape[3] !== width)) {
      throw new Error(`${checkpoint ?? samplesFile}: images are ${shape.slice(1).join('×')}, but the ${dataset} reference is ${channels}×${height}×${width}`);
    }
    const bar = new ProgressBar({ total: shape[0], label: 'features', unit: 'img' });
    const result = await judge.evaluate(images, shape, (done) => bar.update(done));
    bar.finish();
    if (json) console.log(JSON.stringify({ source: checkpoint ?? samplesFile, step, ...result }));
    else console.log(`${checkpoint ?? samplesFile}${step !== null ? ` (step ${step})` : ''}\n` + formatResult(result).map((l) => `  ${l}`).join('\n'));
    // A truncated draw is not the run's own distribution: its score stays out of the run's record.
    if (checkpoint && flags['no-append'] !== true && flags.class === undefined && flags.truncation === undefined && fs.existsSync(checkpoint) && fs.statSync(checkpoint).isDirectory() && !isPerClassRun(checkpoint)) {
      new RunDir(checkpoint).appendRecord({ kind: 'eval', step: step ?? 0, ...evalRecord(result) });
    }
  } finally {
    judge.dispose();
  }
  return 0;
}

/**
 * A translation run: its test split translated and scored (src/metrics/translation-scores.ts); the scores go to
 * metrics.jsonl as an eval record with task 'translation' and the examples to RUN/translation-test.png.
 */
async function evalTranslation(run: string, flags: FlagsOf<typeof evalSpec>): Promise<number> {
  if (flags.class !== undefined) throw new UsageError('--class applies to runs that draw from noise; a translation run is scored on its whole test split');
  const translator = loadTranslator(run);
  let judge: TargetJudge | null = null;
  try {
    // A bar is made on its first report, when its total is known, and ends the bar before it.
    const bars: Partial<Record<'load' | 'translate', ProgressBar>> = {};
    const progress = (label: 'load' | 'translate', unit: string) => (done: number, total: number) => {
      if (!bars[label]) {
        Object.values(bars).forEach((bar) => bar.finish());
        bars[label] = new ProgressBar({ total, label, unit });
      }
      bars[label].update(done);
    };
    const { testCase, targetDomain } = await translationEvalOf(translator, { limit: flags.n, onLoad: progress('load', 'img'), onTranslate: progress('translate', 'img') });
    Object.values(bars).forEach((bar) => bar.finish());
    const feedback = classifierFeedback();
    judge = await targetDomainJudge(targetDomain, {
      reference: flags.dataset, extractor: flags.extractor,
      onnx: { size: flags['extractor-size'], channels: flags['extractor-channels'] }, classifier: feedback,
    });
    feedback.finish();
    const scores = await scoreTranslation(testCase, judge.extractor, judge.reason);
    const step = translator.step;
    if (flags.json === true) console.log(JSON.stringify({ source: run, step, ...scores, psnr: translationRecord(scores).psnr }));
    else console.log(`${run} (step ${step}, ${translator.direction})\n` + formatTranslationScores(scores).map((l) => `  ${l}`).join('\n'));
    if (flags['no-append'] !== true && fs.statSync(run).isDirectory()) {
      const dir = new RunDir(run);
      writeFileAtomic(dir.translationGridPath, encodePng(translationGrid(testCase)));
      dir.appendRecord({ kind: 'eval', step, ...translationRecord(scores) });
    }
  } finally {
    translator.dispose();
    judge?.extractor?.dispose();
  }
  return 0;
}

/**
 * An editing run: its test split edited to every value of every attribute and scored (src/metrics/editing-scores.ts);
 * the scores go to metrics.jsonl as an eval record with task 'editing'.
 */
async function evalEditing(run: string, flags: FlagsOf<typeof evalSpec>): Promise<number> {
  const editor = loadEditor(run);
  let judged: Awaited<ReturnType<typeof editingEvalOf>> | null = null;
  try {
    const feedback = classifierFeedback();
    judged = await editingEvalOf(editor, { limit: flags.n, classifier: feedback });
    feedback.finish();
    const identity = judged.identity ? classifierExtractor(judged.identity) : null;
    const scores = await scoreEditing(judged.testCase, judged.judges, identity, judged.noIdentity);
    if (flags.json === true) console.log(JSON.stringify({ source: run, step: editor.step, ...scores }));
    else console.log(`${run} (step ${editor.step})\n` + formatEditingScores(scores).map((l) => `  ${l}`).join('\n'));
    if (flags['no-append'] !== true && fs.statSync(run).isDirectory()) new RunDir(run).appendRecord({ kind: 'eval', step: editor.step, ...editingRecord(scores) });
  } finally {
    editor.dispose();
    judged?.judges.forEach((j) => j.classifier.net.dispose());
    judged?.identity?.net.dispose();
  }
  return 0;
}
