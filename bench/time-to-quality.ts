// `npm run bench:time-to-quality -- --budget 120 --snapshots 10,20,30,45,60,90,120 --n 2000 --seed 1 --out DIR`:
// sample quality against training time, for the default recipe in ganforge and in its PyTorch twin
// (bench/reference/gan_reference.py --model acgan: the same networks, losses and optimizer, shown bit-identical
// over 30 steps by test/gan/pytorch-parity.test.ts). Each side trains alone (one after the other) and writes
// `n` samples (classes in turn) at each snapshot's seconds of training; writing them is not counted as training
// time. Every snapshot is then scored by the same judge (`ganforge eval --samples`), and the table, the time
// each side needed to reach FID 100, 50 and 25, and a chart (DIR/fid-vs-time.svg) are written.
//
// ganforge runs at its family's thread count (GANFORGE_THREADS where set) and PyTorch at whichever of 1, that
// count and every core a short trial finds fastest, so each side runs as fast as it can here; the math is the
// same (to float rounding), so a difference in the curves is a difference in speed per step.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../src/io/atomic';
import { decodeNpy, encodeNpy } from '../src/io/npy';
import { lineChartSvg } from '../src/io/plot';
import { loadBundledMnist } from '../src/data/mnist';
import { writeIdx } from '../src/data/idx';
import { resolveConfig } from '../src/gan/resolve';
import { buildRun } from '../src/gan/registry';
import { drawSeeded } from '../src/gan/sampling';
import { numThreads } from '../src/torch';
import {
  defaultRecipeReferenceArgs, evalJson, fastestReferenceThreads, option, referenceThreadCounts, runReference, simdFlags, writeBundledMnistIdx,
} from './common';

/** FID levels whose first crossing is reported. */
const LEVELS = [100, 50, 25];

interface Snapshot { seconds: number; steps: number; file: string }
interface Side { name: string; snapshots: Snapshot[]; fid: number[] }

/** `ganforge eval --samples` reads float .npy in [0, 1]; both sides produce tanh outputs in [-1, 1]. */
function writeSamples(file: string, images: Float32Array, shape: number[]): void {
  writeFileAtomic(file, encodeNpy(images.map((v) => (v + 1) / 2), shape));
}

/** The default recipe, stepped in this process by the same step function `ganforge train` uses. */
function ganforgeSide(out: string, times: number[], n: number, seed: number): { side: Side; threads: number } {
  const mnist = loadBundledMnist();
  const config = { ...resolveConfig({ flags: { seed } }), imageShape: [1, 28, 28] as [number, number, number], numClasses: 10, timeBudget: null };
  const run = buildRun(config, mnist);
  const threads = numThreads();
  const snapshots: Snapshot[] = [];
  let trained = 0;
  try {
    const pending = [...times];
    for (let step = 0; pending.length > 0; step++) {
      const epoch = Math.floor(step / run.batchesPerEpoch) + 1;
      const started = performance.now();
      run.step({ step, epoch, batchInEpoch: step % run.batchesPerEpoch });
      trained += (performance.now() - started) / 1000;
      while (pending.length > 0 && trained >= pending[0]) {
        const seconds = pending.shift()!;
        // As the trainer does around its scoring: the samples' noise comes from its own seed, and training
        // goes on with the random stream as it was.
        const { images, shape } = drawSeeded(seed + 1, () => run.sample!(n));
        const file = path.join(out, `ganforge-${seconds}s.npy`);
        writeSamples(file, images, shape);
        snapshots.push({ seconds, steps: step + 1, file });
      }
    }
  } finally {
    run.dispose();
  }
  return { side: { name: 'ganforge', snapshots, fid: [] }, threads };
}

/** The PyTorch twin for the same snapshots; its raw [-1, 1] files are rescaled for the judge. */
function pytorchSide(out: string, times: number[], n: number, seed: number, ganforgeThreads: number): { side: Side; threads: number } {
  const mnist = loadBundledMnist();
  const dataFile = writeBundledMnistIdx(out);
  const labelsFile = path.join(out, 'mnist-labels-idx1-ubyte');
  writeIdx(labelsFile, [mnist.count], mnist.labels!);
  const prefix = path.join(out, 'pytorch-raw');
  const model = [...defaultRecipeReferenceArgs(), '--data', dataFile, '--labels', labelsFile, '--seed', String(seed)];
  const threads = fastestReferenceThreads(model, referenceThreadCounts(ganforgeThreads));
  console.log(`training PyTorch (${threads} intra-op thread${threads > 1 ? 's' : ''}, its fastest here) …`);
  const report = runReference([...model, '--steps', '100000000', '--warmup', '0', '--time-budget', String(Math.max(...times)),
    '--threads', String(threads), '--snapshots', times.join(','), '--snapshot-prefix', prefix, '--samples-count', String(n)]);
  const snapshots: Snapshot[] = [];
  for (const seconds of times) {
    const raw = `${prefix}-${seconds}s.npy`;
    if (!fs.existsSync(raw)) continue;
    const { data, shape } = decodeNpy(fs.readFileSync(raw), raw);
    const file = path.join(out, `pytorch-${seconds}s.npy`);
    writeSamples(file, data as Float32Array, shape);
    fs.rmSync(raw);
    snapshots.push({ seconds, steps: report.snapshot_steps?.[String(seconds)] ?? NaN, file });
  }
  return { side: { name: 'PyTorch', snapshots, fid: [] }, threads };
}

/**
 * When FID first reaches `level`: between the last snapshot above it and the first at or below it, FID is taken
 * to fall exponentially (linear in log FID), as it roughly does; null when no snapshot reaches it.
 */
function timeToReach(snapshots: { seconds: number }[], fid: number[], level: number): number | null {
  const k = fid.findIndex((f) => f <= level);
  if (k < 0) return null;
  if (k === 0) return snapshots[0].seconds;
  const [t0, t1] = [snapshots[k - 1].seconds, snapshots[k].seconds];
  const [a, b] = [Math.log(fid[k - 1]), Math.log(fid[k])];
  return t0 + ((a - Math.log(level)) / (a - b)) * (t1 - t0);
}

/** The table, the times to each level and the chart, from measured sides (or a results.json read back). */
function report(out: string, times: number[], budget: number, sides: Side[]): void {
  console.log(`\nseconds  ${sides.map((side) => `${side.name} steps  ${side.name} FID`).join('  ')}`);
  for (const seconds of times) {
    const cells = sides.map((side) => {
      const k = side.snapshots.findIndex((s) => s.seconds === seconds);
      const [steps, fid] = k < 0 ? ['-', '-'] : [String(side.snapshots[k].steps), side.fid[k].toFixed(1)];
      return `${steps.padStart(side.name.length + 6)} ${fid.padStart(side.name.length + 4)}`;
    });
    console.log(`${String(seconds).padStart(7)}  ${cells.join('  ')}`);
  }
  for (const level of LEVELS) {
    const shown = (t: number | null) => (t === null ? `not within ${budget} s` : `${t.toFixed(0)} s`);
    console.log(`time to FID ≤ ${level}: ${sides.map((side) => `${side.name} ${shown(timeToReach(side.snapshots, side.fid, level))}`).join(', ')}`);
  }
  const chart = lineChartSvg({
    title: 'FID against training time (default recipe, same judge)',
    xLabel: 'seconds of training', yLabel: 'FID', logY: true,
    series: sides.map((side) => ({ name: side.name, points: side.snapshots.map((s, k) => [s.seconds, side.fid[k]] as [number, number]) })),
  });
  writeFileAtomic(path.join(out, 'fid-vs-time.svg'), chart);
  console.log(`chart: ${path.join(out, 'fid-vs-time.svg')}`);
}

function main(): void {
  const from = option('from', '');
  if (from) {
    // Prints the report again from a run's results.json (e.g. after changing how it is computed).
    const saved = JSON.parse(fs.readFileSync(from, 'utf8')) as { times: number[]; budget?: number; sides: Side[] };
    report(path.dirname(path.resolve(from)), saved.times, saved.budget ?? Math.max(...saved.times), saved.sides);
    return;
  }
  const budget = Number(option('budget', '120'));
  const times = option('snapshots', '10,20,30,45,60,90,120').split(',').map(Number).filter((t) => t > 0 && t <= budget);
  if (times.length === 0) throw new Error('--snapshots: no time within --budget');
  const n = Number(option('n', '2000'));
  const seed = Number(option('seed', '1'));
  const out = path.resolve(option('out', path.join('runs', `time-to-quality-${budget}s`)));
  fs.mkdirSync(out, { recursive: true });
  console.log(`time to quality: the default recipe in ganforge and PyTorch (reference ${defaultRecipeReferenceArgs().join(' ')}), snapshots at ${times.join(', ')} s of training`);
  console.log(`machine: ${os.cpus().length} CPUs, ${os.cpus()[0]?.model} (${simdFlags()}); load average now ${os.loadavg()[0].toFixed(1)}`);

  console.log('training ganforge …');
  const { side: ours, threads } = ganforgeSide(out, times, n, seed);
  const { side: theirs, threads: pytorchThreads } = pytorchSide(out, times, n, seed, threads);
  for (const side of [ours, theirs]) {
    side.fid = side.snapshots.map((s) => evalJson(['--samples', s.file, '--dataset', 'mnist']).fid as number);
  }

  writeFileAtomic(path.join(out, 'results.json'), JSON.stringify({ times, budget, threads, pytorchThreads, sides: [ours, theirs] }, null, 2));
  report(out, times, budget, [ours, theirs]);
}

main();
