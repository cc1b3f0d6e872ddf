// `npm run bench:asked-class -- --recipe default --budget 120 --n 500 --seed 1 --out DIR [-- TRAIN FLAGS]`:
// how often a conditional run draws the class it is asked for. Trains the recipe (plus any train flags after
// `--`) for the budget, scores it (`ganforge eval --n 2000`), then asks for each class in turn
// (`ganforge eval --class K --n N`) and prints the share the judge's classifier reads as K, per class, with the
// mean and the worst. The judge's classifier is 97% accurate on held-out real digits, which bounds what a share
// can show.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../src/io/atomic';
import { evalJson, ganforgeRun, option } from './common';

function main(): void {
  const recipe = option('recipe', 'default');
  const budget = option('budget', '120');
  const n = option('n', '500');
  const seed = option('seed', '1');
  const dash = process.argv.indexOf('--');
  const extra = dash >= 0 ? process.argv.slice(dash + 1) : [];
  const out = path.resolve(option('out', path.join('runs', `asked-class-${recipe}-${budget}s`)));
  fs.mkdirSync(out, { recursive: true });
  const cpuFlags = [...new Set(fs.readFileSync('/proc/cpuinfo', 'utf8').match(/\b(avx512f|avx2|fma)\b/g) ?? [])].sort().join(' ');
  console.log(`asked class: --recipe ${recipe} ${extra.join(' ')} for ${budget} s; ${os.cpus().length} CPUs (${cpuFlags || 'no AVX2/AVX-512'}), load average ${os.loadavg()[0].toFixed(1)}`);

  const row = ganforgeRun(`${recipe}-seed${seed}`, out, ['--recipe', recipe, '--steps', '100000000', ...extra], budget, seed, '2000');
  const classes = (row.score.coverage.shares as number[]).length;
  const shares: number[] = [];
  for (let k = 0; k < classes; k++) {
    const asked = evalJson(['--checkpoint', row.run, '--class', String(k), '--n', n, '--seed', seed, '--no-append']);
    shares.push((asked.coverage.shares as number[])[k]);
  }
  const mean = shares.reduce((a, b) => a + b, 0) / classes;
  const worst = shares.indexOf(Math.min(...shares));
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  console.log(`\n${row.steps} steps in ${row.seconds.toFixed(0)} s; FID ${row.score.fid.toFixed(1)}, precision ${row.score.precision.toFixed(2)}, recall ${row.score.recall.toFixed(2)} (2,000 samples)`);
  console.log(`asked class, ${n} samples each: ${shares.map((s, k) => `${k}: ${pct(s)}`).join('  ')}`);
  console.log(`mean ${pct(mean)}, worst ${pct(shares[worst])} (class ${worst})`);
  writeFileAtomic(path.join(out, 'results.json'), JSON.stringify({ recipe, extra, budget, seed, steps: row.steps, seconds: row.seconds, score: row.score, shares }, null, 2));
}

main();
