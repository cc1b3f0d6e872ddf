// `node dist/bench/translate-unpaired.js RUN [--reference mnist|fashion-mnist] [--grid FILE]`: how an unpaired
// translation run (cyclegan, discogan) translates the held-out testA and testB images of its data set, in both
// directions, by the judge's classifier for the reference data (trained on the reference's train split, which
// the test folders of `ganforge data mnist2mnistm|shoes2bags` never come from). For each direction it prints:
//   - the share of translations the judge reads as their source image's class (a translated MNIST-M 7 must
//     read as a 7: mnist2mnistm's measure),
//   - the share it reads as one of the target domain's classes (a translated shoe must read as a bag:
//     shoes2bags' measure),
//   - the judge's accuracy on the real images of the target domain (the ceiling),
//   - the cycle L1, mean |F(G(a)) − a| (or |G(F(b)) − b|) in pixels of [-1, 1],
//   - FID of the translations against the real target test images in the judge's features, beside the FID of as
//     many real training images of the target domain against the same test images (what a perfect translator
//     would score: the floor),
//   - the translations' diversity in the judge's features against the real target images' (src/metrics/
//     diversity.ts): near 0 when the generator collapsed to a few outputs whatever the input, which the class
//     shares above cannot show (a collapsed shoes → bags generator still draws "bags").
// Colour runs are judged on the mean of their three channels when the judge reads gray images (MNIST-M → MNIST
// outputs are gray in three equal channels). --grid writes A | G(A) | F(G(A)) | B | F(B) | G(F(B)) for 16 test
// images of each domain spread over the split (scaled ×2). The README's CycleGAN and DiscoGAN figures are this
// command's output.
import * as fs from 'fs';
import { takeOption } from './common';
import { ImageDataset, pickRows } from '../src/data/dataset';
import { bytesToSigned, signedToBytes } from '../src/data/pixels';
import { loadDataset } from '../src/data/select';
import type { Direction } from '../src/data/paired';
import { LoadedTranslator, loadTranslator } from '../src/gan/run-translate';
import { translateAll } from '../src/gan/translation-eval';
import { exampleGrid } from '../src/gan/translation';
import { scaleImage } from '../src/io/grid';
import { encodePng } from '../src/io/png';
import { ClassifierNet, classifierFor } from '../src/metrics/classifier';
import { featureDiversity } from '../src/metrics/diversity';
import { fid } from '../src/metrics/fid';
import { referenceData } from '../src/metrics/reference';
import { noGrad, Tensor, tensor, tidy } from '../src/torch';

/**
 * The judge's class and features for each image (N×C×H×W bytes), its colour channels averaged when it reads gray.
 */
function predict(net: ClassifierNet, judgeChannels: number, data: ImageDataset): { predicted: number[]; features: Float32Array } {
  const per = data.channels * data.height * data.width;
  const predicted: number[] = [];
  const chunks: Float32Array[] = [];
  net.eval();
  noGrad(() => {
    for (let start = 0; start < data.count; start += 500) {
      const n = Math.min(500, data.count - start);
      tidy(() => {
        let x = tensor(bytesToSigned(data.images.subarray(start * per, (start + n) * per)), [n, data.channels, data.height, data.width]);
        if (data.channels !== judgeChannels) x = x.mean([1], true);
        const { features, logits } = net.forward(x);
        predicted.push(...logits.argmax(1).toArray());
        chunks.push(features.toFloat32Array());
      });
    }
  });
  const features = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    features.set(chunk, at);
    at += chunk.length;
  }
  return { predicted, features };
}

/** A score of two feature sets held as [N × D] arrays. */
function compare(score: (outputs: Tensor, reference: Tensor) => number, outputs: Float32Array, reference: Float32Array, count: number, refCount: number): number {
  return tidy(() => score(tensor(outputs, [count, outputs.length / count]), tensor(reference, [refCount, reference.length / refCount])));
}

const share = (flags: boolean[]) => flags.filter(Boolean).length / flags.length;
const percent = (v: number) => `${(v * 100).toFixed(2)}%`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const reference = takeOption(argv, 'reference') ?? 'mnist';
  const gridFile = takeOption(argv, 'grid');
  const [run] = argv;
  if (!run) throw new Error('usage: translate-unpaired RUN [--reference mnist|fashion-mnist] [--grid FILE]');
  const forward = loadTranslator(run, 'AtoB');
  const backward = loadTranslator(run, 'BtoA');
  const { config } = forward;
  const data = await loadDataset(config.dataset, { imageSize: config.imageSize, grayscale: config.grayscale, direction: 'AtoB' });
  const testA = data.heldOut;
  const testB = testA?.otherDomain;
  if (!testA?.labels || !testB?.labels) throw new Error(`${config.dataset} has no labelled testA and testB`);
  const judge = classifierFor(await referenceData(reference), { log: (line) => console.error(line) });
  const judgeChannels = judge.net.imageShape[0];
  console.log(`${run} (${config.model}, step ${forward.step}): test images of ${config.dataset}: ${testA.count} A, ${testB.count} B`);
  const columns: Float32Array[] = [];
  const picks = 16;
  for (const [direction, source, target, there, back] of [
    ['AtoB', testA, testB, forward, backward], ['BtoA', testB, testA, backward, forward],
  ] as [Direction, ImageDataset, ImageDataset, LoadedTranslator, LoadedTranslator][]) {
    const inputs = bytesToSigned(source.images);
    const outputs = translateAll(there, inputs, source.count);
    const cycled = translateAll(back, outputs, source.count);
    let l1 = 0;
    for (let i = 0; i < inputs.length; i++) l1 += Math.abs(cycled[i] - inputs[i]);
    const { predicted, features } = predict(judge.net, judgeChannels, { ...source, images: signedToBytes(outputs) });
    const targetClasses = new Set(target.labels!);
    const { predicted: onTarget, features: targetFeatures } = predict(judge.net, judgeChannels, target);
    console.log(`  ${direction} (${source.count} images)`);
    console.log(`    keeps its class             ${percent(share(predicted.map((p, i) => p === source.labels![i])))}`);
    console.log(`    reads as the target domain  ${percent(share(predicted.map((p) => targetClasses.has(p))))} (classes ${[...targetClasses].sort((a, b) => a - b).join(', ')})`);
    console.log(`    judge on real targets       ${percent(share(onTarget.map((p, i) => p === target.labels![i])))} (the ceiling)`);
    console.log(`    cycle L1                    ${(l1 / inputs.length).toFixed(4)} (pixels in [-1, 1])`);
    // The floor: real training images of the target domain, as many as there are translations (spread over the set).
    const train = direction === 'AtoB' ? data.otherDomain! : data;
    const floorRows = Array.from({ length: Math.min(source.count, train.count) }, (_, i) => Math.floor((i * train.count) / Math.min(source.count, train.count)));
    const { features: floorFeatures } = predict(judge.net, judgeChannels, pickRows(train, floorRows, 'floor'));
    const fidOut = compare((o, r) => fid(r, o), features, targetFeatures, source.count, target.count);
    const fidFloor = compare((o, r) => fid(r, o), floorFeatures, targetFeatures, floorRows.length, target.count);
    console.log(`    FID vs real targets         ${fidOut.toFixed(2)} (real training targets: ${fidFloor.toFixed(2)}, the floor)`);
    console.log(`    diversity                   ${compare(featureDiversity, features, targetFeatures, source.count, target.count).toFixed(3)} (judge features, outputs / real targets; near 0: collapsed)`);
    const per = source.channels * source.height * source.width;
    const n = Math.min(picks, source.count);
    const rows = Array.from({ length: n }, (_, i) => Math.floor((i * source.count) / n));
    const slice = (values: Float32Array) => {
      const out = new Float32Array(picks * per);
      rows.forEach((row, i) => out.set(values.subarray(row * per, (row + 1) * per), i * per));
      return out;
    };
    columns.push(slice(inputs), slice(outputs), slice(cycled));
  }
  console.log(`  judge                         ${judge.description} (held-out accuracy ${percent(judge.accuracy)})`);
  if (gridFile) {
    const shape: [number, number, number, number] = [picks, testA.channels, testA.height, testA.width];
    fs.writeFileSync(gridFile, encodePng(scaleImage(exampleGrid(columns, shape), 2)));
    console.log(`  grid                          ${gridFile} (A | G(A) | F(G(A)) | B | F(B) | G(F(B)))`);
  }
  forward.dispose();
  backward.dispose();
  judge.net.dispose();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
