// Whose eyes read an attribute edit: one classifier per attribute an editing run changes, each the judge's own
// CNN (classifier.ts) trained once and cached.
//   class domains (StarGAN on MNIST): the data set's judge classifier, which reads the digit;
//   attribute domains (the attributed faces, CelebA): per one-of group (hair, age) a classifier over its values,
//   and per binary attribute (glasses, smile) one over no/yes, trained on the training split labelled by it and
//   measured on the test split (its ceiling).
// `ganforge eval` on an editing run and bench/stargan-attributes read edits through these.
import type { ImageDataset } from '../data/dataset';
import type { TrainConfig } from '../gan/config';
import type { Domains } from '../gan/domains';
import { classifierFor, ClassifierTrainOptions, TrainedClassifier } from './classifier';
import { folderHash, referenceData } from './reference';

/** One attribute an edit can set, as a judge reads it: which of `values` a domain vector has, and how to set one. */
export interface JudgedAttribute {
  /** 'hair', 'age', 'class', or a binary attribute's name in lower case ('eyeglasses'). */
  key: string;
  /** Its values, the judge's classes in order ('black', 'blond', …; 'no', 'yes'; '0'…'9'). */
  values: string[];
  /** Which value a domain vector [K] of 0/1 has. */
  valueOf(c: Float32Array): number;
  /** `c` with this attribute set to value `v` (a copy; the other attributes kept). */
  set(c: Float32Array, v: number): Float32Array;
}

/** The attributes of `domains` that edits set: each one-of group, then each binary attribute. */
export function judgedAttributes(domains: Domains): JudgedAttribute[] {
  const grouped = new Set(domains.groups.flatMap((g) => g.columns));
  const groups = domains.groups.map(({ key, columns, values }): JudgedAttribute => ({
    key, values,
    valueOf: (c) => Math.max(0, columns.findIndex((k) => c[k] > 0)),
    set: (c, v) => c.map((x, k) => (columns.includes(k) ? (k === columns[v] ? 1 : 0) : x)),
  }));
  const binaries = domains.names.flatMap((name, column): JudgedAttribute[] => (grouped.has(column) ? [] : [{
    key: name.toLowerCase(), values: ['no', 'yes'],
    valueOf: (c) => (c[column] > 0 ? 1 : 0),
    set: (c, v) => c.map((x, k) => (k === column ? v : x)),
  }]));
  return [...groups, ...binaries];
}

/** `data` labelled by which value of `attribute` each image has (its attribute columns found by name). */
function labelledBy(data: ImageDataset, domains: Domains, attribute: JudgedAttribute): ImageDataset {
  const { names, values } = data.attributes!;
  const columns = domains.names.map((name) => names.indexOf(name));
  const missing = domains.names.filter((_, k) => columns[k] < 0);
  if (missing.length) throw new Error(`${data.name} has no attribute ${missing.join(', ')} (it has ${names.join(', ')})`);
  const row = new Float32Array(domains.names.length);
  const labels = Uint8Array.from({ length: data.count }, (_, i) => {
    columns.forEach((k, j) => (row[j] = values[i * names.length + k] > 0 ? 1 : 0));
    return attribute.valueOf(row);
  });
  return { ...data, labels, classes: attribute.values, attributes: undefined, heldOut: undefined, identities: undefined };
}

export interface AttributeJudge {
  attribute: JudgedAttribute;
  classifier: TrainedClassifier;
}

/**
 * A judge per attribute of `domains` for a run's data: `data` is its training split (with attributes) and `test`
 * its held-out one; class domains use the data set's own judge classifier instead.
 */
export async function attributeJudges(config: Pick<TrainConfig, 'dataset' | 'imageShape' | 'download' | 'imageSize' | 'grayscale'>, domains: Domains, data: ImageDataset, test: ImageDataset, options: ClassifierTrainOptions = {}): Promise<AttributeJudge[]> {
  const attributes = judgedAttributes(domains);
  if (domains.kind === 'classes') {
    const reference = await referenceData(config.dataset, { download: config.download, imageSize: config.imageSize, grayscale: config.grayscale });
    return [{ attribute: attributes[0], classifier: classifierFor(reference, options) }];
  }
  if (!data.attributes || !test.attributes) throw new Error(`${config.dataset}: judging attribute edits needs attribute labels on its training and test splits`);
  const judges: AttributeJudge[] = [];
  try {
    for (const attribute of attributes) {
      judges.push({
        attribute,
        classifier: classifierFor({
          key: `attributes-${folderHash(config.dataset)}-${attribute.key}-${config.imageShape.join('x')}`,
          train: labelledBy(data, domains, attribute),
          heldOut: labelledBy(test, domains, attribute),
          description: `${config.dataset}: ${attribute.key} (${attribute.values.join(', ')})`,
        }, options),
      });
    }
  } catch (err) {
    judges.forEach((j) => j.classifier.net.dispose());
    throw err;
  }
  return judges;
}
