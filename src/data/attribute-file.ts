// Attribute labels in CelebA's text format, the one attribute-editing data sets (StarGAN's, Age-cGAN's) come in:
//
//   202599                              ← the number of rows (CelebA writes it; optional when reading)
//   5_o_Clock_Shadow Arched_Eyebrows …  ← the attribute names
//   000001.jpg -1  1  1 -1 …            ← a file name, then one ±1 per attribute (runs of spaces between)
//
// `ganforge data faces --attributes` writes this format, so a user's CelebA folder and ours read the same way.
// The file may be hostile: its size is bounded before it is read, every row is checked against the header,
// and an error names the line.
import * as fs from 'fs';

export interface AttributeTable {
  /** Attribute names, in column order (CelebA's spelling: Black_Hair, Eyeglasses, …). */
  names: string[];
  /** One file name per row (a bare name, no folders). */
  files: string[];
  /** rows × names.length, each +1 (has it) or −1 (has it not). */
  values: Int8Array;
}

/**
 * The largest attribute file read: 64 MiB, three times CelebA's 26 MB list (202,599 rows × 40 attributes); a
 * bigger one is more likely a wrong or hostile file than a data set.
 */
export const MAX_ATTRIBUTE_FILE_BYTES = 64 * 2 ** 20;
/** Columns beyond this are refused: CelebA has 40; a thousand would be a malformed header. */
export const MAX_ATTRIBUTES = 1000;

/** An attribute's name: CelebA's spelling (letters, digits, _ . -), short. */
export const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** File names as data sets write them: no folders, no leading dot, nothing a shell or a URL would mangle. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;

/** The value of `attribute` in `row`: +1 or −1. */
export function attributeValue(table: AttributeTable, row: number, attribute: number): number {
  return table.values[row * table.names.length + attribute];
}

/** Parses the text of an attribute file; `source` names it in errors. */
export function parseAttributeText(text: string, source: string): AttributeTable {
  const lines = text.split(/\r?\n/);
  let at = 0;
  const fail = (line: number, why: string): never => {
    throw new Error(`${source}:${line + 1}: ${why}`);
  };
  // CelebA's first line is the row count; a file without it starts with the names.
  let announced: number | null = null;
  if (/^\s*\d+\s*$/.test(lines[0] ?? '')) {
    announced = Number(lines[0].trim());
    at = 1;
  }
  const names = (lines[at] ?? '').trim().split(/\s+/).filter((n) => n !== '');
  if (names.length === 0) fail(at, 'expected a line of attribute names (e.g. Black_Hair Blond_Hair Young)');
  if (names.length > MAX_ATTRIBUTES) fail(at, `${names.length} attribute names; at most ${MAX_ATTRIBUTES} are read`);
  const bad = names.find((n) => !ATTRIBUTE_NAME.test(n));
  if (bad !== undefined) fail(at, `'${bad.slice(0, 40)}' is not an attribute name (letters, digits, _ . -)`);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) fail(at, `attribute '${duplicate}' is named twice`);

  const files: string[] = [];
  const values: number[] = [];
  const seen = new Set<string>();
  for (let i = at + 1; i < lines.length; i++) {
    const fields = lines[i].trim().split(/\s+/).filter((f) => f !== '');
    if (fields.length === 0) continue;
    const [file, ...row] = fields;
    if (!FILE_NAME.test(file)) fail(i, `'${file.slice(0, 40)}' is not a plain file name`);
    if (seen.has(file)) fail(i, `${file} is listed twice`);
    if (row.length !== names.length) fail(i, `${file} has ${row.length} values for ${names.length} attributes`);
    for (const v of row) {
      // CelebA writes -1/1; some copies write 0 for "has it not".
      if (v === '1') values.push(1);
      else if (v === '-1' || v === '0') values.push(-1);
      else fail(i, `${file}: '${v.slice(0, 20)}' is not 1 or -1`);
    }
    seen.add(file);
    files.push(file);
  }
  if (files.length === 0) fail(at, 'no rows after the attribute names');
  if (announced !== null && announced !== files.length) fail(0, `announces ${announced} rows but has ${files.length}`);
  return { names, files, values: Int8Array.from(values) };
}

/** Reads an attribute file, refusing anything but a regular file of sane size before reading it. */
export function readAttributeFile(file: string): AttributeTable {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new Error(`${file}: no such attribute file`);
  }
  if (!stat.isFile()) throw new Error(`${file}: expected an attribute file (CelebA's list_attr format), found a folder or device`);
  if (stat.size > MAX_ATTRIBUTE_FILE_BYTES) throw new Error(`${file}: ${stat.size} bytes; attribute files over ${MAX_ATTRIBUTE_FILE_BYTES} bytes are refused`);
  return parseAttributeText(fs.readFileSync(file, 'utf8'), file);
}

/** The text of `table` in CelebA's format, row count first, columns padded as CelebA pads them. */
export function formatAttributeText(table: AttributeTable): string {
  const width = table.names.length;
  const rows = table.files.map((file, r) => [file, ...Array.from(table.values.subarray(r * width, (r + 1) * width), (v) => (v > 0 ? ' 1' : '-1'))].join(' '));
  return [String(table.files.length), table.names.join(' '), ...rows].join('\n') + '\n';
}

/**
 * The columns `wanted` of `table`, in that order (config key `attributes: Black_Hair,Blond_Hair`); a name the
 * file lacks is an error listing the names it has.
 */
export function selectAttributes(table: AttributeTable, wanted: readonly string[]): AttributeTable {
  const columns = wanted.map((name) => {
    const k = table.names.indexOf(name);
    if (k < 0) throw new Error(`no attribute '${name}' (the file has ${table.names.join(', ')})`);
    return k;
  });
  const width = table.names.length;
  const rows = table.values.length / width;
  const values = new Int8Array(rows * columns.length);
  for (let r = 0; r < rows; r++) columns.forEach((k, j) => (values[r * columns.length + j] = table.values[r * width + k]));
  return { names: [...wanted], files: [...table.files], values };
}

/**
 * CelebA's identity file (`identity_CelebA.txt`: `000001.jpg 2880` per line): which person each image shows.
 * Attribute-editing models never train on it; it scores identity preservation (and trains Age-cGAN's identity
 * embedding). Returns file → identity.
 */
export function parseIdentityText(text: string, source: string): Map<string, number> {
  const ids = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    const fields = line.trim().split(/\s+/).filter((f) => f !== '');
    if (fields.length === 0) return;
    const [file, id] = fields;
    if (fields.length !== 2 || !FILE_NAME.test(file) || !/^\d{1,9}$/.test(id)) throw new Error(`${source}:${i + 1}: expected 'FILE IDENTITY' (e.g. 000001.png 17)`);
    if (ids.has(file)) throw new Error(`${source}:${i + 1}: ${file} is listed twice`);
    ids.set(file, Number(id));
  });
  return ids;
}

/** The text of an identity file, one `file id` line per image. */
export function formatIdentityText(ids: ReadonlyMap<string, number>): string {
  return [...ids].map(([file, id]) => `${file} ${id}`).join('\n') + '\n';
}
