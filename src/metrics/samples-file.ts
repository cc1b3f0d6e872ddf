// Samples made by any tool, for `ganforge eval --samples`: an IDX file (uint8, N×H×W or N×C×H×W), a .npy
// (float32 in [0, 1] or uint8, N×C×H×W or N×H×W), or a folder of PNG/JPEG images (resized to the reference).
// Every source goes through one check (`toSampleSet`) before it is scored: a score of NaN, or of images with
// nothing in them, would look like a result.
import * as fs from 'fs';
import { formatBytes, MAX_DATA_BYTES } from '../data/dataset';
import { readIdx } from '../data/idx';
import { bytesToSigned, unitToSigned } from '../data/pixels';
import { loadImageFolder } from '../data/image-folder';
import { readNpy } from '../io/npy';

export interface SampleSet {
  /** N×C×H×W in [-1, 1]. */
  images: Float32Array;
  shape: [number, number, number, number];
}

/**
 * How far float samples may stray outside [0, 1] and still count as in range (they are then clamped): rounding
 * in another tool's (tanh(x) + 1) / 2 is far below it, a quarter of one 8-bit level (1/255) is above it.
 */
export const RANGE_TOLERANCE = 1e-3;

function toShape(dims: number[], source: string): [number, number, number, number] {
  if (dims.length === 3) return [dims[0], 1, dims[1], dims[2]];
  if (dims.length === 4) return dims as [number, number, number, number];
  throw new Error(`${source}: expected N×H×W or N×C×H×W images, found dims [${dims.join(', ')}]`);
}

/**
 * Where every source meets: checks the shape (some images, no zero side, 1 or 3 channels, within the memory
 * limit) before allocating the float copy, then every value (finite, in [0, 1] for floats; uint8 is 0…255),
 * and returns the images in [-1, 1]. Errors are one line starting with `source`.
 */
function toSampleSet(values: Float32Array | Uint8Array, dims: number[], source: string): SampleSet {
  const shape = toShape(dims, source);
  const [n, c, h, w] = shape;
  if (n === 0) throw new Error(`${source}: holds no images (dims [${dims.join(', ')}])`);
  if (h === 0 || w === 0) throw new Error(`${source}: images of ${h}×${w} pixels have a zero side`);
  if (c !== 1 && c !== 3) throw new Error(`${source}: images have ${c} channels; the reference takes 1 (gray) or 3 (RGB)`);
  if (values.length * 4 > MAX_DATA_BYTES) {
    throw new Error(`${source}: ${n} images of ${c}×${h}×${w} take ${formatBytes(values.length * 4)} as float32, more than the ${formatBytes(MAX_DATA_BYTES)} limit`);
  }
  if (values instanceof Uint8Array) return { images: bytesToSigned(values), shape };
  const images = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // Written this way round so NaN fails too.
    if (!(v >= -RANGE_TOLERANCE && v <= 1 + RANGE_TOLERANCE)) {
      const where = `at index ${i} (image ${Math.floor(i / (c * h * w))})`;
      if (!Number.isFinite(v)) throw new Error(`${source}: value ${v} ${where}: samples must be finite numbers in [0, 1]`);
      const hint = v >= -1 && v < 0 ? ' (for [-1, 1] output, save (x + 1) / 2)' : '';
      throw new Error(`${source}: value ${v} ${where} is outside [0, 1]${hint}`);
    }
    images[i] = unitToSigned(v);
  }
  return { images, shape };
}

/** A samples file (not a folder), read and checked. */
function readSamplesFile(file: string): SampleSet {
  if (file.toLowerCase().endsWith('.npy')) {
    const { data, shape } = readNpy(file);
    return toSampleSet(data, shape, file);
  }
  const { dims, data } = readIdx(file);
  return toSampleSet(data, dims, file);
}

/**
 * A samples file read at once (eval reads it before the slower judge set-up, so a bad file fails in a second), or
 * null for a folder of images, which is read at the reference's size once that is known (readSamples).
 */
export function readSamplesEarly(file: string): SampleSet | null {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file or folder`);
  return fs.statSync(file).isDirectory() ? null : readSamplesFile(file);
}

export async function readSamples(file: string, reference: { channels: number; size: number }): Promise<SampleSet> {
  const read = readSamplesEarly(file);
  if (read) return read;
  const data = await loadImageFolder(file, { size: reference.size, grayscale: reference.channels === 1 });
  return toSampleSet(data.images, [data.count, data.channels, data.height, data.width], file);
}
