// `node dist/bench/stargan-edits.js RUN [--grid FILE]`: how often a StarGAN run trained on MNIST's classes turns a
// digit into the asked one. Every held-out digit of the judge's split (2,000 the judge's classifier never saw) is
// edited to each of the ten classes, and the judge's classifier reads the result: the share read as the asked
// class, per class and overall (the README's StarGAN figures are this command's output). --grid writes 10 held-out
// digits, one per row, each followed by its edits to 0…9 (scaled ×2).
import * as fs from 'fs';
import type { ImageDataset } from '../src/data/dataset';
import { bytesToSigned, signedToBytes } from '../src/data/pixels';
import { oneHot } from '../src/gan/domains';
import { loadEditor } from '../src/gan/run-edit';
import { imageGrid, scaleImage } from '../src/io/grid';
import { encodePng } from '../src/io/png';
import { accuracy, classifierFor } from '../src/metrics/classifier';
import { referenceData } from '../src/metrics/reference';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--grid');
  const gridFile = at >= 0 ? argv.splice(at, 2)[1] : undefined;
  const [run] = argv;
  if (!run) throw new Error('usage: stargan-edits RUN [--grid FILE]');
  const editor = loadEditor(run);
  const { config, domains } = editor;
  if (config.dataset !== 'mnist' || domains.kind !== 'classes') throw new Error(`${run}: this bench scores StarGAN runs on the bundled MNIST's classes (--dataset mnist)`);
  const reference = await referenceData('mnist');
  const test = reference.heldOut;
  const judge = classifierFor(reference, { log: (line) => console.error(line) });
  const K = domains.names.length;
  const per = test.channels * test.height * test.width;
  const inputs = bytesToSigned(test.images);
  const edited: Float32Array[] = [];
  const shares: number[] = [];
  const started = performance.now();
  for (let k = 0; k < K; k++) {
    const outputs = new Float32Array(test.count * per);
    for (let start = 0; start < test.count; start += 250) {
      const n = Math.min(250, test.count - start);
      outputs.set(editor.edit(inputs.subarray(start * per, (start + n) * per), oneHot(new Array(n).fill(k), K), n), start * per);
    }
    edited.push(outputs);
    // Every edit to k is "labelled" k, so the classifier's accuracy is the share read as k.
    const asked: ImageDataset = { ...test, images: signedToBytes(outputs), labels: new Uint8Array(test.count).fill(k) };
    shares.push(accuracy(judge.net, asked));
  }
  const ms = performance.now() - started;
  console.log(`${run} (step ${editor.step}): ${test.count} held-out digits, each edited to every class`);
  console.log(`  read as the asked class   ${shares.map((s, k) => `${k}: ${(s * 100).toFixed(1)}%`).join('  ')}`);
  console.log(`  mean ${(shares.reduce((a, b) => a + b) / K * 100).toFixed(1)}%, lowest ${(Math.min(...shares) * 100).toFixed(1)}% (class ${shares.indexOf(Math.min(...shares))})`);
  console.log(`  judge                     ${judge.description} (held-out accuracy ${(judge.accuracy * 100).toFixed(2)}%)`);
  console.log(`  editing                   ${(ms / (test.count * K)).toFixed(2)} ms/image`);
  if (gridFile) {
    // One held-out digit of each class per row, then its ten edits.
    const rows = Array.from({ length: K }, (_, k) => test.labels!.indexOf(k));
    const tiles = new Float32Array(rows.length * (K + 1) * per);
    rows.forEach((row, i) => {
      tiles.set(inputs.subarray(row * per, (row + 1) * per), i * (K + 1) * per);
      for (let k = 0; k < K; k++) tiles.set(edited[k].subarray(row * per, (row + 1) * per), (i * (K + 1) + k + 1) * per);
    });
    fs.writeFileSync(gridFile, encodePng(scaleImage(imageGrid(tiles, [rows.length * (K + 1), test.channels, test.height, test.width], { nrow: K + 1 }), 2)));
    console.log(`  grid                      ${gridFile} (input, then edits to 0…9)`);
  }
  editor.dispose();
  judge.net.dispose();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
