// CycleGAN's layout of unpaired images: DIR/trainA, DIR/trainB (and DIR/testA, DIR/testB for held-out images),
// each a flat folder of one domain's images, the two domains of any sizes and counts (horse2zebra's folders come
// so). Every image is resized and center-cropped to the run's size and colour, so both domains share one shape.
// Files named CLASS-INDEX.png (as `ganforge data mnist2mnistm|shoes2bags` writes them) also give each image its
// class, and DIR/classes.txt the class names, read as the aligned layout reads them (paired.ts' classesOf).
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomic';
import { encodePng } from '../io/png';
import { formatBytes, ImageDataset, MAX_DATA_BYTES } from './dataset';
import { classIndexNames, writeClassNames } from './edges';
import { imagesIn, loadImageFolder } from './image-folder';
import { classesOf, Direction } from './paired';

export interface UnpairedOptions {
  size: number;
  grayscale: boolean;
  /** AtoB: the data's `images` are domain A (trainA) and `otherDomain` B; BtoA swaps them. */
  direction: Direction;
  onProgress?: (done: number, total: number) => void;
}

const TRAIN = { a: 'trainA', b: 'trainB' } as const;
const TEST = { a: 'testA', b: 'testB' } as const;
export type DomainFolder = (typeof TRAIN | typeof TEST)[keyof typeof TRAIN];

const isFolder = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory();

/** True when `dir` is the unpaired layout: it has a trainA/ or trainB/ folder (the loader names what is missing). */
export function isUnpairedLayout(dir: string): boolean {
  return isFolder(path.join(dir, TRAIN.a)) || isFolder(path.join(dir, TRAIN.b));
}

/** The images of one domain folder, or a one-line error naming what the layout needs. */
function domainFiles(dir: string, name: string): string[] {
  const folder = path.join(dir, name);
  if (!isFolder(folder)) throw new Error(`${folder} is missing (the unpaired layout needs DIR/trainA and DIR/trainB, one folder of images per domain)`);
  const files = imagesIn(folder);
  if (files.length === 0) throw new Error(`${folder} holds no PNG or JPEG images (the unpaired layout needs images in both DIR/trainA and DIR/trainB)`);
  return files;
}

/**
 * Loads the unpaired layout: trainA as the data's images and trainB as its `otherDomain` (swapped for BtoA);
 * testA and testB, when both hold images, as `heldOut` with its own `otherDomain`. Labels only when every file
 * of every folder has a CLASS-INDEX name, so a score by class never meets an unlabelled domain.
 */
export async function loadUnpaired(dir: string, o: UnpairedOptions): Promise<ImageDataset> {
  const train = { a: domainFiles(dir, TRAIN.a), b: domainFiles(dir, TRAIN.b) };
  const testHas = (name: string) => isFolder(path.join(dir, name)) && imagesIn(path.join(dir, name)).length > 0;
  if (testHas(TEST.a) !== testHas(TEST.b)) {
    const [has, lacks] = testHas(TEST.a) ? [TEST.a, TEST.b] : [TEST.b, TEST.a];
    throw new Error(`${path.join(dir, has)} holds images but ${path.join(dir, lacks)} does not: a held-out split needs both domains`);
  }
  const test = testHas(TEST.a) ? { a: domainFiles(dir, TEST.a), b: domainFiles(dir, TEST.b) } : null;
  const lists = [train.a, train.b, ...(test ? [test.a, test.b] : [])];
  const total = lists.reduce((n, files) => n + files.length, 0);
  const channels = o.grayscale ? 1 : 3;
  // Checked before anything is decoded.
  const bytes = total * channels * o.size * o.size;
  if (bytes > MAX_DATA_BYTES) {
    throw new Error(`${dir}: ${total} images of ${channels}×${o.size}×${o.size} take ${formatBytes(bytes)}, more than the ${formatBytes(MAX_DATA_BYTES)} limit`);
  }
  const classes = lists.map((files) => classesOf(dir, files));
  const labelled = classes.every((c) => c !== null);
  // One list of class names for every domain: the longest (a domain may use only some classes, e.g. bags).
  const names = labelled ? classes.reduce((a, b) => (b!.classes.length > a!.classes.length ? b : a))!.classes : null;
  let done = 0;
  const read = async (name: string, k: number): Promise<ImageDataset> => {
    const before = done;
    const data = await loadImageFolder(path.join(dir, name), {
      size: o.size, grayscale: o.grayscale, onProgress: (d) => o.onProgress?.((done = before + d), total),
    });
    return { ...data, name: `${path.normalize(dir)} (${name})`, labels: labelled ? classes[k]!.labels : null, classes: names };
  };
  const pair = async (a: string, b: string, k: number): Promise<ImageDataset> => {
    const [first, second] = [await read(a, k), await read(b, k + 1)];
    const [from, to] = o.direction === 'AtoB' ? [first, second] : [second, first];
    return { ...from, otherDomain: to };
  };
  const data = await pair(TRAIN.a, TRAIN.b, 0);
  if (test) data.heldOut = await pair(TEST.a, TEST.b, 2);
  data.name = path.normalize(dir);
  return data;
}

/** One domain's images as a writer of the layout holds them. */
export interface DomainImages {
  /** N images of height×width×channels, in PNG's row order (pixels interleaved). */
  images: Uint8Array;
  channels: 1 | 3;
  height: number;
  width: number;
  labels: Uint8Array;
  /** The index of each image in the data set it came from, kept in its file name. */
  sourceIndex: number[];
}

/** Writes one domain folder of the layout (DIR/trainA …) as CLASS-INDEX.png files. Returns the number written. */
export function writeDomain(dir: string, folder: DomainFolder, domain: DomainImages, onFile?: () => void): number {
  const out = path.join(dir, folder);
  fs.mkdirSync(out, { recursive: true });
  const { channels, height, width } = domain;
  const per = channels * height * width;
  const names = classIndexNames(domain.labels, domain.sourceIndex);
  names.forEach((name, i) => {
    writeFileAtomic(path.join(out, name), encodePng({ width, height, channels, pixels: domain.images.subarray(i * per, (i + 1) * per) }));
    onFile?.();
  });
  return names.length;
}

/** Rows `indices` of a gray data set (MNIST, Fashion-MNIST) as one domain to write, labels and indices kept. */
export function grayDomain(data: ImageDataset, indices: number[]): DomainImages {
  if (data.channels !== 1 || !data.labels) throw new Error(`grayDomain: ${data.name} is not a labelled gray data set`);
  const per = data.height * data.width;
  const images = new Uint8Array(indices.length * per);
  indices.forEach((from, to) => images.set(data.images.subarray(from * per, (from + 1) * per), to * per));
  return { images, channels: 1, height: data.height, width: data.width, labels: Uint8Array.from(indices, (i) => data.labels![i]), sourceIndex: indices };
}

/** A whole unpaired set to write: its four domain folders and the names of its classes. */
export interface UnpairedSet {
  domains: Record<DomainFolder, DomainImages>;
  classes: readonly string[];
}

/** What the writers of unpaired sets are given (`ganforge data mnist2mnistm|shoes2bags`). */
export interface UnpairedSetOptions {
  /** At most this many training images per domain (default: all). */
  n?: number;
  /** At most this many test images per domain (default: all). */
  testN?: number;
  /** Seeds whatever the set draws at random (mnist2mnistm's textures). */
  seed: number;
}

/** Images in a set, over its four folders (for a progress bar). */
export function unpairedSetSize(set: UnpairedSet): number {
  return Object.values(set.domains).reduce((n, d) => n + d.sourceIndex.length, 0);
}

/** Writes `set` into `dir` (trainA, trainB, testA, testB of CLASS-INDEX.png, and classes.txt); returns the counts. */
export function writeUnpairedSet(dir: string, set: UnpairedSet, onFile?: () => void): Record<DomainFolder, number> {
  const counts = {} as Record<DomainFolder, number>;
  for (const [folder, domain] of Object.entries(set.domains) as [DomainFolder, DomainImages][]) counts[folder] = writeDomain(dir, folder, domain, onFile);
  writeClassNames(dir, set.classes);
  return counts;
}
