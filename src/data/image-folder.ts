// Folders of PNG/JPEG images (through sharp, i.e. libvips): each image is resized so its shorter side fits,
// center-cropped to size×size, and converted to RGB or gray. Subfolders holding images become classes
// (as torchvision's ImageFolder); a flat folder is unlabelled.
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { formatBytes, ImageDataset, MAX_DATA_BYTES } from './dataset';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);
/**
 * The largest image sharp may decode, in pixels: 8192×8192, twice a 36-megapixel camera photo. libvips checks
 * it from the header, before decoding, so a small file announcing a huge image (a decompression bomb) fails
 * at once instead of taking gigabytes. (sharp's own default is 16383×16383, four times as much.)
 */
export const MAX_INPUT_PIXELS = 8192 * 8192;

export interface ImageFolderOptions {
  size: number;
  grayscale: boolean;
  /** Called with (done, total) while decoding. */
  onProgress?: (done: number, total: number) => void;
}

/** The PNG/JPEG/WebP files directly in `dir`, sorted by name. */
export function imagesIn(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase()))
    .map((e) => path.join(dir, e.name))
    .sort();
}

/** True when `dir` holds images directly or in its immediate subfolders. */
export function isImageFolder(dir: string): boolean {
  if (imagesIn(dir).length > 0) return true;
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && imagesIn(path.join(dir, e.name)).length > 0);
}

/** A rectangle of an image, in pixels from its top left corner. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** An image's width and height from its header, without decoding it (and refusing the same bombs readImage does). */
export async function imageSize(file: string): Promise<{ width: number; height: number }> {
  let meta: { width?: number; height?: number };
  try {
    meta = await sharp(file, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch (err) {
    throw new Error(`${file}: not a readable image (${(err as Error).message.split('\n')[0]})`);
  }
  if (!meta.width || !meta.height) throw new Error(`${file}: not a readable image (no size in its header)`);
  if (meta.width * meta.height > MAX_INPUT_PIXELS) throw new Error(`${file}: ${meta.width}×${meta.height} is more than the ${MAX_INPUT_PIXELS} pixels an image may have`);
  return { width: meta.width, height: meta.height };
}

/**
 * One image (or the `region` of it, e.g. one half of an aligned A|B pair) as C×H×W uint8 at size×size. Errors
 * name the file.
 */
export async function readImage(file: string, size: number, grayscale: boolean, region?: Region): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    let pipeline = sharp(file, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
    if (region) pipeline = pipeline.extract(region);
    pipeline = pipeline.resize(size, size, { fit: 'cover', position: 'centre' }).removeAlpha();
    pipeline = grayscale ? pipeline.greyscale() : pipeline.toColourspace('srgb');
    raw = await pipeline.raw().toBuffer();
  } catch (err) {
    throw new Error(`${file}: not a readable image (${(err as Error).message.split('\n')[0]})`);
  }
  const channels = grayscale ? 1 : 3;
  if (raw.length !== size * size * channels) throw new Error(`${file}: decoded to ${raw.length} bytes, expected ${size * size * channels}`);
  // sharp gives HWC; tensors are CHW.
  const out = new Uint8Array(raw.length);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < size * size; p++) out[c * size * size + p] = raw[p * channels + c];
  }
  return out;
}

export async function loadImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageDataset> {
  const classDirs = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && imagesIn(path.join(dir, e.name)).length > 0)
    .map((e) => e.name).sort();
  const flat = imagesIn(dir);
  const labelled = flat.length === 0 && classDirs.length > 0;
  const files: { file: string; label: number }[] = labelled
    ? classDirs.flatMap((name, label) => imagesIn(path.join(dir, name)).map((file) => ({ file, label })))
    : flat.map((file) => ({ file, label: 0 }));
  if (files.length === 0) throw new Error(`${dir} holds no PNG or JPEG images`);
  const channels = options.grayscale ? 1 : 3;
  const perImage = channels * options.size * options.size;
  if (files.length * perImage > MAX_DATA_BYTES) {
    throw new Error(`${dir}: ${files.length} images of ${channels}×${options.size}×${options.size} take ${formatBytes(files.length * perImage)}, more than the ${formatBytes(MAX_DATA_BYTES)} limit`);
  }
  const images = new Uint8Array(files.length * perImage);
  let done = 0;
  // A few decodes in flight keep libvips busy without holding every file in memory.
  const queue = files.map((entry, index) => ({ ...entry, index }));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      images.set(await readImage(next.file, options.size, options.grayscale), next.index * perImage);
      options.onProgress?.(++done, files.length);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return {
    name: dir,
    images,
    labels: labelled ? Uint8Array.from(files, (f) => f.label) : null,
    count: files.length,
    channels,
    height: options.size,
    width: options.size,
    classes: labelled ? classDirs : null,
  };
}
