// `npm run bench:asked-class -- --recipe default --budget 120 --n 500 --seed 1 --out DIR [-- TRAIN FLAGS]`:
// how often a conditional run draws the class it is asked for. Trains the recipe (plus any train flags after
// `--`, e.g. `--steps 100000000` to lift its step cap) for the budget or until its own steps end, scores it
// (`ganforge eval --n 2000`), then asks for each class in turn (`ganforge eval --class K --n N`) and prints the share the judge's classifier reads as K, per class, with the
// mean and the worst, beside the share of the judge's own held-out real digits of each class that its classifier
// reads as that class: a generator's share can hardly pass that ceiling.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pickRows } from '../src/data/dataset';
import { bytesToSigned } from '../src/data/pixels';
import { writeFileAtomic } from '../src/io/atomic';
import { classCoverage } from '../src/metrics/coverage';
import { classifierFor } from '../src/metrics/classifier';
import { classifierExtractor } from '../src/metrics/extractor';
import { referenceData } from '../src/metrics/reference';
import { askedClassShares, ganforgeRun, option, simdFlags } from './common';

/** Per class K, the share of the judge's held-out real images of class K that its classifier reads as K. */
async function judgeCeiling(dataset: string): Promise<number[]> {
  // The judge's own classifier and held-out split, as `ganforge eval` builds them (without the reference's features).
  const reference = await referenceData(dataset);
  const { heldOut } = reference;
  const extractor = classifierExtractor(classifierFor(reference));
  try {
    const classes = extractor.classes!;
    const ceiling: number[] = [];
    for (let k = 0; k < classes.length; k++) {
      const real = pickRows(heldOut, [...heldOut.labels!.keys()].filter((i) => heldOut.labels![i] === k), `class ${k}`);
      const extracted = await extractor.extract(bytesToSigned(real.images), [real.count, real.channels, real.height, real.width]);
      ceiling.push(classCoverage(extracted.probabilities!, classes).shares[k]);
      extracted.features.dispose();
      extracted.probabilities!.dispose();
    }
    return ceiling;
  } finally {
    extractor.dispose();
  }
}

async function main(): Promise<void> {
  const recipe = option('recipe', 'default');
  const budget = option('budget', '120');
  const n = option('n', '500');
  const seed = option('seed', '1');
  const dash = process.argv.indexOf('--');
  const extra = dash >= 0 ? process.argv.slice(dash + 1) : [];
  const out = path.resolve(option('out', path.join('runs', `asked-class-${recipe}-${budget}s`)));
  fs.mkdirSync(out, { recursive: true });
  console.log(`asked class: --recipe ${recipe} ${extra.join(' ')} for ${budget} s; ${os.cpus().length} CPUs (${simdFlags()}), load average ${os.loadavg()[0].toFixed(1)}`);

  const row = ganforgeRun(`${recipe}-seed${seed}`, out, ['--recipe', recipe, ...extra], budget, seed, '2000');
  const classes = (row.score.coverage.shares as number[]).length;
  const shares = askedClassShares(row.run, classes, n, seed);
  const mean = shares.reduce((a, b) => a + b, 0) / classes;
  const worst = shares.indexOf(Math.min(...shares));
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  console.log(`\n${row.steps} steps in ${row.seconds.toFixed(0)} s; FID ${row.score.fid.toFixed(1)}, precision ${row.score.precision.toFixed(2)}, recall ${row.score.recall.toFixed(2)} (2,000 samples)`);
  console.log(`asked class, ${n} samples each: ${shares.map((s, k) => `${k}: ${pct(s)}`).join('  ')}`);
  console.log(`mean ${pct(mean)}, worst ${pct(shares[worst])} (class ${worst})`);
  // The judge of the run's own data set, as `ganforge eval` picks it.
  const ceiling = await judgeCeiling(JSON.parse(fs.readFileSync(path.join(row.run, 'config.json'), 'utf8')).dataset);
  console.log(`the judge on its held-out real digits: ${ceiling.map((s, k) => `${k}: ${pct(s)}`).join('  ')}`);
  writeFileAtomic(path.join(out, 'results.json'), JSON.stringify({ recipe, extra, budget, seed, steps: row.steps, seconds: row.seconds, score: row.score, shares, ceiling }, null, 2));
}

main().catch((err) => {
  console.error(`bench:asked-class: ${(err as Error).message}`);
  process.exitCode = 1;
});
