// The domains an attribute-editing model (StarGAN) moves images between, and the target vectors it is given.
// A domain is a vector c of K zeros and ones:
//   class-labelled data (MNIST as ten domains): one group of K classes, c one-hot, learned with cross-entropy;
//   attribute-labelled data (CelebA's list_attr, the attributed faces): one column per attribute, learned with
//   a binary cross-entropy per attribute (StarGAN on CelebA); the columns of a known one-of family (hair colours,
//   age groups) form a group, so an edit sets one of them and clears the rest, the others flip alone.
import type { ImageDataset } from '../data/dataset';
import type { TrainConfig } from './config';

/**
 * Attribute families that are one-of choices where two or more of their members are in the data, with the
 * words `ganforge edit --set hair=blond` uses for them.
 */
const ONE_OF_FAMILIES: readonly { key: string; members: Readonly<Record<string, string>> }[] = [
  { key: 'hair', members: { black: 'Black_Hair', blond: 'Blond_Hair', brown: 'Brown_Hair', gray: 'Gray_Hair' } },
  { key: 'age', members: { young: 'Young', middle: 'Middle_Aged', old: 'Old' } },
];

/** A one-of group of columns: its key for --set, its columns, and the word for each column. */
export interface DomainGroup {
  key: string;
  columns: number[];
  values: string[];
}

export interface Domains {
  /** Column names: class names, or attribute names. */
  names: string[];
  /** One-of groups of columns; every column not in a group is a binary attribute. */
  groups: DomainGroup[];
  /** 'classes': one group over every column, cross-entropy; 'attributes': a BCE per column. */
  kind: 'classes' | 'attributes';
}

/** The domains of a run, from its config (so a checkpoint rebuilds them without its data). */
export function domainsOf(config: Pick<TrainConfig, 'attributes' | 'numClasses'>): Domains {
  if (config.attributes !== null) {
    const names = config.attributes.split(',');
    const groups = ONE_OF_FAMILIES.flatMap(({ key, members }) => {
      const present = Object.entries(members).filter(([, name]) => names.includes(name));
      return present.length >= 2 ? [{ key, columns: present.map(([, name]) => names.indexOf(name)), values: present.map(([word]) => word) }] : [];
    });
    return { names, groups, kind: 'attributes' };
  }
  const names = Array.from({ length: config.numClasses }, (_, k) => String(k));
  return { names, groups: [{ key: 'class', columns: names.map((_, k) => k), values: names }], kind: 'classes' };
}

/** One edit: a label for grids and files (`Blond_Hair`, `+Eyeglasses`, `7`) and how it changes a vector. */
export interface Edit {
  label: string;
  apply(c: Float32Array): Float32Array;
}

/**
 * The single-attribute edits of the domains, in column order: each member of a group (set it, clear the rest
 * of the group), and each binary attribute toggled. These are the columns of StarGAN's preview grid.
 */
export function singleEdits(domains: Domains): Edit[] {
  const grouped = new Map<number, number[]>();
  for (const { columns } of domains.groups) for (const k of columns) grouped.set(k, columns);
  return domains.names.map((name, k) => {
    const group = grouped.get(k);
    if (group) {
      return { label: name, apply: (c: Float32Array) => c.map((v, j) => (j === k ? 1 : group.includes(j) ? 0 : v)) };
    }
    return { label: `±${name}`, apply: (c: Float32Array) => c.map((v, j) => (j === k ? 1 - v : v)) };
  });
}

/** The one-hot vectors of class labels, N×K. */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]] = 1;
  return out;
}

/** The columns in some one-of group; every other column is a binary attribute. */
function groupedColumns(domains: Domains): Set<number> {
  return new Set(domains.groups.flatMap((g) => g.columns));
}

const YES = ['yes', 'true', '1', 'on'];
const NO = ['no', 'false', '0', 'off'];

/** What `--set` may name for these domains, for errors: `hair=black|blond|…, eyeglasses=yes|no`. */
export function editChoices(domains: Domains): string {
  const grouped = groupedColumns(domains);
  const binaries = domains.names.filter((_, k) => !grouped.has(k)).map((name) => `${name.toLowerCase()}=yes|no`);
  return [...domains.groups.map((g) => `${g.key}=${g.values.join('|')}`), ...binaries].join(', ');
}

/**
 * The edit `--set KEY=VALUE,…` asks for: one-of groups by their key and word (`hair=blond`, `age=old`,
 * `class=7`), binary attributes by their name in any case (`eyeglasses=yes`). An unknown key or value is an
 * error naming the choices; what is not named keeps the input's own value.
 */
export function parseEdit(domains: Domains, text: string): Edit {
  const settings = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (settings.length === 0) throw new Error(`nothing to set: give KEY=VALUE pairs (${editChoices(domains)})`);
  const changes: [number, number][] = [];
  const named = new Set<string>();
  for (const setting of settings) {
    const match = /^([A-Za-z0-9_.-]+)=([A-Za-z0-9_.-]+)$/.exec(setting);
    if (!match) throw new Error(`'${setting.slice(0, 40)}' is not KEY=VALUE (${editChoices(domains)})`);
    const key = match[1].toLowerCase();
    const value = match[2].toLowerCase();
    if (named.has(key)) throw new Error(`${key} is set twice`);
    named.add(key);
    const group = domains.groups.find((g) => g.key === key);
    if (group) {
      const at = group.values.findIndex((v) => v.toLowerCase() === value || (value === 'grey' && v === 'gray'));
      if (at < 0) throw new Error(`${key} cannot be '${value}' (choices: ${group.values.join(', ')})`);
      for (const [i, column] of group.columns.entries()) changes.push([column, i === at ? 1 : 0]);
      continue;
    }
    const column = domains.names.findIndex((name) => name.toLowerCase() === key);
    if (column < 0 || groupedColumns(domains).has(column)) throw new Error(`this run has no attribute '${key}' (it edits ${editChoices(domains)})`);
    if (!YES.includes(value) && !NO.includes(value)) throw new Error(`${key} takes yes or no, not '${value}'`);
    changes.push([column, YES.includes(value) ? 1 : 0]);
  }
  return {
    label: settings.join(','),
    apply: (c: Float32Array) => {
      const out = Float32Array.from(c);
      for (const [column, v] of changes) out[column] = v;
      return out;
    },
  };
}

/**
 * Domain vectors [N, K] of 0/1 from a domain classifier's logits [N, K]: the most likely member of each one-of
 * group, and each binary attribute where its logit is positive (probability over ½).
 */
export function domainsFromLogits(domains: Domains, logits: Float32Array, count: number): Float32Array {
  const K = domains.names.length;
  const out = new Float32Array(count * K);
  const grouped = groupedColumns(domains);
  for (let i = 0; i < count; i++) {
    const row = logits.subarray(i * K, (i + 1) * K);
    for (let k = 0; k < K; k++) if (!grouped.has(k) && row[k] > 0) out[i * K + k] = 1;
    for (const { columns } of domains.groups) {
      const best = columns.reduce((a, b) => (row[b] > row[a] ? b : a));
      out[i * K + best] = 1;
    }
  }
  return out;
}

/**
 * The domain vectors of rows `rows` of `data`, flattened [rows, K]; attribute columns are found by name, so
 * domains over some of the data's columns (Age-cGAN's age groups) read theirs.
 */
export function domainRows(data: ImageDataset, rows: readonly number[], domains: Domains): Float32Array {
  const K = domains.names.length;
  if (domains.kind === 'classes') return oneHot(rows.map((r) => data.labels![r]), K);
  const { names, values } = data.attributes!;
  const columns = domains.names.map((name) => {
    const at = names.indexOf(name);
    if (at < 0) throw new Error(`${data.name} has no attribute ${name} (it has ${names.join(', ')})`);
    return at;
  });
  const width = names.length;
  return Float32Array.from(rows.flatMap((r) => columns.map((k) => (values[r * width + k] > 0 ? 1 : 0))));
}

/** The domains of one group alone (Age-cGAN edits only the age group of the data's attributes). */
export function groupDomains(domains: Domains, key: string): Domains | null {
  const group = domains.groups.find((g) => g.key === key);
  if (!group) return null;
  return { names: group.columns.map((k) => domains.names[k]), groups: [{ key, columns: group.columns.map((_, i) => i), values: group.values }], kind: domains.kind };
}
