// `node dist/bench/stargan-attributes.js RUN [--grid FILE]`: how often a StarGAN run on attribute-labelled faces
// (`ganforge data faces --attributes`) reaches the asked hair colour and age group. Every test face (people never
// in training) is edited to each value of each one-of group, its other attributes kept from its labels, and a
// classifier for that group reads the edit: one judge per group, the judge's own CNN trained (once, cached) on the
// training faces labelled by the group, scored on the test faces first (its ceiling). Also prints the mean
// absolute change of the pixels (in [-1, 1] units) each edit made: small means the rest of the face stayed put.
// --grid writes 8 test faces, each followed by its edits to every value of every group (scaled ×2).
import * as fs from 'fs';
import { takeOption } from './common';
import type { ImageDataset } from '../src/data/dataset';
import { bytesToSigned, signedToBytes } from '../src/data/pixels';
import { loadDataset } from '../src/data/select';
import { domainRows } from '../src/gan/domains';
import { loadEditor } from '../src/gan/run-edit';
import { imageGrid, scaleImage } from '../src/io/grid';
import { encodePng } from '../src/io/png';
import { accuracy, classifierFor } from '../src/metrics/classifier';
import { folderHash } from '../src/metrics/reference';

/** `data` labelled by the member of `columns` each image has (its one-of group's index). */
function labelledBy(data: ImageDataset, columns: number[], names: string[]): ImageDataset {
  const width = data.attributes!.names.length;
  const labels = Uint8Array.from({ length: data.count }, (_, i) => columns.findIndex((k) => data.attributes!.values[i * width + k] > 0));
  return { ...data, labels, classes: names, attributes: undefined, heldOut: undefined };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const gridFile = takeOption(argv, 'grid');
  const [run] = argv;
  if (!run) throw new Error('usage: stargan-attributes RUN [--grid FILE]');
  const editor = loadEditor(run);
  const { config, domains } = editor;
  if (domains.kind !== 'attributes' || domains.groups.length === 0) throw new Error(`${run}: this bench scores StarGAN runs on attribute-labelled faces with one-of groups (hair, age)`);
  const data = await loadDataset(config.dataset, { imageSize: config.imageSize, grayscale: config.grayscale });
  const test = data.heldOut;
  if (!test?.attributes) throw new Error(`${config.dataset} has no labelled test/ split`);
  const K = domains.names.length;
  const per = test.channels * test.height * test.width;
  const inputs = bytesToSigned(test.images);
  const own = domainRows(test, Array.from({ length: test.count }, (_, i) => i), domains);
  const strips: Float32Array[] = [];
  console.log(`${run} (step ${editor.step}): ${test.count} test faces of ${config.dataset}, each edited to every value of each group`);
  for (const group of domains.groups) {
    const values = group.values;
    const judge = classifierFor({
      key: `attributes-${folderHash(config.dataset)}-${group.key}-${config.imageShape.join('x')}`,
      train: labelledBy(data, group.columns, values),
      heldOut: labelledBy(test, group.columns, values),
      description: `${config.dataset}: ${group.key} (${values.join(', ')})`,
    }, { log: (line) => console.error(line) });
    const shares: string[] = [];
    let total = 0;
    for (const [v, column] of group.columns.entries()) {
      const targets = new Float32Array(own.length);
      for (let i = 0; i < test.count; i++) {
        for (let k = 0; k < K; k++) targets[i * K + k] = group.columns.includes(k) ? (k === column ? 1 : 0) : own[i * K + k];
      }
      const edited = editor.edit(inputs, targets, test.count);
      strips.push(edited);
      let change = 0;
      for (let i = 0; i < edited.length; i++) change += Math.abs(edited[i] - inputs[i]);
      const share = accuracy(judge.net, { ...test, images: signedToBytes(edited), labels: new Uint8Array(test.count).fill(v), attributes: undefined });
      total += share;
      shares.push(`${values[v]} ${(share * 100).toFixed(1)}% (change ${(change / edited.length).toFixed(3)})`);
    }
    console.log(`  ${group.key.padEnd(5)} mean ${(total / values.length * 100).toFixed(1)}%: ${shares.join(', ')}`);
    console.log(`        judge: ${judge.description}, ${(judge.accuracy * 100).toFixed(1)}% on the real test faces (the ceiling)`);
    judge.net.dispose();
  }
  if (gridFile) {
    const n = Math.min(8, test.count);
    const rows = Array.from({ length: n }, (_, i) => Math.floor((i * test.count) / n));
    const tiles = new Float32Array(n * (strips.length + 1) * per);
    rows.forEach((row, i) => [inputs, ...strips].forEach((values, k) => tiles.set(values.subarray(row * per, (row + 1) * per), (i * (strips.length + 1) + k) * per)));
    fs.writeFileSync(gridFile, encodePng(scaleImage(imageGrid(tiles, [n * (strips.length + 1), test.channels, test.height, test.width], { nrow: strips.length + 1 }), 2)));
    console.log(`  grid  ${gridFile} (input, then ${domains.groups.map((g) => g.values.join(', ')).join(', ')})`);
  }
  editor.dispose();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
