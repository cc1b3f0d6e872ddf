// `node dist/bench/translate-classes.js RUN [--reference mnist|fashion-mnist] [--grid FILE]`: how often a paired
// translation run's outputs on its held-out test pairs still read as the source's class, by the judge's classifier
// for the reference data (trained on the reference's train split; edges2digits' test pairs are the bundled
// MNIST's held-out 2,000, which that classifier never saw). Also prints the classifier's accuracy on the real
// targets (the ceiling), the mean L1 distance to the targets, and writes input | output | target for 16 test
// pairs spread over the split to --grid (scaled ×3). The README's pix2pix figures are this command's output.
import * as fs from 'fs';
import { takeOption } from './common';
import type { ImageDataset } from '../src/data/dataset';
import { signedToBytes, bytesToSigned } from '../src/data/pixels';
import { loadDataset } from '../src/data/select';
import { loadTranslator } from '../src/gan/run-translate';
import { exampleGrid } from '../src/gan/translation';
import { scaleImage } from '../src/io/grid';
import { encodePng } from '../src/io/png';
import { accuracy, classifierFor } from '../src/metrics/classifier';
import { referenceData } from '../src/metrics/reference';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const reference = takeOption(argv, 'reference') ?? 'mnist';
  const gridFile = takeOption(argv, 'grid');
  const [run] = argv;
  if (!run) throw new Error('usage: translate-classes RUN [--reference mnist|fashion-mnist] [--grid FILE]');
  const translator = loadTranslator(run);
  const { config } = translator;
  const data = await loadDataset(config.dataset, { imageSize: config.imageSize, grayscale: config.grayscale, direction: config.direction });
  const test = data.heldOut;
  if (!test?.labels || !test.targets) throw new Error(`${config.dataset} has no labelled test split`);
  const per = test.channels * test.height * test.width;
  const outputs = new Float32Array(test.count * per);
  const started = performance.now();
  for (let start = 0; start < test.count; start += 500) {
    const n = Math.min(500, test.count - start);
    outputs.set(translator.translate(bytesToSigned(test.images.subarray(start * per, (start + n) * per)), n), start * per);
  }
  const ms = performance.now() - started;
  const translated: ImageDataset = { ...test, images: signedToBytes(outputs), targets: undefined };
  const judge = classifierFor(await referenceData(reference), { log: (line) => console.error(line) });
  const targets = bytesToSigned(test.targets);
  let l1 = 0;
  for (let i = 0; i < outputs.length; i++) l1 += Math.abs(outputs[i] - targets[i]);
  const survived = accuracy(judge.net, translated);
  const ceiling = accuracy(judge.net, { ...test, images: test.targets });
  console.log(`${run} (step ${translator.step}, ${config.direction}): ${test.count} test pairs of ${config.dataset}`);
  console.log(`  class survives translation  ${(survived * 100).toFixed(2)}%`);
  console.log(`  classifier on real targets   ${(ceiling * 100).toFixed(2)}% (the ceiling)`);
  console.log(`  L1 to the targets            ${(l1 / outputs.length).toFixed(4)} (pixels in [-1, 1])`);
  console.log(`  judge                        ${judge.description} (held-out accuracy ${(judge.accuracy * 100).toFixed(2)}%)`);
  console.log(`  translation                  ${(ms / test.count).toFixed(2)} ms/image`);
  if (gridFile) {
    // 16 pairs spread over the split (its files sort by class), so the picture shows every class.
    const n = Math.min(16, test.count);
    const rows = Array.from({ length: n }, (_, i) => Math.floor((i * test.count) / n));
    const slice = (values: Float32Array) => {
      const out = new Float32Array(n * per);
      rows.forEach((row, i) => out.set(values.subarray(row * per, (row + 1) * per), i * per));
      return out;
    };
    const shape: [number, number, number, number] = [n, test.channels, test.height, test.width];
    // Three times larger, so 28-pixel digits read on a page.
    fs.writeFileSync(gridFile, encodePng(scaleImage(exampleGrid([slice(bytesToSigned(test.images)), slice(outputs), slice(targets)], shape), 3)));
    console.log(`  grid                         ${gridFile} (input | output | target)`);
  }
  translator.dispose();
  judge.net.dispose();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
