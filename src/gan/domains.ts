// The domains an attribute-editing model (StarGAN) moves images between, and the target vectors it is given.
// A domain is a vector c of K zeros and ones:
//   class-labelled data (MNIST as ten domains): one group of K classes, c one-hot, learned with cross-entropy;
//   attribute-labelled data (CelebA's list_attr, the attributed faces): one column per attribute, learned with
//   a binary cross-entropy per attribute (StarGAN on CelebA); the columns of a known one-of family (hair colours,
//   age groups) form a group, so an edit sets one of them and clears the rest, the others flip alone.
import type { TrainConfig } from './config';

/** Attribute families that are one-of choices where two or more of their members are in the data. */
const ONE_OF_FAMILIES: readonly (readonly string[])[] = [
  ['Black_Hair', 'Blond_Hair', 'Brown_Hair', 'Gray_Hair'],
  ['Young', 'Middle_Aged', 'Old'],
];

export interface Domains {
  /** Column names: class names, or attribute names. */
  names: string[];
  /** One-of groups of columns (indices); every column not in a group is a binary attribute. */
  groups: number[][];
  /** 'classes': one group over every column, cross-entropy; 'attributes': a BCE per column. */
  kind: 'classes' | 'attributes';
}

/** The domains of a run, from its config (so a checkpoint rebuilds them without its data). */
export function domainsOf(config: Pick<TrainConfig, 'attributes' | 'numClasses'>): Domains {
  if (config.attributes !== null) {
    const names = config.attributes.split(',');
    const groups = ONE_OF_FAMILIES.map((family) => family.map((n) => names.indexOf(n)).filter((k) => k >= 0)).filter((g) => g.length >= 2);
    return { names, groups, kind: 'attributes' };
  }
  const names = Array.from({ length: config.numClasses }, (_, k) => String(k));
  return { names, groups: [names.map((_, k) => k)], kind: 'classes' };
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
  for (const group of domains.groups) for (const k of group) grouped.set(k, group);
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
