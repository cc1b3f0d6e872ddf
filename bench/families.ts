// `npm run bench:families -- --budget 300 --seed 1 --n 2000 [--dataset fashion-mnist] [--recipes a,b,…]
// [--asked-n 200] [--out DIR]`: issue 11's table. Each noise-to-image recipe trains for the same wall time, one
// after the other so none shares the CPU with another, with its step cap lifted (`--steps` huge) so the budget alone ends it; each is scored by
// the same judge (`ganforge eval --n N`), and the conditional ones also by the share of each asked class
// (`ganforge eval --class K`). Prints a Markdown table (steps reached, FID, KID, precision, recall, class
// coverage, and for conditional runs the asked class's mean and worst share) and writes DIR/results.json and
// each run's grid as DIR/RECIPE.png.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../src/io/atomic';
import { modelFamily } from '../src/gan/registry';
import { resolveConfig } from '../src/gan/resolve';
import { askedClassShares, ganforgeRun, option, Row, simdFlags } from './common';

/** Every recipe that turns noise into 28×28 digits, the MLP GAN (the baseline issue 11 names) first. */
const MNIST_RECIPES = [
  'mlp-mnist', 'default', 'default-unlabelled', 'cgan-mnist', 'sngan-mnist', 'sagan-mnist',
  'stylegan-mnist', 'biggan-mnist', 'transgan-mnist',
];

interface FamilyRow extends Row { recipe: string; conditional: boolean; asked: number[] | null; loadBefore: number }

function trainAndScore(recipe: string, dataset: string, out: string, budget: string, seed: string, n: string, askedN: string): FamilyRow {
  const config = resolveConfig({ recipe, flags: {} });
  const conditional = modelFamily(config.model).needsLabels;
  const loadBefore = os.loadavg()[0];
  const row = ganforgeRun(recipe, out, ['--recipe', recipe, '--dataset', dataset, '--steps', '100000000'], budget, seed, n);
  const classes = (row.score.coverage.shares as number[]).length;
  const asked = conditional ? askedClassShares(row.run, classes, askedN, seed) : null;
  return { ...row, recipe, conditional, asked, loadBefore };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function markdown(rows: FamilyRow[]): string {
  const lines = [
    '| recipe | steps | FID ↓ | KID ×10⁻³ ↓ | precision | recall | class entropy | missing classes | asked class: mean / worst |',
    '|---|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const r of rows) {
    const { fid, kid, precision, recall, coverage } = r.score;
    let asked = '';
    if (r.asked) {
      const worst = r.asked.indexOf(Math.min(...r.asked));
      asked = `${pct(r.asked.reduce((a, b) => a + b, 0) / r.asked.length)} / ${pct(r.asked[worst])} (${worst})`;
    }
    lines.push(`| \`${r.recipe}\` | ${r.steps.toLocaleString('en')} | ${fid.toFixed(1)} | ${(kid.mean * 1000).toFixed(1)} | ${precision.toFixed(2)} | ` +
      `${recall.toFixed(2)} | ${coverage.normalizedEntropy.toFixed(2)} | ${(coverage.missing as string[]).join(', ') || 'none'} | ${asked} |`);
  }
  return lines.join('\n');
}

function main(): void {
  const budget = option('budget', '300');
  const seed = option('seed', '1');
  const n = option('n', '2000');
  const askedN = option('asked-n', '200');
  // Any data set with the classes the recipes' conditional models need (mnist, fashion-mnist, an IDX folder).
  const dataset = option('dataset', 'mnist');
  const recipes = option('recipes', MNIST_RECIPES.join(',')).split(',');
  const out = path.resolve(option('out', path.join('runs', `families-${path.basename(dataset)}-${budget}s-seed${seed}`)));
  fs.mkdirSync(out, { recursive: true });
  console.log(`families: ${recipes.length} recipes × ${budget} s on ${dataset}, seed ${seed}; ${os.cpus().length} CPUs (${simdFlags()})`);

  const rows: FamilyRow[] = [];
  for (const recipe of recipes) {
    rows.push(trainAndScore(recipe, dataset, out, budget, seed, n, askedN));
    // Written after every run, so a long table interrupted part-way keeps what it measured.
    writeFileAtomic(path.join(out, 'results.json'), JSON.stringify({ budget, seed, dataset, n, askedN, simd: simdFlags(), rows }, null, 2));
  }
  console.log(`\n${budget} s each on ${dataset}, seed ${seed}, judged on ${n} samples (asked class: ${askedN} per class); load average before each run: ` +
    rows.map((r) => `${r.recipe} ${r.loadBefore.toFixed(1)}`).join(', '));
  console.log(markdown(rows));
}

main();
