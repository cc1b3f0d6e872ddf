// What the benchmark scripts share: flag reading, the compiled CLI, the PyTorch reference script and the data
// file it reads, and `ganforge eval --json`.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeIdx } from '../src/data/idx';
import { loadBundledMnist } from '../src/data/mnist';
import { resolveConfig } from '../src/gan/resolve';

/** The repository root (these scripts run from dist/bench/). */
export const ROOT = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const REFERENCE = path.join(ROOT, 'bench', 'reference', 'gan_reference.py');

/** The SIMD flags that decide libtorch's kernels here (figures are compared only between machines that share them). */
export function simdFlags(): string {
  const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
  return ['avx512f', 'avx2', 'fma'].filter((f) => new RegExp(`\\b${f}\\b`).test(info)).join(' ') || 'none of avx512f/avx2/fma';
}

/** `--name VALUE` from the command line, or `fallback`. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Removes `--name VALUE` from `argv` and returns VALUE (undefined when absent), so what remains is positional. */
export function takeOption(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv.splice(at, 2)[1] : undefined;
}

/** Writes the bundled 10,000 MNIST digits as an IDX file in `dir` for the PyTorch reference; returns its path. */
export function writeBundledMnistIdx(dir: string): string {
  const mnist = loadBundledMnist();
  const file = path.join(dir, 'mnist-images-idx3-ubyte');
  writeIdx(file, [mnist.count, mnist.height, mnist.width], mnist.images);
  return file;
}

/**
 * The PyTorch reference's arguments for the default recipe's model (an AC-GAN): its width, learning rate, class
 * weight and classifier setting read from the recipe itself, and the grid's rows of fixed noise, so that the
 * reference draws its random numbers in ganforge's order.
 */
export function defaultRecipeReferenceArgs(): string[] {
  const config = resolveConfig({ recipe: 'default', flags: {} });
  if (config.model !== 'acgan' || config.lrG !== config.lrD || config.loss !== 'non-saturating' || config.emaDecay !== 0) {
    throw new Error(`the PyTorch reference has no twin of the default recipe (${config.model}, loss ${config.loss}, lr ${config.lrG}/${config.lrD}, ema ${config.emaDecay})`);
  }
  return ['--model', 'acgan', '--width', String(config.width), '--lr', String(config.lrG), '--batch-size', String(config.batchSize),
    '--class-weight', String(config.classWeight), '--classify-fakes', config.classifyFakes ? '1' : '0', '--fixed-noise', String(config.gridSize)];
}

export interface ReferenceReport {
  torch: string; threads: number; step_ms: number[]; losses: number[][];
  /** With --snapshots: the steps done at each snapshot, by its seconds as written in the file names. */
  snapshot_steps?: Record<string, number>;
}

/**
 * The Python that runs the reference: $GANFORGE_PYTHON where set (e.g. a CUDA torch in a virtual environment),
 * else Debian's /usr/bin/python3 with python3-torch.
 */
export const PYTHON = process.env.GANFORGE_PYTHON ?? '/usr/bin/python3';

/** Runs bench/reference/gan_reference.py with `args` (its stderr shown) and returns its JSON report. */
export function runReference(args: string[]): ReferenceReport {
  const out = execFileSync(PYTHON, [REFERENCE, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  return JSON.parse(out);
}

/**
 * The thread counts PyTorch is timed at: 1, ganforge's count and every core, so that ganforge is compared with
 * PyTorch at its fastest (on 2 cores libtorch's transposed convolution runs 3–4× slower with 2 threads than with 1,
 * so the count that suits ganforge is not PyTorch's best). On a GPU the count hardly matters: ganforge's only.
 */
export function referenceThreadCounts(ours: number, device = 'cpu'): number[] {
  if (device !== 'cpu') return [ours];
  return [...new Set([1, ours, os.cpus().length])].sort((a, b) => a - b);
}

/** The median of `values` (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Of thread counts timed, the one with the lowest ms/step (the first of equals). */
export function fastestCount<T extends { threads: number; ms: number }>(timed: T[]): T {
  return timed.reduce((a, b) => (a.ms <= b.ms ? a : b));
}

/** The count of `candidates` at which the reference (`args`: model, data, …) runs its steps fastest, by a short trial. */
export function fastestReferenceThreads(args: string[], candidates: number[]): number {
  if (candidates.length === 1) return candidates[0];
  const timed = candidates.map((threads) => ({
    threads, ms: median(runReference([...args, '--steps', '12', '--warmup', '3', '--threads', String(threads)]).step_ms),
  }));
  return fastestCount(timed).threads;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- eval's JSON output, read field by field by the callers
export type EvalJson = Record<string, any>;

/** `ganforge eval ARGS --json` (progress on stderr shown), parsed. */
export function evalJson(args: string[]): EvalJson {
  const out = execFileSync(process.execPath, [CLI, 'eval', ...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

/** A ganforge run of a bench: its name, where it stopped, and the judge's scores of its samples. */
export interface Row { name: string; steps: number; seconds: number; score: EvalJson; run: string }

/** Trains with `ganforge train ARGS` inside the budget into OUT/NAME and scores `n` samples of the result. */
export function ganforgeRun(name: string, out: string, args: string[], budget: string, seed: string, n: string): Row {
  const run = path.join(out, name);
  fs.rmSync(run, { recursive: true, force: true });
  console.log(`${name}: ganforge train ${args.join(' ')} --time-budget ${budget}`);
  const log = execFileSync(process.execPath, [CLI, 'train', ...args, '--time-budget', budget, '--seed', seed, '--out', run, '--log-every', '1000000'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  const done = /at step (\d+)\/\d+ \(([\d.]+) s\)/.exec(log);
  if (!done) throw new Error(`${name}: no final step in the training log:\n${log}`);
  fs.copyFileSync(path.join(run, 'samples.png'), path.join(out, `${name}.png`));
  return { name, steps: Number(done[1]), seconds: Number(done[2]), score: evalJson(['--checkpoint', run, '--n', n, '--no-append']), run };
}

/**
 * For a conditional run, asks for each class K in turn (`ganforge eval --class K --n N`) and returns the share of
 * the N samples the judge's classifier reads as K, per class.
 */
export function askedClassShares(run: string, classes: number, n: string, seed: string): number[] {
  const shares: number[] = [];
  for (let k = 0; k < classes; k++) {
    const asked = evalJson(['--checkpoint', run, '--class', String(k), '--n', n, '--seed', seed, '--no-append']);
    shares.push((asked.coverage.shares as number[])[k]);
  }
  return shares;
}
