// `ganforge sample`: draws images from a trained generator into an IDX, NPY or PNG file.
import * as fs from 'fs';
import * as path from 'path';
import { writeIdx } from '../../data/idx';
import { signedToBytes, signedToUnit } from '../../data/pixels';
import { sampleRun, stylePictureOfRun } from '../../gan/run-samples';
import { STYLE_PICTURES } from '../../gan/style-pictures';
import { writeFileAtomic } from '../../io/atomic';
import { imageGrid } from '../../io/grid';
import { encodeNpy } from '../../io/npy';
import { encodePng } from '../../io/png';
import { CommandSpec, FlagsOf, UsageError } from '../args';
import { applyDeviceFlag, DEVICE_FLAG } from '../device-flag';
import { ProgressBar } from '../progress';

export const sampleSpec = {
  name: 'sample',
  summary: 'Generate images from a trained run into FILE: .idx (uint8, the dataset format), .npy (float32 N×C×H×W in [0, 1]) or .png (a grid).',
  usage: 'ganforge sample --checkpoint runs/NAME --out FILE [--n 10000] [--seed S] [--class K] | --picture style-mixing|noise-variation --out FILE.png',
  flags: [
    { name: 'checkpoint', type: 'path', required: true, placeholder: 'RUN|FILE', help: 'a run folder or a checkpoint .safetensors file' },
    { name: 'out', type: 'path', alias: 'o', required: true, placeholder: 'FILE', help: 'output file: .idx, .npy or .png' },
    { name: 'n', type: 'int', min: 1, max: 10_000_000, placeholder: 'N', help: 'number of images (default: 10000; 64 for .png)' },
    { name: 'seed', type: 'int', min: 0, max: 0xffffffff, default: 0, placeholder: 'S', help: 'seed of the noise' },
    { name: 'batch-size', type: 'int', min: 1, default: 500, placeholder: 'N', help: 'images generated per batch' },
    { name: 'class', key: 'classIndex', type: 'int', min: 0, placeholder: 'K', help: 'only class K (conditional models and --per-class runs; default: every class in turn)' },
    { name: 'raw', type: 'boolean', help: "sample from G itself rather than its moving average (runs trained with --ema)" },
    { name: 'truncation', type: 'number', min: 1e-3, max: 100, placeholder: 'ψ', help: "truncation trick, trading variety for fidelity (e.g. 0.7; default: off): BigGAN's, every noise entry with |z| > ψ redrawn; for stylegan runs StyleGAN's, w pulled to w_avg + ψ·(w − w_avg)" },
    { name: 'picture', type: 'string', choices: STYLE_PICTURES, placeholder: 'KIND', help: "stylegan runs: instead of samples, write StyleGAN's picture to the .png: style-mixing (cell i, j: row source i's coarse styles, column source j's fine ones) or noise-variation (one w per row with fresh noise per column, then where they differ)" },
    DEVICE_FLAG,
  ],
  examples: [
    'ganforge sample --checkpoint runs/mlp --out samples.idx', 'ganforge sample --checkpoint runs/cgan --class 7 --out sevens.png --n 100',
    'ganforge sample --checkpoint runs/dcgan --truncation 0.7 --out truncated.png',
    'ganforge sample --checkpoint runs/stylegan --picture style-mixing --out mixing.png',
  ],
} as const satisfies CommandSpec;

const FORMATS = ['.idx', '.npy', '.png'];

export async function runSample(flags: FlagsOf<typeof sampleSpec>): Promise<number> {
  applyDeviceFlag(flags.device);
  const out = flags.out;
  const format = path.extname(out).toLowerCase();
  if (!FORMATS.includes(format)) throw new UsageError(`--out: unknown format '${format || out}' (expected a file ending in ${FORMATS.join(', ')})`);
  const n = flags.n ?? (format === '.png' ? 64 : 10000);
  if (!fs.existsSync(path.dirname(path.resolve(out)))) throw new Error(`cannot write ${out}: folder ${path.dirname(out)} does not exist`);
  const checkpoint = flags.checkpoint;
  if (flags.picture !== undefined) {
    if (format !== '.png') throw new UsageError(`--picture writes a .png, not ${format}`);
    if (flags.n !== undefined || flags.class !== undefined) throw new UsageError(`--picture draws a fixed layout: drop --${flags.n !== undefined ? 'n' : 'class'}`);
    writeFileAtomic(out, encodePng(stylePictureOfRun(checkpoint, flags.picture, { seed: flags.seed, raw: flags.raw === true, truncation: flags.truncation })));
    console.log(`wrote the ${flags.picture} picture to ${out}`);
    return 0;
  }

  const bar = new ProgressBar({ total: n, label: 'sample', unit: 'img' }); // draws only on a terminal
  const samples = sampleRun(checkpoint, {
    n, seed: flags.seed, batchSize: flags['batch-size'], classIndex: flags.class,
    raw: flags.raw === true, truncation: flags.truncation, onProgress: (done) => bar.update(done),
  });
  bar.finish();
  const { images, shape, nrow } = samples;
  const [, c, h, w] = shape;
  if (format === '.png') {
    writeFileAtomic(out, encodePng(imageGrid(images, shape, { nrow })));
  } else if (format === '.npy') {
    writeFileAtomic(out, encodeNpy(signedToUnit(images), shape));
  } else {
    writeIdx(out, c === 1 ? [n, h, w] : [n, c, h, w], signedToBytes(images));
  }
  console.log(`wrote ${n} samples (${c}×${h}×${w}) to ${out}`);
  return 0;
}
