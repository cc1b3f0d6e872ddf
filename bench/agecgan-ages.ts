// `node dist/bench/agecgan-ages.js RUN --grid FILE [--people N]`: the picture of an Age-cGAN run on the attributed
// faces' test split (people never in training, each drawn at every age). Per row, one test person: the input (the
// person at their first test age), the run's edit to each age group, then the same person really drawn at each
// age, for the eye to compare (scaled ×2). The scores are `ganforge eval --checkpoint RUN`'s.
import * as fs from 'fs';
import { takeOption } from './common';
import { bytesToSigned } from '../src/data/pixels';
import { loadDataset } from '../src/data/select';
import { domainRows } from '../src/gan/domains';
import { loadEditor } from '../src/gan/run-edit';
import { imageGrid, scaleImage } from '../src/io/grid';
import { encodePng } from '../src/io/png';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const gridFile = takeOption(argv, 'grid');
  const people = Number(takeOption(argv, 'people') ?? 8);
  const [run] = argv;
  if (!run || !gridFile || !(people >= 1)) throw new Error('usage: agecgan-ages RUN --grid FILE [--people N]');
  const editor = loadEditor(run);
  const { config, domains } = editor;
  const data = await loadDataset(config.dataset, { imageSize: config.imageSize, grayscale: config.grayscale });
  const test = data.heldOut;
  if (!test?.identities || !test.attributes) throw new Error(`${config.dataset}: needs a test split with identity.txt and list_attr.txt`);
  const K = domains.names.length;
  const per = test.channels * test.height * test.width;
  const all = bytesToSigned(test.images);
  const own = domainRows(test, Array.from({ length: test.count }, (_, i) => i), domains);
  // Each person's first test image is the input; their image at each age the reference.
  const firstOf = new Map<number, number>();
  test.identities.forEach((person, row) => firstOf.has(person) || firstOf.set(person, row));
  const chosen = [...firstOf.values()].slice(0, people);
  const inputs = new Float32Array(chosen.length * per);
  const sources = new Float32Array(chosen.length * K);
  chosen.forEach((row, i) => {
    inputs.set(all.subarray(row * per, (row + 1) * per), i * per);
    sources.set(own.subarray(row * K, (row + 1) * K), i * K);
  });
  const columns = K * 2 + 1;
  const tiles = new Float32Array(chosen.length * columns * per);
  chosen.forEach((_, i) => tiles.set(inputs.subarray(i * per, (i + 1) * per), i * columns * per));
  for (let a = 0; a < K; a++) {
    const targets = new Float32Array(chosen.length * K);
    chosen.forEach((_, i) => (targets[i * K + a] = 1));
    const edited = editor.edit(inputs, targets, chosen.length, sources);
    chosen.forEach((row, i) => {
      tiles.set(edited.subarray(i * per, (i + 1) * per), (i * columns + 1 + a) * per);
      const real = test.identities!.findIndex((p, j) => p === test.identities![row] && own[j * K + a] === 1);
      if (real >= 0) tiles.set(all.subarray(real * per, (real + 1) * per), (i * columns + 1 + K + a) * per);
    });
  }
  fs.writeFileSync(gridFile, encodePng(scaleImage(imageGrid(tiles, [chosen.length * columns, test.channels, test.height, test.width], { nrow: columns }), 2)));
  console.log(`${run} (step ${editor.step}): ${gridFile}: input, edits to ${domains.groups[0].values.join(', ')}, then the person really drawn at each`);
  editor.dispose();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
