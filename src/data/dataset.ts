// The in-memory form of an image data set, shared by every source (bundled MNIST, IDX folders, …).
export interface ImageDataset {
  /** 'mnist', 'fashion-mnist', or the folder it came from. */
  name: string;
  /** N×C×H×W, uint8 0…255, row-major. */
  images: Uint8Array;
  /** Class index per image, or null for unlabelled data. */
  labels: Uint8Array | null;
  count: number;
  channels: number;
  height: number;
  width: number;
  /** Class names by index, or null. */
  classes: string[] | null;
  /**
   * Paired data (image-to-image, e.g. pix2pix's aligned A|B layout): the target of each image, N×C×H×W uint8 in
   * the same order and shape as `images`. Absent for data of one domain.
   */
  targets?: Uint8Array;
  /**
   * Unpaired data (CycleGAN's trainA/trainB layout): the second domain, with its own count and labels, in the
   * same channels and size as `images` (the first domain). Its held-out split is `heldOut.otherDomain`.
   */
  otherDomain?: ImageDataset;
  /** A held-out split of the same source (a layout's test/ folder), for previews and scores; never trained on. */
  heldOut?: ImageDataset;
  /**
   * Attribute-labelled data (CelebA's list_attr.txt beside the images): the attribute names and, row-aligned
   * with `images`, count × names.length values of +1 (has it) or −1. Attribute-editing families read them;
   * the others train on the images alone.
   */
  attributes?: { names: string[]; values: Int8Array };
  /** The person each image shows, where the data says (identity.txt): scores identity preservation. */
  identities?: Int32Array;
}

/**
 * What kind of data a model family trains on: one set of images, pairs of images (input → target), or two
 * domains of images without pairs (A and B, e.g. CycleGAN's horses and zebras).
 */
export type DataKind = 'images' | 'paired' | 'unpaired';

export function dataKindOf(data: ImageDataset): DataKind {
  if (data.targets) return 'paired';
  return data.otherDomain ? 'unpaired' : 'images';
}

/** Rows `indices` of a data set, in that order, under a new name; labels and targets follow their images. */
export function pickRows(data: ImageDataset, indices: readonly number[], name: string): ImageDataset {
  const per = data.channels * data.height * data.width;
  const images = new Uint8Array(indices.length * per);
  indices.forEach((from, to) => images.set(data.images.subarray(from * per, (from + 1) * per), to * per));
  const labels = data.labels ? Uint8Array.from(indices, (i) => data.labels![i]) : null;
  const picked: ImageDataset = { ...data, name, images, labels, count: indices.length };
  if (data.targets) {
    const targets = new Uint8Array(indices.length * per);
    indices.forEach((from, to) => targets.set(data.targets!.subarray(from * per, (from + 1) * per), to * per));
    picked.targets = targets;
  }
  if (data.attributes) {
    const width = data.attributes.names.length;
    const values = new Int8Array(indices.length * width);
    indices.forEach((from, to) => values.set(data.attributes!.values.subarray(from * width, (from + 1) * width), to * width));
    picked.attributes = { names: data.attributes.names, values };
  }
  if (data.identities) picked.identities = Int32Array.from(indices, (i) => data.identities![i]);
  return picked;
}

/**
 * The most bytes of pixels any data file may announce (IDX, .npy) or a folder may add up to: 2 GiB. MNIST's
 * 60,000 training digits are 47 MB and training copies the pixels to float32 (4 bytes each), so 2 GiB of
 * uint8 is already 8 GiB in memory; beyond it a corrupt or hostile header, not a real data set, is the likely
 * cause. 2^31 also keeps every byte offset within the int32 range that typed-array and tensor indexing
 * handle without surprises.
 */
export const MAX_DATA_BYTES = 2 ** 31;

/** "2.0 GiB", "47.0 MiB": sizes in error messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}
