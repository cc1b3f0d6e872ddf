// `node dist/bench/stargan-attributes.js RUN [--grid FILE]`: how often a StarGAN run on attribute-labelled faces
// (`ganforge data faces --attributes`) reaches the asked hair colour and age group. Every test face (people never
// in training) is edited to each value of each one-of group, its other attributes kept from its labels, and a
// classifier for that group reads the edit: the group's judge of src/metrics/attribute-judges.ts (the judge's own
// CNN trained once, cached, on the training faces labelled by the group; its accuracy on the test faces is the
// ceiling). `ganforge eval` on the run gives these shares among edits that change the value, with FID too. Also prints the mean
// absolute change of the pixels (in [-1, 1] units) each edit made: small means the rest of the face stayed put.
// --grid writes 8 test faces, each followed by its edits to every value of every group (scaled ×2).
import * as fs from 'fs';
import { takeOption } from './common';
import { bytesToSigned, signedToBytes } from '../src/data/pixels';
import { loadDataset } from '../src/data/select';
import { domainRows } from '../src/gan/domains';
import { loadEditor } from '../src/gan/run-edit';
import { imageGrid, scaleImage } from '../src/io/grid';
import { encodePng } from '../src/io/png';
import { attributeJudges } from '../src/metrics/attribute-judges';
import { accuracy } from '../src/metrics/classifier';

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
  const judges = await attributeJudges(config, domains, data, test, { log: (line) => console.error(line) });
  for (const { attribute, classifier: judge } of judges.filter((j) => domains.groups.some((g) => g.key === j.attribute.key))) {
    const values = attribute.values;
    const shares: string[] = [];
    let total = 0;
    for (const v of values.keys()) {
      const targets = new Float32Array(own.length);
      for (let i = 0; i < test.count; i++) targets.set(attribute.set(own.subarray(i * K, (i + 1) * K), v), i * K);
      const edited = editor.edit(inputs, targets, test.count);
      strips.push(edited);
      let change = 0;
      for (let i = 0; i < edited.length; i++) change += Math.abs(edited[i] - inputs[i]);
      const share = accuracy(judge.net, { ...test, images: signedToBytes(edited), labels: new Uint8Array(test.count).fill(v), attributes: undefined });
      total += share;
      shares.push(`${values[v]} ${(share * 100).toFixed(1)}% (change ${(change / edited.length).toFixed(3)})`);
    }
    console.log(`  ${attribute.key.padEnd(5)} mean ${(total / values.length * 100).toFixed(1)}%: ${shares.join(', ')}`);
    console.log(`        judge: ${judge.description}, ${(judge.accuracy * 100).toFixed(1)}% on the real test faces (the ceiling)`);
  }
  judges.forEach((j) => j.classifier.net.dispose());
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
