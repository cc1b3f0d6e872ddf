// What the commands that apply a model to the user's images share (translate, edit): the input files, the
// output names (each input's name as a PNG, no two alike), the output folder, and writing a CHW image as PNG.
import * as fs from 'fs';
import * as path from 'path';
import { imagesIn } from '../data/image-folder';
import { writeFileAtomic } from '../io/atomic';
import { encodePng } from '../io/png';
import { UsageError } from './args';

/** One image, or the PNG/JPEG/WebP files directly in a folder. */
export function inputFiles(given: string): string[] {
  if (!fs.existsSync(given)) throw new Error(`${given} does not exist`);
  if (!fs.statSync(given).isDirectory()) return [given];
  const files = imagesIn(given);
  if (files.length === 0) throw new Error(`${given} holds no PNG or JPEG images`);
  return files;
}

/**
 * NAME.png for each input; refuses --out = --in (outputs would replace their inputs) and two inputs that differ
 * only in extension (they would collide). Checked before anything is read or written.
 */
export function outputNames(given: string, files: readonly string[], outDir: string, made: string): string[] {
  if (fs.statSync(given).isDirectory() && path.resolve(outDir) === path.resolve(given)) {
    throw new UsageError(`--out is the --in folder: ${made} would replace their inputs; choose another folder`);
  }
  const names = files.map((f) => `${path.parse(f).name}.png`);
  const seen = new Map<string, string>();
  names.forEach((name, i) => {
    const other = seen.get(name);
    if (other) throw new Error(`${other} and ${files[i]} would both be written as ${name}`);
    seen.set(name, files[i]);
  });
  return names;
}

export function makeOutputFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(`cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Writes C×H×W bytes (C = 1 or 3) as a PNG, atomically. */
export function writeChwPng(file: string, chw: Uint8Array, [c, h, w]: readonly number[]): void {
  let pixels = chw;
  if (c !== 1) {
    // PNG stores HWC rows.
    pixels = new Uint8Array(chw.length);
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * w; p++) pixels[p * c + ch] = chw[ch * h * w + p];
  }
  writeFileAtomic(file, encodePng({ width: w, height: h, channels: c as 1 | 3, pixels }));
}
