// Who is in a face: the judge's CNN (classifier.ts) trained to tell the people of the training split apart
// (identity.txt), whose 128-d penultimate features are an identity embedding: faces of one person at other ages
// or hair colours should lie closer together than faces of two people. Class labels are one byte, so it learns
// the first IDENTITY_PEOPLE people that have two or more images; the features carry over to people it never saw
// (the test split's, which is what it scores). Each person's last image is held out to measure it.
import { ImageDataset, pickRows } from '../data/dataset';
import { CLASSIFIER_BATCH, classifierFor, ClassifierTrainOptions, TrainedClassifier } from './classifier';
import { folderHash } from './reference';

/** People the identity classifier tells apart (its classes; a label is one byte). */
export const IDENTITY_PEOPLE = 256;
/**
 * Its epochs: its set is small (two images or so per person: 512 images for 256 people, 4 batches an epoch), so
 * the judges' default 5 epochs left it at 2.3% held-out accuracy on the attributed faces (loss 5.34 of ln 256 =
 * 5.55); 60 epochs make about as many batches as the 5 epochs of the other judges on 6,000 images.
 */
export const IDENTITY_EPOCHS = 60;

/**
 * Images of the first `people` people with two or more images (the last ones with `last`: Age-cGAN's own
 * identity embedding learns other people than this judge where the data has enough), labelled by person
 * (0…people−1): all but each person's last image as `train`, the last ones as `heldOut`. Null when the data
 * names fewer than two such people.
 */
export function identitySplit(data: ImageDataset, people = IDENTITY_PEOPLE, last = false): { train: ImageDataset; heldOut: ImageDataset } | null {
  const ids = data.identities;
  if (!ids) return null;
  const rowsOf = new Map<number, number[]>();
  ids.forEach((person, row) => rowsOf.set(person, [...(rowsOf.get(person) ?? []), row]));
  const seenTwice = [...rowsOf.entries()].filter(([, rows]) => rows.length >= 2);
  const chosen = last ? seenTwice.slice(-people) : seenTwice.slice(0, people);
  if (chosen.length < 2) return null;
  const classes = chosen.map(([person]) => String(person));
  const side = (pick: (rows: number[]) => number[], name: string): ImageDataset => {
    const picked = chosen.flatMap(([, rows], label) => pick(rows).map((row) => [row, label] as const));
    const set = pickRows({ ...data, heldOut: undefined }, picked.map(([row]) => row), name);
    return { ...set, labels: Uint8Array.from(picked, ([, label]) => label), classes, attributes: undefined, identities: undefined };
  };
  return { train: side((rows) => rows.slice(0, -1), `${data.name} (identities)`), heldOut: side((rows) => rows.slice(-1), `${data.name} (identities, each person's last image)`) };
}

/** The cached identity judge of a data set with identities, or null (with the reason) when it has none. */
export function identityJudge(dataset: string, data: ImageDataset, options: ClassifierTrainOptions = {}): { judge: TrainedClassifier | null; reason: string } {
  const split = identitySplit(data);
  if (!split) return { judge: null, reason: `${dataset} names no people with two or more training images (identity.txt)` };
  if (split.train.count < CLASSIFIER_BATCH) return { judge: null, reason: `${dataset} has ${split.train.count} training images of people seen twice, fewer than one batch (${CLASSIFIER_BATCH}) of the identity judge` };
  const shape = [data.channels, data.height, data.width].join('x');
  return {
    judge: classifierFor({
      key: `identity-${folderHash(dataset)}-${shape}`, train: split.train, heldOut: split.heldOut,
      description: `${dataset}: identities of ${split.train.classes!.length} training people (each one's last image held out)`,
    }, { epochs: IDENTITY_EPOCHS, ...options }),
    reason: '',
  };
}
