// Age labels from UTKFace's file names: AGE_GENDER_RACE_DATETIME.jpg.chip.jpg, e.g. 26_1_0_20170116171048.jpg
// (age in years; gender 0 male, 1 female; race 0–4). The age is bucketed into the same groups the procedural
// faces use (young, middle, old), so Age-cGAN trains on either through one attribute table.
import * as path from 'path';
import type { AttributeTable } from './attribute-file';
import { AGE_GROUPS } from './attributed-faces';
import type { ImageDataset } from './dataset';
import { ImageFolderOptions, imagesIn, loadImageFolder } from './image-folder';

const UTK_NAME = /^(\d{1,3})_([01])_([0-4])_\d+/;

/**
 * Where the age groups start, in years: young is under 30, middle 30–59, old 60 and over. Stated, not learned:
 * UTKFace spans 0–116, and these three keep each group large enough to train on.
 */
export const AGE_GROUP_STARTS = [0, 30, 60] as const;

export interface UtkLabels {
  age: number;
  gender: 'male' | 'female';
  race: number;
}

/** The labels a UTKFace file name carries, or null for a name that is not one. */
export function parseUtkName(file: string): UtkLabels | null {
  const match = UTK_NAME.exec(path.basename(file));
  if (!match) return null;
  const age = Number(match[1]);
  if (age > 130) return null;
  return { age, gender: match[2] === '0' ? 'male' : 'female', race: Number(match[3]) };
}

/** The age group of `years`: the last group whose start it has reached. */
export function ageGroupOf(years: number): (typeof AGE_GROUPS)[number] {
  let group = 0;
  AGE_GROUP_STARTS.forEach((start, k) => years >= start && (group = k));
  return AGE_GROUPS[group];
}

/** True when every one of `files` (at least one) is named as UTKFace names its images. */
export function isUtkFaceNaming(files: readonly string[]): boolean {
  return files.length > 0 && files.every((f) => parseUtkName(f) !== null);
}

/** The age-group (and gender) attributes of UTKFace files, in the columns the procedural faces use. */
export function utkAttributes(files: readonly string[]): AttributeTable {
  const names = ['Young', 'Middle_Aged', 'Old', 'Male'];
  const values = new Int8Array(files.length * names.length);
  files.forEach((file, r) => {
    const labels = parseUtkName(file);
    if (!labels) throw new Error(`${file}: not a UTKFace name (AGE_GENDER_RACE_DATETIME.jpg)`);
    const group = AGE_GROUPS.indexOf(ageGroupOf(labels.age));
    AGE_GROUPS.forEach((_, k) => (values[r * names.length + k] = k === group ? 1 : -1));
    values[r * names.length + 3] = labels.gender === 'male' ? 1 : -1;
  });
  return { names, files: files.map((f) => path.basename(f)), values };
}

/** A flat folder of UTKFace images as a data set with age-group attributes (read from the names, in file order). */
export async function loadUtkFaceFolder(dir: string, o: ImageFolderOptions): Promise<ImageDataset> {
  const files = imagesIn(dir);
  const { names, values } = utkAttributes(files);
  return { ...(await loadImageFolder(dir, o)), attributes: { names, values } };
}
