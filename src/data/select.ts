// Resolves a --dataset value to loaded images: 'mnist' (the bundled 10,000 digits, or the full set with
// --download), 'fashion-mnist' (Debian's files, or downloaded), or a folder of IDX files.
import * as fs from 'fs';
import type { ImageDataset } from './dataset';
import { ensureDownloaded, FASHION_MNIST_REMOTE, MNIST_REMOTE } from './download';
import { loadBundledMnist, loadFashionMnist, loadIdxFolder } from './mnist';

export const DATASET_HELP = "'mnist' (bundled 10,000 digits), 'fashion-mnist', or a folder holding train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]";

export async function loadDataset(name: string, options: { download?: boolean; log?: (line: string) => void } = {}): Promise<ImageDataset> {
  switch (name) {
    case 'mnist':
      if (!options.download) return loadBundledMnist();
      return loadIdxFolder(await ensureDownloaded(MNIST_REMOTE, { log: options.log }), 'mnist');
    case 'fashion-mnist':
      if (!options.download) return loadFashionMnist();
      return loadFashionMnist(await ensureDownloaded(FASHION_MNIST_REMOTE, { log: options.log }));
    default:
      if (options.download) throw new Error(`--download works with mnist and fashion-mnist, not '${name}'`);
      if (!fs.existsSync(name)) throw new Error(`unknown dataset '${name}': expected ${DATASET_HELP}`);
      if (!fs.statSync(name).isDirectory()) throw new Error(`dataset ${name} is not a folder: expected ${DATASET_HELP}`);
      return loadIdxFolder(name, name);
  }
}
