// pix2pix's aligned layout of paired images: DIR/train/*.png and DIR/test/*.png (or DIR/val/ when there is no
// test/), each file one image A and its partner B side by side (A on the left), as the facades, maps and
// edges2shoes folders come. A user with such a folder trains on it unchanged; `--direction BtoA` learns B → A.
// Files named CLASS-INDEX.png (as `ganforge data edges2digits` writes them) also give each pair its class, and a
// classes.txt (one name per line) its class names, so translated test images can be scored by class.
import * as fs from 'fs';
import * as path from 'path';
import { formatBytes, ImageDataset, MAX_DATA_BYTES } from './dataset';
import { imagesIn, imageSize, readImage } from './image-folder';

export type Direction = 'AtoB' | 'BtoA';
export const DIRECTIONS: readonly Direction[] = ['AtoB', 'BtoA'];

/** The split folders of the layout; anything else beside them means the folder is not this layout. */
const SPLITS = ['train', 'val', 'test'];
/** Held-out images come from test/, else val/ (facades has both; some sets only val). */
const HELD_OUT_SPLITS = ['test', 'val'];
/** A name such as 7-004211.png: the class, then the index of the source image. */
const CLASS_INDEX_NAME = /^(\d{1,3})-\d+\.[A-Za-z]+$/;

export interface PairedOptions {
  size: number;
  grayscale: boolean;
  direction: Direction;
  onProgress?: (done: number, total: number) => void;
}

/** True when `dir` is the aligned layout: a train/ folder of images, only split folders beside it, no loose images. */
export function isAlignedLayout(dir: string): boolean {
  const train = path.join(dir, 'train');
  if (!fs.existsSync(train) || !fs.statSync(train).isDirectory()) return false;
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const others = entries.filter((e) => e.isDirectory() && !SPLITS.includes(e.name) && imagesIn(path.join(dir, e.name)).length > 0);
  return others.length === 0 && imagesIn(dir).length === 0;
}

/**
 * Classes from CLASS-INDEX names, when every file has one; names from classes.txt in `dir` when it is there.
 * Shared with the unpaired layout (unpaired.ts), whose domain folders are named the same way.
 */
export function classesOf(dir: string, files: string[]): { labels: Uint8Array; classes: string[] } | null {
  const ids = files.map((f) => CLASS_INDEX_NAME.exec(path.basename(f)));
  if (ids.some((m) => m === null)) return null;
  const labels = Uint8Array.from(ids, (m) => Number(m![1]));
  if (ids.some((m) => Number(m![1]) > 255)) return null;
  const count = Math.max(...labels) + 1;
  const listFile = path.join(dir, 'classes.txt');
  if (!fs.existsSync(listFile)) return { labels, classes: Array.from({ length: count }, (_, k) => String(k)) };
  const stat = fs.statSync(listFile);
  if (!stat.isFile() || stat.size > 1 << 16) throw new Error(`${listFile}: expected a short text file of class names, one per line`);
  const names = fs.readFileSync(listFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (names.length < count) throw new Error(`${listFile} names ${names.length} classes, but the file names use classes up to ${count - 1}`);
  return { labels, classes: names };
}

interface Split {
  name: string;
  files: string[];
}

/** Decodes the pairs of one split; the left half of each file is A, the right half B. */
async function readSplit(dir: string, split: Split, classes: { labels: Uint8Array; classes: string[] } | null, o: PairedOptions, done: () => void): Promise<ImageDataset> {
  const channels = o.grayscale ? 1 : 3;
  const per = channels * o.size * o.size;
  const images = new Uint8Array(split.files.length * per);
  const targets = new Uint8Array(split.files.length * per);
  const queue = split.files.map((file, index) => ({ file, index }));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { width, height } = await imageSize(next.file);
      if (width % 2 !== 0) {
        throw new Error(`${next.file}: ${width}×${height} is not two images of the same size side by side (A|B needs an even width)`);
      }
      const half = width / 2;
      const a = await readImage(next.file, o.size, o.grayscale, { left: 0, top: 0, width: half, height });
      const b = await readImage(next.file, o.size, o.grayscale, { left: half, top: 0, width: half, height });
      const [input, target] = o.direction === 'AtoB' ? [a, b] : [b, a];
      images.set(input, next.index * per);
      targets.set(target, next.index * per);
      done();
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return {
    name: `${dir} (${split.name}, ${o.direction})`, images, targets, labels: classes?.labels ?? null, count: split.files.length,
    channels, height: o.size, width: o.size, classes: classes?.classes ?? null,
  };
}

/**
 * Loads the aligned layout: the train split as the data, each image resized and center-cropped to size×size per
 * half, the inputs (`images`) and their `targets` in the chosen direction; the test (or val) split as `heldOut`.
 */
export async function loadAlignedPairs(dir: string, o: PairedOptions): Promise<ImageDataset> {
  const train: Split = { name: 'train', files: imagesIn(path.join(dir, 'train')) };
  if (train.files.length === 0) throw new Error(`${path.join(dir, 'train')} holds no PNG or JPEG images (the aligned layout needs DIR/train/*.png, each image A|B side by side)`);
  const heldOutName = HELD_OUT_SPLITS.find((s) => fs.existsSync(path.join(dir, s)) && imagesIn(path.join(dir, s)).length > 0);
  const heldOut: Split | null = heldOutName ? { name: heldOutName, files: imagesIn(path.join(dir, heldOutName)) } : null;
  const channels = o.grayscale ? 1 : 3;
  const total = train.files.length + (heldOut?.files.length ?? 0);
  // Inputs and targets, both splits: checked before anything is decoded.
  const bytes = total * 2 * channels * o.size * o.size;
  if (bytes > MAX_DATA_BYTES) {
    throw new Error(`${dir}: ${total} pairs of ${channels}×${o.size}×${o.size} take ${formatBytes(bytes)}, more than the ${formatBytes(MAX_DATA_BYTES)} limit`);
  }
  const trainClasses = classesOf(dir, train.files);
  const heldOutClasses = heldOut ? classesOf(dir, heldOut.files) : null;
  // Labels only when both splits have them, so a score by class never meets an unlabelled half.
  const labelled = trainClasses !== null && (heldOut === null || heldOutClasses !== null);
  let done = 0;
  const tick = () => o.onProgress?.(++done, total);
  const data = await readSplit(dir, train, labelled ? trainClasses : null, o, tick);
  if (heldOut) data.heldOut = await readSplit(dir, heldOut, labelled ? heldOutClasses : null, o, tick);
  data.name = path.normalize(dir);
  if (labelled && data.heldOut) {
    // One list of class names for both splits: the longer one (a split may lack the last classes).
    const classes = data.classes!.length >= data.heldOut.classes!.length ? data.classes! : data.heldOut.classes!;
    data.classes = classes;
    data.heldOut.classes = classes;
  }
  return data;
}
