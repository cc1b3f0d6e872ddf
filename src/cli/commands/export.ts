// `ganforge export`: a trained generator, or the judge's classifier, as a standard ONNX file that onnxruntime
// (Python, JS, the browser) runs without ganforge; or (--web) a generator with the studio's playground as a
// static folder. See README "Export to ONNX".
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_OPSET, exportClassifier, exportRun, OPSETS } from '../../export/onnx';
import { exportWeb } from '../../export/web';
import { writeFileAtomic } from '../../io/atomic';
import { classifierFor } from '../../metrics/classifier';
import { domainsOf } from '../../gan/domains';
import { referenceData } from '../../metrics/reference';
import { applyDeviceFlag, DEVICE_FLAG } from '../device-flag';
import { CommandSpec, FlagsOf, UsageError } from '../args';
import { classifierFeedback } from './classifier';

export const exportSpec = {
  name: 'export',
  summary: "Export a run's generator (inputs z and, for conditional models, class; output image; pix2pix: input image, output translated) or the judge's classifier (input images; outputs features and logits) to ONNX, batch size free; or a run's playground as a static web folder (--web).",
  usage: 'ganforge export --checkpoint RUN --onnx FILE.onnx [--opset 17] [--raw|--ema] | ganforge export --checkpoint RUN --web DIR [--raw|--ema] | ganforge export --classifier [--dataset mnist] --onnx FILE.onnx',
  flags: [
    { name: 'checkpoint', type: 'path', placeholder: 'RUN|FILE', help: "a run folder (its last checkpoint) or a checkpoint .safetensors file: exports its generator" },
    { name: 'classifier', type: 'boolean', help: "export the judge's classifier for --dataset instead (trained first if not cached); `ganforge eval --extractor FILE` then scores as the built-in judge" },
    { name: 'onnx', type: 'path', alias: 'o', placeholder: 'FILE.onnx', help: 'the ONNX file to write (replaced atomically)' },
    { name: 'web', type: 'path', placeholder: 'DIR', help: "with --checkpoint: write the playground (the generator run in the browser by onnxruntime-web, ≈ 14 MB of wasm) as a static folder DIR, which must be new or empty" },
    { name: 'opset', type: 'int', min: OPSETS.min, max: OPSETS.max, default: DEFAULT_OPSET, placeholder: 'N', help: `ONNX operator set (${OPSETS.min}–${OPSETS.max})` },
    { name: 'raw', type: 'boolean', help: "export G itself rather than its moving average (default: the moving average when the run kept one)" },
    { name: 'ema', type: 'boolean', help: 'export the moving average of G, and fail if the run kept none (trained without --ema)' },
    { name: 'dataset', type: 'string', placeholder: 'NAME|DIR', help: "with --classifier: the data set whose classifier to export (default: mnist)" },
    { name: 'download', type: 'boolean', help: 'with --classifier: the classifier of the full standard data set' },
    DEVICE_FLAG,
  ],
  examples: [
    'ganforge export --checkpoint runs/dcgan --onnx dcgan.onnx',
    'ganforge export --checkpoint runs/acgan --onnx acgan.onnx --raw --opset 13',
    'ganforge export --checkpoint runs/dcgan --web site/dcgan',
    'ganforge export --classifier --dataset fashion-mnist --onnx judge.onnx',
  ],
} as const satisfies CommandSpec;

/** Refuses flag combinations that mean nothing, each in one line. */
function checkFlags(flags: FlagsOf<typeof exportSpec>): void {
  const classifier = flags.classifier === true;
  if ((flags.checkpoint === undefined) === !classifier) throw new UsageError('give --checkpoint RUN or --classifier (one of them)');
  if (flags.raw && flags.ema) throw new UsageError('--raw and --ema exclude each other');
  if (classifier && (flags.raw || flags.ema)) throw new UsageError('--raw and --ema choose a generator\'s weights; the classifier has one set');
  if (!classifier && (flags.dataset !== undefined || flags.download)) throw new UsageError('--dataset and --download go with --classifier (a run knows its data set)');
  if ((flags.onnx === undefined) === (flags.web === undefined)) throw new UsageError('give --onnx FILE or --web DIR (one of them)');
  if (flags.web !== undefined) {
    if (classifier) throw new UsageError('--web exports a generator\'s playground: give --checkpoint RUN, not --classifier');
    return;
  }
  if (flags.onnx === undefined) return;
  if (path.extname(flags.onnx).toLowerCase() !== '.onnx') throw new UsageError(`--onnx: '${flags.onnx}' should end in .onnx`);
  const dir = path.dirname(path.resolve(flags.onnx));
  if (!fs.existsSync(dir)) throw new UsageError(`--onnx: folder ${path.dirname(flags.onnx)} does not exist`);
}

const size = (bytes: number) => (bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

export async function runExport(flags: FlagsOf<typeof exportSpec>): Promise<number> {
  applyDeviceFlag(flags.device);
  checkFlags(flags);
  if (flags.web !== undefined) {
    const web = await exportWeb(flags.web, flags.checkpoint!, { weights: flags.raw ? 'raw' : flags.ema ? 'ema' : undefined });
    const m = web.model;
    console.log(`wrote ${flags.web}/ (${size(web.bytes)}: model.onnx ${size(web.modelBytes)}, onnxruntime-web wasm ${size(web.runtimeBytes)}): the playground of ${m.name} (${m.model} generator, step ${m.step}); serve the folder with any static web server`);
    return 0;
  }
  const out = flags.onnx!;
  if (flags.checkpoint !== undefined) {
    const result = exportRun(flags.checkpoint, { opset: flags.opset, weights: flags.raw ? 'raw' : flags.ema ? 'ema' : undefined });
    writeFileAtomic(out, result.bytes);
    const [c, h, w] = result.config.imageShape;
    const weights = result.network === 'E' ? 'E, the moving average' : 'G';
    if (result.kind === 'editing') {
      const domains = domainsOf(result.config).names;
      console.log(`wrote ${out} (${size(result.bytes.length)}): ${result.config.model} generator (step ${result.step}), opset ${flags.opset}: image [batch, ${c}, ${h}, ${w}], domains [batch, ${domains.length}] (${domains.join(', ')}; 1 to have, 0 not) → edited [batch, ${c}, ${h}, ${w}], images in [-1, 1]`);
      return 0;
    }
    if (result.kind === 'translation') {
      console.log(`wrote ${out} (${size(result.bytes.length)}): ${result.config.model} generator (${result.config.direction}; step ${result.step}), opset ${flags.opset}: image [batch, ${c}, ${h}, ${w}] → translated [batch, ${c}, ${h}, ${w}], both in [-1, 1]`);
      return 0;
    }
    const inputs = `z [batch, ${result.config.latentDim}]${result.conditional ? `, class [batch] (0…${result.config.numClasses - 1})` : ''}`;
    console.log(`wrote ${out} (${size(result.bytes.length)}): ${result.config.model} generator (${weights}; step ${result.step}), opset ${flags.opset}: ${inputs} → image [batch, ${c}, ${h}, ${w}] in [-1, 1]`);
    return 0;
  }
  const reference = await referenceData(flags.dataset ?? 'mnist', { download: flags.download === true });
  const feedback = classifierFeedback();
  const trained = classifierFor(reference, feedback);
  feedback.finish();
  try {
    const bytes = exportClassifier(trained.net, {
      opset: flags.opset,
      metadata: { dataset: reference.key, trained_on: reference.description, accuracy: String(trained.accuracy), classes: JSON.stringify(trained.classes) },
    });
    writeFileAtomic(out, bytes);
    const [c, h, w] = trained.net.imageShape;
    console.log(`wrote ${out} (${size(bytes.length)}): the ${reference.key} classifier (${(trained.accuracy * 100).toFixed(2)}% held-out accuracy), opset ${flags.opset}: images [batch, ${c}, ${h}, ${w}] in [-1, 1] → features [batch, 128], logits [batch, ${trained.classes.length}]`);
  } finally {
    trained.net.dispose();
  }
  return 0;
}
