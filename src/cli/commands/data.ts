// `ganforge data KIND`: writes offline data sets. `faces`: procedural cartoon faces, the stand-in for anime faces.
// `edges2digits` / `edges2fashion`: paired sets in pix2pix's aligned layout, each MNIST / Fashion-MNIST image's
// edge map beside the image, train and test split as the source data set splits them. `sketch2faces`: paired,
// a line drawing of each procedural face beside the face (src/data/sketches.ts). `mnist2mnistm` / `shoes2bags`:
// unpaired sets in CycleGAN's layout (src/data/mnistm.ts, src/data/shoes2bags.ts).
import * as fs from 'fs';
import * as path from 'path';
import type { ImageDataset } from '../../data/dataset';
import { EDGE_OPERATOR, PairSource, writeClassNames, writeEdgePairs } from '../../data/edges';
import { FACE_ATTRIBUTE_NAMES } from '../../data/attributed-faces';
import { writeAttributedFaces } from '../../data/attributed-folder';
import { generateFaces } from '../../data/faces';
import { loadBundledMnist, loadFashionMnist } from '../../data/mnist';
import { SKETCH_OPERATOR, writeSketchPairs } from '../../data/sketches';
import { writeFileAtomic } from '../../io/atomic';
import { encodePng } from '../../io/png';
import { mnist2mnistm } from '../../data/mnistm';
import { shoes2bags } from '../../data/shoes2bags';
import { unpairedSetSize, writeUnpairedSet } from '../../data/unpaired';
import { eightyTwentyIndices } from '../../metrics/reference';
import { CommandSpec, FlagsOf, UsageError } from '../args';
import { ProgressBar } from '../progress';

const KINDS = ['faces', 'edges2digits', 'edges2fashion', 'sketch2faces', 'mnist2mnistm', 'shoes2bags'];

export const dataSpec = {
  name: 'data',
  summary: 'Make data sets: `faces` (procedural 64×64 RGB cartoon faces as PNGs); `edges2digits` and `edges2fashion` '
    + `(pix2pix's aligned layout: the edge map of each MNIST / Fashion-MNIST image beside the image; edges: ${EDGE_OPERATOR}); `
    + `\`sketch2faces\` (the same layout: a line drawing of each procedural face beside the coloured face; lines: ${SKETCH_OPERATOR}); `
    + '`mnist2mnistm` (CycleGAN\'s unpaired layout: gray MNIST digits ↔ the other half of the digits blended MNIST-M-style with '
    + 'seeded procedural colour textures, |texture − digit|) and `shoes2bags` (Fashion-MNIST sandals, sneakers, ankle boots ↔ bags)',
  usage: 'ganforge data faces --n N --out DIR [--size 64] [--seed S] [--attributes [--test-n N]]\n       ganforge data edges2digits|edges2fashion --out DIR [--n N] [--test-n N]'
    + '\n       ganforge data sketch2faces --out DIR [--n 4000] [--test-n 400] [--size 64] [--seed S]'
    + '\n       ganforge data mnist2mnistm|shoes2bags --out DIR [--n N] [--test-n N] [--seed S]',
  positionals: [{ name: 'KIND', help: `what to make: ${KINDS.join(', ')}`, required: true }],
  flags: [
    { name: 'n', type: 'int', min: 1, max: 1_000_000, placeholder: 'N', help: 'faces: number of images (default 5000); edges2*: at most N training pairs (default: the whole train split); sketch2faces: training pairs (default 4000); mnist2mnistm, shoes2bags: at most N training images per domain (default: the whole train split)' },
    { name: 'test-n', type: 'int', min: 1, max: 1_000_000, placeholder: 'N', help: 'edges2*: at most N test pairs (default: the whole test split); sketch2faces: test pairs (default 400); mnist2mnistm, shoes2bags: at most N test images per domain (default: the whole test split); faces --attributes: test people (default 100)' },
    { name: 'out', type: 'path', alias: 'o', required: true, placeholder: 'DIR', help: 'folder to write into (created): face-00000.png …, or train/ and test/ of CLASS-INDEX.png pairs and classes.txt' },
    { name: 'size', type: 'int', min: 8, max: 1024, default: 64, placeholder: 'PX', help: 'faces, sketch2faces: image side in pixels' },
    { name: 'seed', type: 'int', min: 0, max: 0xffffffff, default: 1, placeholder: 'S', help: 'faces, sketch2faces, mnist2mnistm: the same seed draws the same faces / colour textures' },
    { name: 'attributes', type: 'boolean', help: `faces: draw faces with known attributes (${FACE_ATTRIBUTE_NAMES.join(', ')}) into train/ and test/, each with CelebA's list_attr.txt and an identity.txt; --test-n people are drawn at every age in test/ (default 100)` },
  ],
  examples: [
    'ganforge data faces --n 5000 --out data/faces',
    'ganforge train --recipe dcgan-faces --dataset data/faces',
    'ganforge data faces --attributes --n 6000 --test-n 100 --out data/attr-faces   # for StarGAN / Age-cGAN',
    'ganforge data edges2digits --out data/edges2digits     # 8,000 train / 2,000 test pairs of the bundled MNIST, split as the judge splits it',
    'ganforge data edges2fashion --out data/edges2fashion   # Fashion-MNIST\'s 60,000 / 10,000',
    'ganforge train --recipe pix2pix-edges2digits',
    'ganforge data sketch2faces --out data/sketch2faces     # 4,000 train / 400 test pairs, 64×64',
    'ganforge data mnist2mnistm --out data/mnist2mnistm     # 4,000 / 4,000 train and 1,000 / 1,000 test digits, disjoint halves of the judge\'s split',
    'ganforge data shoes2bags --out data/shoes2bags         # Fashion-MNIST: 18,000 shoes / 6,000 bags, test 3,000 / 1,000',
  ],
} as const satisfies CommandSpec;

function makeFolder(out: string): void {
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch (err) {
    throw new Error(`cannot create ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function writeFaces(flags: FlagsOf<typeof dataSpec>): Promise<void> {
  const { out, size } = flags;
  const n = flags.n ?? 5000;
  makeFolder(out);
  const bar = new ProgressBar({ total: n, label: 'faces', unit: 'img' });
  // Generated in chunks so memory stays small for large N; chunk k uses seed + k for independence.
  const chunk = 500;
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const faces = generateFaces(count, size, flags.seed + start / chunk);
    const per = 3 * size * size;
    for (let i = 0; i < count; i++) {
      const chw = faces.images.subarray(i * per, (i + 1) * per);
      const hwc = new Uint8Array(per);
      for (let c = 0; c < 3; c++) for (let p = 0; p < size * size; p++) hwc[p * 3 + c] = chw[c * size * size + p];
      writeFileAtomic(path.join(out, `face-${String(start + i).padStart(5, '0')}.png`), encodePng({ width: size, height: size, channels: 3, pixels: hwc }));
    }
    bar.update(start + count);
  }
  bar.finish();
  console.log(`wrote ${n} faces (${size}×${size} RGB) to ${out}`);
}

function writeFacesWithAttributes(flags: FlagsOf<typeof dataSpec>): void {
  const n = flags.n ?? 5000;
  const testPeople = flags['test-n'] ?? 100;
  makeFolder(flags.out);
  const bar = new ProgressBar({ total: n + testPeople * 3, label: 'faces', unit: 'img' });
  const written = writeAttributedFaces(flags.out, { n, testPeople, size: flags.size, seed: flags.seed, onProgress: (done) => bar.update(done) });
  bar.finish();
  console.log(`wrote ${written.train} train and ${written.test} test faces (${flags.size}×${flags.size} RGB) with ${FACE_ATTRIBUTE_NAMES.length} attributes to ${flags.out}`);
}

/** Rows `indices` of a gray data set, at most `limit` of them, with their source indices. */
function source(data: ImageDataset, indices: number[], limit: number | undefined): PairSource {
  const chosen = indices.slice(0, limit ?? indices.length);
  const per = data.height * data.width;
  const images = new Uint8Array(chosen.length * per);
  chosen.forEach((from, to) => images.set(data.images.subarray(from * per, (from + 1) * per), to * per));
  return { images, labels: Uint8Array.from(chosen, (i) => data.labels![i]), height: data.height, width: data.width, sourceIndex: chosen };
}

/**
 * edges2digits: the bundled 10,000 digits, split exactly as the judge splits them (its classifier trains on the
 * 8,000 and never sees the 2,000 test digits, so scoring translated test edges by class is honest).
 * edges2fashion: Fashion-MNIST's own train and test files; indices are positions in each file.
 */
async function writeEdges(kind: string, flags: FlagsOf<typeof dataSpec>): Promise<void> {
  const { out } = flags;
  let train: PairSource;
  let test: PairSource;
  let classes: string[];
  if (kind === 'edges2digits') {
    const digits = loadBundledMnist();
    const split = eightyTwentyIndices(digits.count);
    train = source(digits, split.train, flags.n);
    test = source(digits, split.heldOut, flags['test-n']);
    classes = digits.classes!;
  } else {
    const trainSet = loadFashionMnist(undefined, 'train');
    const testSet = loadFashionMnist(undefined, 'test');
    const all = (d: ImageDataset) => Array.from({ length: d.count }, (_, i) => i);
    train = source(trainSet, all(trainSet), flags.n);
    test = source(testSet, all(testSet), flags['test-n']);
    classes = trainSet.classes!;
  }
  makeFolder(out);
  const total = train.sourceIndex.length + test.sourceIndex.length;
  const bar = new ProgressBar({ total, label: kind, unit: 'pair' });
  let done = 0;
  const tick = () => bar.update(++done);
  writeEdgePairs(out, 'train', train, tick);
  writeEdgePairs(out, 'test', test, tick);
  writeClassNames(out, classes);
  bar.finish();
  console.log(`wrote ${train.sourceIndex.length} train and ${test.sourceIndex.length} test pairs (edges | image, ${train.height}×${train.width} each) to ${out}`);
}

/** sketch2faces: train and test faces from two seeds' streams (seed and seed + 1), so the splits share no face. */
function writeSketches(flags: FlagsOf<typeof dataSpec>): void {
  const { out, size, seed } = flags;
  const train = flags.n ?? 4000;
  const test = flags['test-n'] ?? 400;
  makeFolder(out);
  const bar = new ProgressBar({ total: train + test, label: 'sketch2faces', unit: 'pair' });
  let done = 0;
  const tick = () => bar.update(++done);
  writeSketchPairs(out, 'train', train, size, seed, tick);
  writeSketchPairs(out, 'test', test, size, seed + 1, tick);
  bar.finish();
  console.log(`wrote ${train} train and ${test} test pairs (sketch | face, ${size}×${size} RGB each) to ${out}`);
}

export async function runData(flags: FlagsOf<typeof dataSpec>, positionals: string[]): Promise<number> {
  const kind = positionals[0];
  if (!KINDS.includes(kind)) throw new UsageError(`unknown data kind '${kind}' (expected ${KINDS.join(', ')})`);
  if (kind !== 'faces' && flags.attributes) throw new UsageError(`--attributes applies to faces, not ${kind}`);
  if (kind === 'faces' && flags.attributes) {
    writeFacesWithAttributes(flags);
  } else if (kind === 'faces') {
    if (flags['test-n'] !== undefined) throw new UsageError('--test-n applies to edges2digits, edges2fashion, sketch2faces and faces --attributes, not plain faces');
    await writeFaces(flags);
  } else if (kind === 'sketch2faces') {
    writeSketches(flags);
  } else if (kind === 'mnist2mnistm' || kind === 'shoes2bags') {
    const set = (kind === 'mnist2mnistm' ? mnist2mnistm : shoes2bags)({ n: flags.n, testN: flags['test-n'], seed: flags.seed });
    makeFolder(flags.out);
    const bar = new ProgressBar({ total: unpairedSetSize(set), label: kind, unit: 'img' });
    const counts = writeUnpairedSet(flags.out, set, () => bar.tick());
    bar.finish();
    console.log(`wrote ${Object.entries(counts).map(([folder, n]) => `${n} ${folder}`).join(', ')} images (28×28) to ${flags.out}`);
  } else {
    await writeEdges(kind, flags);
  }
  return 0;
}
