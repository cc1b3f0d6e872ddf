// `node dist/bench/truncation-sweep.js RUN [--psi off,2,1,0.7,0.5,0.3] [--n 1000] [--seed 0] [--out sweep.png]`:
// BigGAN's fidelity-versus-variety picture (Brock et al. 2019, §3.1) for any run that draws from noise. For each
// truncation ψ ('off': plain N(0, I) noise) it draws n images from the same seed (conditional runs: the classes
// in turn), scores them with the judge (FID, precision, recall: precision should rise and recall fall as ψ
// shrinks) and, for conditional runs, the share of each asked class the judge's classifier reads back. --out
// writes one row of samples per ψ (the first image of each class for a conditional run), top to bottom.
import * as fs from 'fs';
import { takeOption } from './common';
import { sampleRun } from '../src/gan/run-samples';
import { imageGrid, scaleImage } from '../src/io/grid';
import { encodePng } from '../src/io/png';
import { Judge } from '../src/metrics/judge';

/** ψ values from `off,2,0.5`: undefined for 'off'; anything else must be a positive number. */
function parsePsi(list: string): (number | undefined)[] {
  return list.split(',').map((item) => {
    if (item === 'off') return undefined;
    const psi = Number(item);
    if (!(psi > 0) || !Number.isFinite(psi)) throw new Error(`--psi: '${item}' is not a positive number or 'off'`);
    return psi;
  });
}

/** Of the images asked to be class i % K, the share the classifier reads as that class, per class. */
function askedShares(probabilities: Float32Array, n: number, classes: number): number[] {
  const hits = new Array(classes).fill(0), asked = new Array(classes).fill(0);
  for (let i = 0; i < n; i++) {
    const row = probabilities.subarray(i * classes, (i + 1) * classes);
    const read = row.indexOf(Math.max(...row));
    asked[i % classes]++;
    if (read === i % classes) hits[i % classes]++;
  }
  return hits.map((h, k) => h / asked[k]);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const psis = parsePsi(takeOption(argv, 'psi') ?? 'off,2,1,0.7,0.5,0.3');
  const n = Number(takeOption(argv, 'n') ?? 1000);
  const seed = Number(takeOption(argv, 'seed') ?? 0);
  const out = takeOption(argv, 'out');
  const [run] = argv;
  if (!run || !(Number.isInteger(n) && n >= 10) || !(Number.isInteger(seed) && seed >= 0)) {
    throw new Error('usage: truncation-sweep RUN [--psi off,2,1,0.7,0.5,0.3] [--n N ≥ 10] [--seed S] [--out sweep.png]');
  }
  if (out && fs.existsSync(out) && fs.statSync(out).isDirectory()) throw new Error(`--out ${out} is a folder; give a .png file`);
  let judge: Judge | null = null;
  const rows: Float32Array[] = [];
  let tile: [number, number, number] | null = null;
  let columns = 10;
  try {
    for (const psi of psis) {
      const samples = sampleRun(run, { n, seed, truncation: psi });
      const conditional = samples.nrow !== undefined;
      const { config } = samples;
      judge ??= await Judge.create(config.dataset, { download: config.download, imageSize: config.imageSize, grayscale: config.grayscale });
      const generated = await judge.extractor.extract(samples.images, samples.shape);
      let shares: number[] | null = null;
      try {
        const result = judge.score(generated, n);
        if (conditional && generated.probabilities) shares = askedShares(generated.probabilities.toFloat32Array(), n, config.numClasses);
        const asked = shares ? `  asked class ${(100 * mean(shares)).toFixed(1)}% (lowest ${(100 * Math.min(...shares)).toFixed(1)}%, class ${shares.indexOf(Math.min(...shares))})` : '';
        console.log(`ψ ${psi ?? 'off'}: FID ${result.fid.toFixed(1)}  precision ${result.precision.toFixed(3)}  recall ${result.recall.toFixed(3)}${asked}`);
        if (shares) console.log(`  per class (%): ${shares.map((s) => (100 * s).toFixed(1)).join(' ')}`);
      } finally {
        generated.features.dispose();
        generated.probabilities?.dispose();
      }
      const [, c, h, w] = samples.shape;
      tile = [c, h, w];
      columns = Math.min(n, conditional ? config.numClasses : 10);
      rows.push(samples.images.subarray(0, columns * c * h * w));
    }
  } finally {
    judge?.dispose();
  }
  if (out && tile) {
    const all = new Float32Array(rows.reduce((total, r) => total + r.length, 0));
    rows.reduce((at, r) => (all.set(r, at), at + r.length), 0);
    fs.writeFileSync(out, encodePng(scaleImage(imageGrid(all, [rows.length * columns, ...tile], { nrow: columns }), 2)));
    console.log(`rows ψ = ${psis.map((p) => p ?? 'off').join(', ')}, top to bottom: ${out}`);
  }
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

main().catch((err) => {
  console.error(`truncation-sweep: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
