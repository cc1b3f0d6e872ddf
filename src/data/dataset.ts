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
}
