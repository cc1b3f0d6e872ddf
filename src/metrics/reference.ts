// The data a judge compares against. Every score records which split it used: the classifier trains on the
// `train` split and generated samples are compared with the `heldOut` split, which the classifier never saw.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ImageDataset, pickRows } from '../data/dataset';
import { ensureDownloaded, FASHION_MNIST_REMOTE, MNIST_REMOTE } from '../data/download';
import { DEBIAN_FASHION_MNIST, FASHION_CLASSES, loadBundledMnist, loadIdxFolder } from '../data/mnist';
import { loadDataset } from '../data/select';
import { randperm, tidy } from '../torch';

/** Ten hex digits naming a data folder by its absolute path, for the keys of cached classifiers. */
export function folderHash(dir: string): string {
  return crypto.createHash('sha1').update(path.resolve(dir)).digest('hex').slice(0, 10);
}

export interface ReferenceData {
  /** Names the data and split in cache files and reports, e.g. 'mnist-bundled'. */
  key: string;
  train: ImageDataset;
  heldOut: ImageDataset;
  /** One line for reports, e.g. 'bundled MNIST: 2,000 held-out digits (seeded 80/20 split of 10,000)'. */
  description: string;
}

/** A fixed 80/20 split (seeded permutation), for data without an official test split. */
export function splitEightyTwenty(data: ImageDataset): { train: ImageDataset; heldOut: ImageDataset } {
  const { train, heldOut } = eightyTwentyIndices(data.count);
  return { train: pickRows(data, train, `${data.name} (train 80%)`), heldOut: pickRows(data, heldOut, `${data.name} (held out 20%)`) };
}

/** The rows of each side of splitEightyTwenty, for sets derived from the same split (edges2digits). */
export function eightyTwentyIndices(count: number): { train: number[]; heldOut: number[] } {
  const order = tidy(() => randperm(count, 20_241_122).toArray());
  const cut = Math.round(count * 0.8);
  return { train: order.slice(0, cut), heldOut: order.slice(cut) };
}

const count = (n: number) => n.toLocaleString('en-US');

export async function referenceData(dataset: string, options: { download?: boolean; imageSize?: number; grayscale?: boolean } = {}): Promise<ReferenceData> {
  if (dataset === 'mnist' && !options.download) {
    const { train, heldOut } = splitEightyTwenty(loadBundledMnist());
    return { key: 'mnist-bundled', train, heldOut, description: `bundled MNIST: ${count(heldOut.count)} held-out digits (seeded 80/20 split of 10,000)` };
  }
  const idxFolder = dataset === 'mnist' ? await ensureDownloaded(MNIST_REMOTE)
    : dataset === 'fashion-mnist' ? (options.download ? await ensureDownloaded(FASHION_MNIST_REMOTE) : DEBIAN_FASHION_MNIST)
    : fs.existsSync(dataset) && fs.readdirSync(dataset).some((f) => f.startsWith('t10k-images-idx3-ubyte')) ? dataset : null;
  if (idxFolder) {
    const classes = dataset === 'fashion-mnist' ? FASHION_CLASSES : undefined;
    const name = dataset === 'mnist' || dataset === 'fashion-mnist' ? dataset : path.normalize(dataset);
    const train = loadIdxFolder(idxFolder, name, 'train', classes);
    const heldOut = loadIdxFolder(idxFolder, name, 'test', classes);
    const key = dataset === 'mnist' ? 'mnist-full' : dataset === 'fashion-mnist' ? 'fashion-mnist' : `folder-${folderHash(dataset)}`;
    return { key, train, heldOut, description: `${name}: the official test split (${count(heldOut.count)} images)` };
  }
  const data = await loadDataset(dataset, options);
  const { train, heldOut } = splitEightyTwenty(data);
  const key = `folder-${folderHash(dataset)}`;
  return { key, train, heldOut, description: `${data.name}: ${count(heldOut.count)} held-out images (seeded 80/20 split)` };
}
