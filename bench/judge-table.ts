// `npm run bench:judge -- [--n 2000] [runs/A runs/B …]`: does the judge separate good from bad? Scores, with
// `ganforge eval`, three sets made from the bundled MNIST (real digits from the classifier's train split, which the
// held-out reference never contains; uniform noise; a collapsed set of one digit class) and then any run folders
// given, and prints one markdown table. The README's judge table is this command's output.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeIdx } from '../src/data/idx';
import { loadBundledMnist } from '../src/data/mnist';
import { encodeNpy } from '../src/io/npy';
import { splitEightyTwenty } from '../src/metrics/reference';
import { evalJson, EvalJson } from './common';

function main(): void {
  const argv = process.argv.slice(2);
  const nAt = argv.indexOf('--n');
  const n = nAt >= 0 ? Number(argv.splice(nAt, 2)[1]) : 2000;
  const runs = argv;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ganforge-judge-'));
  const { train } = splitEightyTwenty(loadBundledMnist());
  if (n > train.count) throw new Error(`--n ${n}: the train split has ${train.count} digits`);

  const real = path.join(dir, 'real.idx');
  writeIdx(real, [n, 28, 28], train.images.subarray(0, n * 784));
  const noise = path.join(dir, 'noise.npy');
  let s = 12345; // a small LCG, so the noise set is the same on every machine
  fs.writeFileSync(noise, encodeNpy(Float32Array.from({ length: n * 784 }, () => (s = (s * 16807) % 2147483647) / 2147483647), [n, 1, 28, 28]));
  const ones = [...train.labels!].flatMap((label, i) => (label === 1 ? [i] : []));
  const collapsed = path.join(dir, 'ones.idx');
  const oneImages = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) oneImages.set(train.images.subarray(ones[i % ones.length] * 784, (ones[i % ones.length] + 1) * 784), i * 784);
  writeIdx(collapsed, [n, 28, 28], oneImages);

  const rows: [string, EvalJson][] = [
    [`real digits (train split, ${n})`, evalJson(['--samples', real, '--dataset', 'mnist'])],
    ['uniform noise', evalJson(['--samples', noise, '--dataset', 'mnist'])],
    ['collapsed: real 1s only', evalJson(['--samples', collapsed, '--dataset', 'mnist'])],
    ...runs.map((run): [string, EvalJson] => {
      const result = evalJson(['--checkpoint', run, '--n', String(n), '--no-append']);
      return [`${path.basename(run)} (step ${result.step})`, result];
    }),
  ];
  fs.rmSync(dir, { recursive: true, force: true });

  const p = rows[0][1].protocol;
  console.log(`${n} samples each vs ${p.referenceCount} reference images (${p.reference}); features: ganforge CNN classifier, ` +
    `${(p.extractor.accuracy * 100).toFixed(1)}% held-out accuracy\n`);
  console.log('| set | FID ↓ | KID ×10⁻³ ↓ | IS ↑ | precision ↑ | recall ↑ | class entropy ↑ | missing classes |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const [name, r] of rows) {
    console.log(`| ${name} | ${r.fid.toFixed(1)} | ${(r.kid.mean * 1000).toFixed(1)} | ${r.inceptionScore.mean.toFixed(2)} | ${r.precision.toFixed(2)} | ` +
      `${r.recall.toFixed(2)} | ${r.coverage.normalizedEntropy.toFixed(2)} | ${r.coverage.missing.join(', ') || 'none'} |`);
  }
}

main();
