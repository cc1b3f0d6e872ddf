// Class labels for conditional sampling, in one place: grids show one class per column, and scoring draws
// every class equally often.
import { tensor, Tensor } from '../torch';

/** int64 labels for samples start…start+count−1: 0, 1, …, K−1, 0, 1, … (K = classes). */
export function labelsInTurn(start: number, count: number, classes: number): Tensor {
  return tensor(Array.from({ length: count }, (_, i) => (start + i) % classes), [count], 'int64');
}

/** int64 labels that all ask for one class. */
export function labelsOf(classIndex: number, count: number): Tensor {
  return tensor(new Array<number>(count).fill(classIndex), [count], 'int64');
}
