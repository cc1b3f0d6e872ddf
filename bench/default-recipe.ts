// `npm run bench:default -- --budget 120 --seed 1 --n 2000 --out DIR`: the default recipe's claim, measured.
// On this machine, one after the other, each for the same wall time: `ganforge train` with no recipe flags (the
// default recipe), the MLP GAN in ganforge, and the MLP GAN in the PyTorch reference. All three are scored by the
// same judge (`ganforge eval`: bundled-MNIST classifier features, 2,000 held-out digits) and their grids written
// into DIR. The runs are sequential so none of them shares the CPU with another.
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../src/io/atomic';
import { imageGrid } from '../src/io/grid';
import { decodeNpy, encodeNpy } from '../src/io/npy';
import { encodePng } from '../src/io/png';
import { evalJson, ganforgeRun, option, Row, runReference, writeBundledMnistIdx } from './common';

/** The PyTorch reference MLP GAN for the same budget; its samples are scored from a .npy file. */
function pytorchRun(name: string, out: string, budget: string, seed: string, n: string): Row {
  const dataFile = writeBundledMnistIdx(out);
  const raw = path.join(out, `${name}-raw.npy`);
  console.log(`${name}: bench/reference/gan_reference.py --model mlp --time-budget ${budget}`);
  const started = Date.now();
  const report = runReference(['--model', 'mlp', '--data', dataFile, '--steps', '100000000', '--warmup', '0',
    '--time-budget', budget, '--seed', seed, '--samples-out', raw, '--samples-count', n]);
  const seconds = (Date.now() - started) / 1000;
  const { data, shape } = decodeNpy(fs.readFileSync(raw), raw);
  const images = data as Float32Array;
  // `ganforge eval --samples` reads float .npy files in [0, 1]; the reference writes tanh outputs in [-1, 1].
  const samples = path.join(out, `${name}.npy`);
  writeFileAtomic(samples, encodeNpy(images.map((v) => (v + 1) / 2), shape));
  const [, c, h, w] = shape;
  writeFileAtomic(path.join(out, `${name}.png`), encodePng(imageGrid(images.subarray(0, 64 * c * h * w), [64, c, h, w])));
  fs.rmSync(raw);
  return { name, steps: report.step_ms.length, seconds, score: evalJson(['--samples', samples, '--dataset', 'mnist']), run: samples };
}

function main(): void {
  const budget = option('budget', '120');
  const seed = option('seed', '1');
  const n = option('n', '2000');
  const out = path.resolve(option('out', path.join('runs', `default-vs-mlp-${budget}s`)));
  fs.mkdirSync(out, { recursive: true });

  const rows = [
    ganforgeRun('default-recipe', out, [], budget, seed, n),
    ganforgeRun('mlp-ganforge', out, ['--model', 'mlp', '--steps', '100000000'], budget, seed, n),
    pytorchRun('mlp-pytorch', out, budget, seed, n),
  ];

  const first = rows[0].score.protocol;
  console.log(`\n${budget} s each on this machine; judge: ${first.extractor.kind} features (${(first.extractor.accuracy * 100).toFixed(1)}% held-out accuracy), ${first.reference}, ${n} samples per model`);
  console.log('run               steps  seconds     FID     KID  coverage  precision  recall');
  for (const { name, steps, seconds, score } of rows) {
    console.log(`${name.padEnd(16)} ${String(steps).padStart(6)} ${seconds.toFixed(0).padStart(8)} ${score.fid.toFixed(1).padStart(7)} ` +
      `${score.kid.mean.toFixed(3).padStart(7)} ${score.coverage.normalizedEntropy.toFixed(2).padStart(9)} ${score.precision.toFixed(2).padStart(10)} ${score.recall.toFixed(2).padStart(7)}`);
  }
  writeFileAtomic(path.join(out, 'results.json'), JSON.stringify(rows, null, 2));
  console.log(`grids: ${rows.map((r) => path.join(out, `${r.name}.png`)).join(', ')}`);
}

main();
