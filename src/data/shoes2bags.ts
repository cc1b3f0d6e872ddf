// `ganforge data shoes2bags`: Fashion-MNIST footwear (domain A: sandal 5, sneaker 7, ankle boot 9) ↔ bags
// (domain B: class 8), DiscoGAN's handbags↔shoes pairing at 28×28 gray, in CycleGAN's unpaired layout. Training
// images come from Fashion-MNIST's train file, test images from its test file (which the judge's classifier
// never trains on); each file name keeps the class and the image's position in its source file.
import type { ImageDataset } from './dataset';
import { loadFashionMnist } from './mnist';
import { DomainImages, grayDomain, UnpairedSet, UnpairedSetOptions } from './unpaired';

/** Fashion-MNIST's footwear classes (sandal, sneaker, ankle boot) and its bag class. */
export const FOOTWEAR_CLASSES: readonly number[] = [5, 7, 9];
export const BAG_CLASSES: readonly number[] = [8];

/** The first `limit` images of `data` whose class is one of `classes`, in file order. */
function domain(data: ImageDataset, classes: readonly number[], limit: number | undefined): DomainImages {
  const indices: number[] = [];
  data.labels!.forEach((label, i) => classes.includes(label) && indices.push(i));
  return grayDomain(data, indices.slice(0, limit ?? indices.length));
}

/** shoes2bags' four domains: footwear and bags from Fashion-MNIST's train file, testA and testB from its test file. */
export function shoes2bags(o: UnpairedSetOptions): UnpairedSet {
  const train = loadFashionMnist(undefined, 'train');
  const test = loadFashionMnist(undefined, 'test');
  return {
    domains: {
      trainA: domain(train, FOOTWEAR_CLASSES, o.n), trainB: domain(train, BAG_CLASSES, o.n),
      testA: domain(test, FOOTWEAR_CLASSES, o.testN), testB: domain(test, BAG_CLASSES, o.testN),
    },
    classes: train.classes!,
  };
}
