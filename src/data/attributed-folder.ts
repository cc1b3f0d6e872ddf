// The attributed layout: DIR/train and DIR/test, each a folder of images with CelebA's attribute file
// (list_attr.txt) and identity file (identity.txt) beside them. `ganforge data faces --attributes` writes it;
// a user's CelebA folder (img_align_celeba/ + list_attr_celeba.txt) reads through the same reader.
//
// What each split holds, for the procedural faces:
//   train/  PEOPLE people, each drawn PER_PERSON times with independently drawn attributes
//   test/   other people (never in train), each drawn at every age group with hair, glasses and smile fixed, so
//           an age edit of one test image can be compared with the same person really drawn at that age
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomic';
import { encodePng } from '../io/png';
import { OptionError } from '../errors';
import { AttributeTable, formatAttributeText, formatIdentityText, parseIdentityText, readAttributeFile, selectAttributes } from './attribute-file';
import { AGE_GROUPS, attributeRow, drawAttributedFace, drawAttributes, drawIdentity, FACE_ATTRIBUTE_NAMES, FaceAttributes } from './attributed-faces';
import { formatBytes, ImageDataset, MAX_DATA_BYTES } from './dataset';
import { seededRandom } from './faces';
import { readImage } from './image-folder';

export const ATTRIBUTE_FILE = 'list_attr.txt';
export const IDENTITY_FILE = 'identity.txt';
/** Training images per person: enough for an identity embedding to see each person more than once. */
export const PER_PERSON = 3;

export interface AttributedFacesOptions {
  /** Training images (rounded up to whole people). */
  n: number;
  /** Test people; each gives one image per age group. */
  testPeople: number;
  size: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

interface Drawn {
  person: number;
  attributes: FaceAttributes;
}

/** Train: people with random attributes per image. Test: other people, each at every age, the rest fixed. */
function plan(o: AttributedFacesOptions): { train: Drawn[]; test: Drawn[] } {
  const choose = seededRandom(o.seed ^ 0x5eed);
  const trainPeople = Math.ceil(o.n / PER_PERSON);
  const train = Array.from({ length: o.n }, (_, i) => ({ person: Math.floor(i / PER_PERSON), attributes: drawAttributes(choose) }));
  const test = Array.from({ length: o.testPeople }, (_, k) => {
    const fixed = drawAttributes(choose);
    return AGE_GROUPS.map((age) => ({ person: trainPeople + k, attributes: { ...fixed, age } }));
  }).flat();
  return { train, test };
}

function writeSplit(dir: string, drawn: Drawn[], people: ReturnType<typeof drawIdentity>[], size: number, tick: () => void): void {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const ids = new Map<string, number>();
  for (const [i, d] of drawn.entries()) {
    const file = `${String(i + 1).padStart(6, '0')}.png`;
    writeFileAtomic(path.join(dir, file), encodePng({ width: size, height: size, channels: 3, pixels: drawAttributedFace(size, people[d.person], d.attributes) }));
    files.push(file);
    ids.set(file, d.person);
    tick();
  }
  const table: AttributeTable = { names: [...FACE_ATTRIBUTE_NAMES], files, values: Int8Array.from(drawn.flatMap((d) => attributeRow(d.attributes))) };
  writeFileAtomic(path.join(dir, ATTRIBUTE_FILE), formatAttributeText(table));
  writeFileAtomic(path.join(dir, IDENTITY_FILE), formatIdentityText(ids));
}

/** Writes the attributed faces layout under `out` (train/ and test/). */
export function writeAttributedFaces(out: string, o: AttributedFacesOptions): { train: number; test: number } {
  const { train, test } = plan(o);
  const random = seededRandom(o.seed);
  const people = Array.from({ length: Math.ceil(o.n / PER_PERSON) + o.testPeople }, () => drawIdentity(random));
  let done = 0;
  const tick = () => o.onProgress?.(++done, train.length + test.length);
  writeSplit(path.join(out, 'train'), train, people, o.size, tick);
  writeSplit(path.join(out, 'test'), test, people, o.size, tick);
  return { train: train.length, test: test.length };
}

export interface AttributedData {
  dataset: ImageDataset;
  attributes: AttributeTable;
  /** Person per image, where the folder has an identity file. */
  identities: Int32Array | null;
}

/**
 * The images a split's attribute file lists, in its order, with their attributes (and identities when an
 * identity file is there). Every listed file must exist in `dir`; files the list does not name are ignored,
 * as CelebA's readers do. `attributeFile` defaults to DIR/list_attr.txt.
 */
export async function readAttributedFolder(dir: string, o: { size: number; grayscale: boolean; attributeFile?: string }): Promise<AttributedData> {
  const attributes = readAttributeFile(o.attributeFile ?? path.join(dir, ATTRIBUTE_FILE));
  const channels = o.grayscale ? 1 : 3;
  const per = channels * o.size * o.size;
  if (attributes.files.length * per > MAX_DATA_BYTES) {
    throw new Error(`${dir}: ${attributes.files.length} images of ${channels}×${o.size}×${o.size} take ${formatBytes(attributes.files.length * per)}, more than the ${formatBytes(MAX_DATA_BYTES)} limit`);
  }
  const missing = attributes.files.find((f) => !fs.existsSync(path.join(dir, f)));
  if (missing !== undefined) throw new Error(`${dir}: the attribute file lists ${missing}, which is not in the folder`);
  const images = new Uint8Array(attributes.files.length * per);
  for (const [i, file] of attributes.files.entries()) images.set(await readImage(path.join(dir, file), o.size, o.grayscale), i * per);
  let identities: Int32Array | null = null;
  const idFile = path.join(dir, IDENTITY_FILE);
  if (fs.existsSync(idFile)) {
    const stat = fs.statSync(idFile);
    if (!stat.isFile() || stat.size > 64 * 2 ** 20) throw new Error(`${idFile}: expected an identity file of at most 64 MiB`);
    const ids = parseIdentityText(fs.readFileSync(idFile, 'utf8'), idFile);
    identities = Int32Array.from(attributes.files, (f) => {
      const id = ids.get(f);
      if (id === undefined) throw new Error(`${idFile}: no identity for ${f}`);
      return id;
    });
  }
  const dataset: ImageDataset = { name: dir, images, labels: null, count: attributes.files.length, channels, height: o.size, width: o.size, classes: null };
  return { dataset, attributes, identities };
}

/** True when `dir` is the attributed layout: a train/ folder with an attribute file in it. */
export function isAttributedLayout(dir: string): boolean {
  const list = path.join(dir, 'train', ATTRIBUTE_FILE);
  return fs.existsSync(list) && fs.statSync(list).isFile();
}

/**
 * The attributed layout as a data set: train/'s images with their attributes (and identities), and test/ (when
 * there) as the held-out split. The two splits must name the same attributes in the same order.
 */
/** A read split as a data set carrying its attributes (and identities). */
function asDataset({ dataset, attributes, identities }: AttributedData, name: string): ImageDataset {
  return { ...dataset, name, attributes: { names: attributes.names, values: attributes.values }, ...(identities ? { identities } : {}) };
}

export async function loadAttributedLayout(dir: string, o: { size: number; grayscale: boolean }): Promise<ImageDataset> {
  const train = asDataset(await readAttributedFolder(path.join(dir, 'train'), o), dir);
  const testDir = path.join(dir, 'test');
  if (!fs.existsSync(path.join(testDir, ATTRIBUTE_FILE))) return train;
  const test = asDataset(await readAttributedFolder(testDir, o), `${dir} (test)`);
  if (test.attributes!.names.join(' ') !== train.attributes!.names.join(' ')) {
    throw new Error(`${dir}: test/${ATTRIBUTE_FILE} names ${test.attributes!.names.join(', ')}, but train/ names ${train.attributes!.names.join(', ')}`);
  }
  return { ...train, heldOut: test };
}

/**
 * A folder of images labelled by an attribute file kept elsewhere, as CelebA comes (img_align_celeba/ beside
 * list_attr_celeba.txt): the images the file lists, in its order (and identities, if the folder has an
 * identity.txt). No held-out split: CelebA's is a separate partition file.
 */
export async function loadListedFolder(dir: string, o: { size: number; grayscale: boolean; attributeFile: string }): Promise<ImageDataset> {
  return asDataset(await readAttributedFolder(dir, o), dir);
}

/**
 * The data with only the attribute columns `wanted`, in that order (config key `attributes:
 * Black_Hair,Blond_Hair`), its held-out split likewise. Data without attributes, or a name it lacks, is an error naming the choices.
 */
export function selectDatasetAttributes(data: ImageDataset, wanted: readonly string[]): ImageDataset {
  const pick = (d: ImageDataset): ImageDataset => {
    if (!d.attributes) {
      throw new OptionError('attributes', (name) => `${name('attributes')} selects attribute columns, and ${d.name} has no attribute labels (a list_attr.txt)`);
    }
    let picked: AttributeTable;
    try {
      picked = selectAttributes({ names: d.attributes.names, files: [], values: d.attributes.values }, wanted);
    } catch (err) {
      throw new OptionError('attributes', (name) => `${name('attributes')}: ${(err as Error).message}`);
    }
    return { ...d, attributes: { names: picked.names, values: picked.values } };
  };
  const selected = pick(data);
  return data.heldOut ? { ...selected, heldOut: pick(data.heldOut) } : selected;
}
