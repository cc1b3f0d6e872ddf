// Samples made by any tool, for `ganforge eval --samples`: an IDX file (uint8, N×H×W or N×C×H×W), a .npy
// (float32 in [0, 1] or uint8, N×C×H×W or N×H×W), or a folder of PNG/JPEG images (resized to the reference).
import * as fs from 'fs';
import { readIdx } from '../data/idx';
import { loadImageFolder } from '../data/image-folder';
import { decodeNpy } from '../io/npy';

export interface SampleSet {
  /** N×C×H×W in [-1, 1]. */
  images: Float32Array;
  shape: [number, number, number, number];
}

function toShape(dims: number[], source: string): [number, number, number, number] {
  if (dims.length === 3) return [dims[0], 1, dims[1], dims[2]];
  if (dims.length === 4) return dims as [number, number, number, number];
  throw new Error(`${source}: expected N×H×W or N×C×H×W images, found dims [${dims.join(', ')}]`);
}

/** Throws the one-line error for a samples path that isn't there (eval checks it before the slower judge set-up). */
export function checkSamplesPath(file: string): void {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file or folder`);
}

export async function readSamples(file: string, reference: { channels: number; size: number }): Promise<SampleSet> {
  checkSamplesPath(file);
  if (fs.statSync(file).isDirectory()) {
    const data = await loadImageFolder(file, { size: reference.size, grayscale: reference.channels === 1 });
    return { images: Float32Array.from(data.images, (v) => (v * 2) / 255 - 1), shape: [data.count, data.channels, data.height, data.width] };
  }
  if (file.toLowerCase().endsWith('.npy')) {
    const { data, shape } = decodeNpy(fs.readFileSync(file), file);
    const images = data instanceof Uint8Array ? Float32Array.from(data, (v) => (v * 2) / 255 - 1) : data.map((v) => v * 2 - 1);
    return { images, shape: toShape(shape, file) };
  }
  const { dims, data } = readIdx(file);
  return { images: Float32Array.from(data, (v) => (v * 2) / 255 - 1), shape: toShape(dims, file) };
}
