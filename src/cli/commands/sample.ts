// `ganforge sample`: draws images from a trained generator into an IDX, NPY or PNG file.
import * as fs from 'fs';
import * as path from 'path';
import { writeIdx } from '../../data/idx';
import { readCheckpoint, restoreGenerator } from '../../gan/checkpoint';
import { familyFor } from '../../gan/registry';
import { modelSpec } from '../../gan/session';
import { tensor } from '../../torch';
import { RunDir } from '../../gan/run-dir';
import { sampleInBatches } from '../../gan/sampling';
import { writeFileAtomic } from '../../io/atomic';
import { imageGrid } from '../../io/grid';
import { encodeNpy } from '../../io/npy';
import { encodePng } from '../../io/png';
import { manualSeed } from '../../torch';
import { CommandSpec, UsageError } from '../args';
import { ProgressBar } from '../progress';

export const sampleSpec: CommandSpec = {
  name: 'sample',
  summary: 'Generate images from a trained run into FILE: .idx (uint8, the dataset format), .npy (float32 N×C×H×W in [0, 1]) or .png (a grid).',
  usage: 'ganforge sample --checkpoint runs/NAME --out FILE [--n 10000] [--seed S]',
  flags: [
    { name: 'checkpoint', type: 'path', required: true, placeholder: 'RUN|FILE', help: 'a run folder or a checkpoint .safetensors file' },
    { name: 'out', type: 'path', alias: 'o', required: true, placeholder: 'FILE', help: 'output file: .idx, .npy or .png' },
    { name: 'n', type: 'int', min: 1, max: 10_000_000, placeholder: 'N', help: 'number of images (default: 10000; 64 for .png)' },
    { name: 'seed', type: 'int', min: 0, max: 0xffffffff, default: 0, placeholder: 'S', help: 'seed of the noise' },
    { name: 'batch-size', type: 'int', min: 1, default: 500, placeholder: 'N', help: 'images generated per batch' },
    { name: 'class', type: 'int', min: 0, placeholder: 'K', help: 'generate class K only (conditional models and --per-class runs; default: all classes in turn)' },
    { name: 'raw', type: 'boolean', help: "sample from G itself rather than its moving average (runs trained with --ema)" },
  ],
  examples: ['ganforge sample --checkpoint runs/mlp --out samples.idx', 'ganforge sample --checkpoint runs/mlp --out grid.png --n 100'],
};

const FORMATS = ['.idx', '.npy', '.png'];

/** A run folder, a --per-class run folder (with --class), or a checkpoint file. */
function checkpointFile(given: string, classIndex: number | undefined): string {
  if (!fs.existsSync(given) || !fs.statSync(given).isDirectory()) return given;
  if (fs.existsSync(path.join(given, 'per-class.json'))) {
    if (classIndex === undefined) throw new UsageError(`${given} holds one model per class: choose one with --class K`);
    const folder = path.join(given, `class-${classIndex}`);
    if (!fs.existsSync(folder)) throw new UsageError(`--class ${classIndex}: ${given} has no class-${classIndex}`);
    return new RunDir(folder).checkpointPath;
  }
  return new RunDir(given).checkpointPath;
}

export async function runSample(flags: Record<string, unknown>): Promise<number> {
  const out = flags.out as string;
  const format = path.extname(out).toLowerCase();
  if (!FORMATS.includes(format)) throw new UsageError(`--out: unknown format '${format || out}' (expected a file ending in ${FORMATS.join(', ')})`);
  const n = (flags.n as number | undefined) ?? (format === '.png' ? 64 : 10000);
  if (!fs.existsSync(path.dirname(path.resolve(out)))) throw new Error(`cannot write ${out}: folder ${path.dirname(out)} does not exist`);

  const classIndex = flags.class as number | undefined;
  const checkpoint = readCheckpoint(checkpointFile(flags.checkpoint as string, classIndex));
  const { config } = checkpoint;
  const family = familyFor(modelSpec(config));
  const generator = family.generator(modelSpec(config));
  try {
    restoreGenerator(checkpoint, generator, flags.raw === true);
  } finally {
    checkpoint.dispose();
  }
  const conditional = family.conditioning !== 'none';
  if (conditional && classIndex !== undefined && classIndex >= config.numClasses) {
    throw new UsageError(`--class ${classIndex}: the model knows classes 0…${config.numClasses - 1}`);
  }
  // Conditional models: the asked class, or all classes in turn.
  const labelsFor = conditional
    ? (start: number, count: number) => tensor(Array.from({ length: count }, (_, i) => classIndex ?? (start + i) % config.numClasses), [count], 'int64')
    : undefined;

  const [c, h, w] = config.imageShape;
  const perImage = c * h * w;
  const all = new Float32Array(n * perImage);
  const bar = new ProgressBar({ total: n, label: 'sample', unit: 'img' }); // draws only on a terminal
  let done = 0;
  manualSeed(flags.seed as number);
  sampleInBatches(generator, n, flags['batch-size'] as number, (data, count) => {
    all.set(data, done * perImage);
    done += count;
    bar.update(done);
  }, labelsFor);
  bar.finish();
  generator.dispose();

  if (format === '.png') {
    const nrow = conditional && classIndex === undefined ? config.numClasses : undefined;
    writeFileAtomic(out, encodePng(imageGrid(all, [n, c, h, w], { nrow })));
  } else if (format === '.npy') {
    writeFileAtomic(out, encodeNpy(all.map((v) => (v + 1) / 2), [n, c, h, w]));
  } else {
    const bytes = Uint8Array.from(all, (v) => Math.round(Math.min(1, Math.max(0, (v + 1) / 2)) * 255));
    writeIdx(out, c === 1 ? [n, h, w] : [n, c, h, w], bytes);
  }
  console.log(`wrote ${n} samples (${c}×${h}×${w}) to ${out}`);
  return 0;
}
