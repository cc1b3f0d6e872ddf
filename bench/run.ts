// `npm run bench`: trains each model for a fixed number of steps in ganforge and in the PyTorch reference
// (Debian's python3-torch) back to back, alternating rounds, on the same data, and prints the median
// ms/step of each and the ratio of images per second. ganforge runs at its family's thread count (or
// GANFORGE_THREADS); PyTorch at each of 1, that count and every core, and the ratio is taken against its fastest.
// Speed is judged here, never in timed tests.
//
//   npm run bench                      all cases, 100 timed steps, 4 alternating rounds
//   npm run bench -- --steps 300 --rounds 3 --cases mlp
//   npm run bench -- --device cuda --precision bf16     on a GPU (GANFORGE_PYTHON: a Python with CUDA torch)
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadBundledMnist } from '../src/data/mnist';
import type { TrainConfig } from '../src/gan/config';
import { resolveConfig } from '../src/gan/resolve';
import { buildRun } from '../src/gan/registry';
import { cudaDeviceCount, libtorchVersion, numThreads, Precision, PRECISIONS, resolveDevice, setDefaultDevice, withPrecision } from '../src/torch';
import { writeIdx } from '../src/data/idx';
import type { ImageDataset } from '../src/data/dataset';
import { fastestCount, median, option, PYTHON, referenceThreadCounts, runReference, simdFlags, writeBundledMnistIdx } from './common';

interface BenchCase {
  name: string;
  description: string;
  config: Partial<TrainConfig>;
  /** The PyTorch model of bench/reference/gan_reference.py (`--model`). */
  reference: string;
  /** Share of --steps / --warmup this case runs (slow models run fewer steps). */
  share: number;
  /** The case's images: the bundled MNIST unless it names another shape. */
  data?: 'random-64-rgb';
}

const CASES: BenchCase[] = [
  {
    name: 'mlp',
    description: 'MLP GAN: G 100→256→512→1024→784, D 784→1024→512→256→1, batch 64, Adam 2e-4 β1 0.5',
    config: { model: 'mlp' },
    reference: 'mlp',
    share: 1,
  },
  {
    name: 'dcgan28',
    description: 'DCGAN for 28×28: G ConvT 100→128 (7×7) →64 (14×14) →1 (28×28) with BN, D two strided convs, batch 64',
    config: { model: 'dcgan' },
    reference: 'dcgan',
    share: 0.3,
  },
  {
    name: 'conv',
    description: 'tutorial conv GAN: fc→7×7×256, bilinear ×2 + conv/BN/ReLU twice, D conv/BN/ReLU/max-pool, Adam 1e-3 AMSGrad',
    config: { model: 'conv' },
    reference: 'conv',
    share: 0.15,
  },
  {
    name: 'dcgan64',
    description: 'DCGAN-64 (the DCGAN paper\'s faces model): G ConvT 100→512 (4×4) …→3 (64×64) with BN, D mirrored, batch 64; random 64×64 RGB pixels (speed only)',
    config: { model: 'dcgan' },
    reference: 'dcgan',
    share: 0.2,
    data: 'random-64-rgb',
  },
];

/** 2,048 random 3×64×64 images: what DCGAN-64 computes does not depend on the pixels, so speed needs no faces. */
function randomRgbDataset(): ImageDataset {
  const count = 2048;
  const images = new Uint8Array(count * 3 * 64 * 64);
  let state = 12345;
  for (let i = 0; i < images.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    images[i] = state >>> 24;
  }
  return { name: 'random-64-rgb', images, labels: null, count, channels: 3, height: 64, width: 64, classes: null };
}

function timeGanforge(config: TrainConfig, dataset: ImageDataset, warmup: number, steps: number): number[] {
  const run = buildRun(config, dataset);
  const times: number[] = [];
  try {
    for (let step = 0; step < warmup + steps; step++) {
      const epoch = Math.floor(step / run.batchesPerEpoch) + 1;
      const started = performance.now();
      // The step's losses are read as numbers, which waits for a GPU's queued work: the timing is complete.
      withPrecision(config.precision, () => run.step({ step, epoch, batchInEpoch: step % run.batchesPerEpoch }));
      if (step >= warmup) times.push(performance.now() - started);
    }
  } finally {
    run.dispose();
  }
  return times;
}

function pythonTorchVersion(): string | null {
  try {
    return execFileSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function timeReference(
  model: string, dataFile: string, warmup: number, steps: number, seed: number, threads: number, device: string, precision: Precision,
): number[] {
  return runReference(['--model', model, '--data', dataFile, '--steps', String(steps), '--warmup', String(warmup),
    '--seed', String(seed), '--threads', String(threads), '--device', device, '--precision', precision]).step_ms;
}

function main(): void {
  const steps = Number(option('steps', '100'));
  const warmup = Number(option('warmup', '10'));
  const rounds = Number(option('rounds', '4'));
  const only = option('cases', CASES.map((c) => c.name).join(',')).split(',');
  // Both sides run on the same device: the first GPU where there is one (unless --device cpu), else the CPU.
  const device = resolveDevice(option('device', 'auto'));
  setDefaultDevice(device);
  const precision = option('precision', 'fp32') as Precision;
  if (!PRECISIONS.includes(precision) || precision === 'fp16') throw new Error(`--precision: fp32 or bf16, not ${precision}`);
  const torchVersion = pythonTorchVersion();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ganforge-bench-'));
  const mnist = { dataset: loadBundledMnist(), file: writeBundledMnistIdx(tmp) };
  let random: { dataset: ImageDataset; file: string } | null = null;
  const dataFor = (benchCase: BenchCase) => {
    if (benchCase.data !== 'random-64-rgb') return mnist;
    if (!random) {
      const dataset = randomRgbDataset();
      const file = path.join(tmp, 'random-64-rgb-idx4-ubyte');
      writeIdx(file, [dataset.count, 3, 64, 64], dataset.images);
      random = { dataset, file };
    }
    return random;
  };

  console.log(`ganforge bench: libtorch ${libtorchVersion()}, PyTorch ${torchVersion ?? 'not installed'}; ${os.cpus().length} CPUs; ` +
    `up to ${steps} timed steps after ${warmup} warm-up, ${rounds} alternating rounds`);
  console.log(`device: ${device}${device === 'cpu' ? ` (${os.cpus()[0]?.model}; ${simdFlags()})` : ` (${cudaDeviceCount()} visible)`}, precision ${precision}, both sides`);
  if (!torchVersion) console.log(`PyTorch reference skipped: ${PYTHON} has no torch (apt-get install python3-torch, or set GANFORGE_PYTHON)`);
  const rows: string[][] = [['case', 'ganforge ms/step', 'PyTorch ms/step', 'ganforge img/s', 'PyTorch img/s', 'ratio']];
  for (const benchCase of CASES.filter((c) => only.includes(c.name))) {
    const { dataset, file: dataFile } = dataFor(benchCase);
    const imageShape: [number, number, number] = [dataset.channels, dataset.height, dataset.width];
    const config: TrainConfig = { ...resolveConfig({ flags: benchCase.config }), imageShape, numClasses: dataset.labels ? 10 : 0, precision };
    const caseSteps = Math.max(5, Math.round(steps * benchCase.share));
    const caseWarmup = Math.max(2, Math.round(warmup * benchCase.share));
    const ours: number[] = [];
    const theirs = new Map<number, number[]>();
    for (let round = 0; round < rounds; round++) {
      ours.push(...timeGanforge(config, dataset, caseWarmup, caseSteps));
      if (!torchVersion) continue;
      // numThreads() is the count the run chose for this family (or GANFORGE_THREADS).
      for (const threads of referenceThreadCounts(numThreads(), device)) {
        theirs.set(threads, [...(theirs.get(threads) ?? []), ...timeReference(benchCase.reference, dataFile, caseWarmup, caseSteps, config.seed, threads, device, precision)]);
      }
    }
    const oursMs = median(ours);
    const perCount = [...theirs].map(([threads, times]) => ({ threads, ms: median(times) }));
    const best = perCount.length ? fastestCount(perCount) : null;
    const theirsMs = best ? best.ms : NaN;
    const perSecond = (ms: number) => (config.batchSize * 1000) / ms;
    const threadsNote = perCount.length
      ? `; PyTorch at its fastest of ${perCount.map((c) => `${c.threads} thread${c.threads > 1 ? 's' : ''} ${c.ms.toFixed(1)} ms`).join(', ')}`
      : '';
    console.log(`  ${benchCase.name}: ${benchCase.description}; ${caseSteps} steps × ${rounds} rounds, ` +
      `ganforge ${numThreads()} intra-op thread${numThreads() > 1 ? 's' : ''}${threadsNote}`);
    rows.push([
      benchCase.name, oursMs.toFixed(2), best ? theirsMs.toFixed(2) : '—',
      perSecond(oursMs).toFixed(0), best ? perSecond(theirsMs).toFixed(0) : '—',
      best ? `${(theirsMs / oursMs).toFixed(2)}×` : '—',
    ]);
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  for (const row of rows) console.log(row.map((cell, col) => cell.padStart(widths[col])).join('  '));
  console.log('ratio = ganforge images/s ÷ PyTorch images/s at PyTorch\'s fastest thread count (above 1: ganforge is faster)');
  fs.rmSync(tmp, { recursive: true, force: true });
}

main();
