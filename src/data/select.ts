// Resolves a --dataset value to loaded images: 'mnist' (the bundled 10,000 digits, or the full set with
// --download), 'fashion-mnist' (Debian's files, or downloaded), a folder of IDX files, or a folder of images.
import * as fs from 'fs';
import * as path from 'path';
import { OptionError } from '../errors';
import { isAttributedLayout, loadAttributedLayout, loadListedFolder } from './attributed-folder';
import { ImageDataset, pickRows } from './dataset';
import { ensureDownloaded, FASHION_MNIST_REMOTE, MNIST_REMOTE } from './download';
import { imagesIn, isImageFolder, loadImageFolder } from './image-folder';
import { Direction, isAlignedLayout, loadAlignedPairs } from './paired';
import { isUnpairedLayout, loadUnpaired } from './unpaired';
import { isUtkFaceNaming, loadUtkFaceFolder } from './utkface';
import { loadBundledMnist, loadFashionMnist, loadIdxFolder } from './mnist';
import { shownName } from '../util/suggest';

export const DATASET_HELP = "'mnist' (bundled 10,000 digits), 'fashion-mnist', a folder of IDX files (train-images-idx3-ubyte[.gz] …), a folder of PNG/JPEG images, pix2pix's aligned layout of pairs (DIR/train/*.png, DIR/test/*.png, each A|B side by side), CycleGAN's unpaired layout (DIR/trainA, DIR/trainB, DIR/testA, DIR/testB), or attribute-labelled images (DIR/train/ and DIR/test/, each with CelebA's list_attr.txt)";

export interface DatasetOptions {
  download?: boolean;
  log?: (line: string) => void;
  /** Image folders only: output side and colour. */
  imageSize?: number;
  grayscale?: boolean;
  /** Paired data: which half of each pair is the input (AtoB: the left one); unpaired data: which domain is first. */
  direction?: Direction;
  /** Image folders: a CelebA-style attribute file listing the folder's images and their attributes. */
  attributeFile?: string;
  onProgress?: (done: number, total: number) => void;
}

function hasIdx(dir: string): boolean {
  return fs.readdirSync(dir).some((f) => /-idx\d-ubyte(\.gz)?$/.test(f));
}

export async function loadDataset(name: string, options: DatasetOptions = {}): Promise<ImageDataset> {
  switch (name) {
    case 'mnist':
      if (!options.download) return loadBundledMnist();
      return loadIdxFolder(await ensureDownloaded(MNIST_REMOTE, { log: options.log }), 'mnist');
    case 'fashion-mnist':
      if (!options.download) return loadFashionMnist();
      return loadFashionMnist(await ensureDownloaded(FASHION_MNIST_REMOTE, { log: options.log }));
    default: {
      if (options.download) throw new OptionError('download', (option) => `${option('download')} works with mnist and fashion-mnist, not '${shownName(name, 200)}'`);
      if (!fs.existsSync(name)) throw new Error(`unknown dataset '${shownName(name, 200)}': expected ${DATASET_HELP}`);
      if (!fs.statSync(name).isDirectory()) throw new Error(`dataset ${shownName(name, 200)} is not a folder: expected ${DATASET_HELP}`);
      const imageOptions = { size: options.imageSize ?? 64, grayscale: options.grayscale ?? false, onProgress: options.onProgress };
      if (options.attributeFile !== undefined) return loadListedFolder(name, { ...imageOptions, attributeFile: options.attributeFile });
      // Before the aligned layout: both have train/ and test/, but only this one has an attribute file in train/.
      if (isAttributedLayout(name)) return loadAttributedLayout(name, imageOptions);
      // Before the image-folder check, which would take trainA/ and trainB/ for two classes.
      if (isUnpairedLayout(name)) return loadUnpaired(name, { ...imageOptions, direction: options.direction ?? 'AtoB' });
      if (isAlignedLayout(name)) return loadAlignedPairs(name, { ...imageOptions, direction: options.direction ?? 'AtoB' });
      if (hasIdx(name) || !isImageFolder(name)) return loadIdxFolder(name, path.normalize(name));
      if (isUtkFaceNaming(imagesIn(name))) return loadUtkFaceFolder(name, imageOptions);
      return loadImageFolder(name, imageOptions);
    }
  }
}

/** The images of one class, for training one model per label. */
export function onlyClass(dataset: ImageDataset, label: number): ImageDataset {
  if (!dataset.labels) throw new Error(`${dataset.name} has no labels`);
  const picked: number[] = [];
  dataset.labels.forEach((l, i) => l === label && picked.push(i));
  const className = dataset.classes?.[label] ?? String(label);
  return pickRows(dataset, picked, `${dataset.name} (class ${className})`);
}
