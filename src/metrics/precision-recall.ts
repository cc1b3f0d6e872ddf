// Improved precision and recall (Kynkäänniemi et al. 2019). Each set's manifold is the union of balls around
// its samples, each ball reaching that sample's k-th nearest neighbour in the same set. Precision: the share
// of generated samples inside the real manifold (are fakes realistic?). Recall: the share of real samples
// inside the generated manifold (is the real variety covered?).
import { F, Tensor, tensor, tidy } from '../torch';

const ROWS = 1000; // distance rows per block: bounds memory at ROWS × N doubles

/** Distance from each row of x to its k-th nearest other row of x. */
export function kthNeighbourRadii(x: Tensor, k: number): Float64Array {
  const n = x.shape[0];
  if (n <= k) throw new Error(`precision/recall with k=${k} needs more than ${k} samples per set, got ${n}`);
  const radii = new Float64Array(n);
  for (let start = 0; start < n; start += ROWS) {
    const count = Math.min(ROWS, n - start);
    tidy(() => {
      // The k + 1 smallest distances: the first is the sample to itself (0).
      const d = F.cdist(x.narrow(0, start, count), x).topk(k + 1, 1, false).values.select(1, k);
      radii.set(d.to({ dtype: 'float64' }).toTypedArray() as Float64Array, start);
    });
  }
  return radii;
}

/** Share of `queries` rows that lie within the ball of at least one `manifold` row. */
export function shareInside(queries: Tensor, manifold: Tensor, radii: Float64Array): number {
  const n = queries.shape[0];
  let hits = 0;
  tidy(() => {
    const ballRadii = tensor(radii, [1, radii.length], 'float64').to({ dtype: manifold.dtype });
    for (let start = 0; start < n; start += ROWS) {
      const count = Math.min(ROWS, n - start);
      hits += tidy(() => F.cdist(queries.narrow(0, start, count), manifold).le(ballRadii).to({ dtype: 'float32' }).maxAlong(1).values.sum().item());
    }
  });
  return hits / n;
}

export interface PrecisionRecall {
  precision: number;
  recall: number;
  k: number;
}

export function precisionRecall(real: Tensor, fake: Tensor, k = 3): PrecisionRecall {
  return {
    precision: shareInside(fake, real, kthNeighbourRadii(real, k)),
    recall: shareInside(real, fake, kthNeighbourRadii(fake, k)),
    k,
  };
}
