// Class coverage: how generated samples spread over the data's classes, by the classifier's verdict.
// A healthy generator gives every class about its share; mode collapse shows as low entropy and missing
// classes. A class is "missing" when it gets under a tenth of a uniform share (1 / (10·K)).
import type { Tensor } from '../torch';
import { tidy } from '../torch';

export interface Coverage {
  /** Share of samples per class (sums to 1). */
  shares: number[];
  /** Entropy of the shares over log K: 1 for uniform, 0 for a single class. */
  normalizedEntropy: number;
  /** Names of classes under a tenth of a uniform share. */
  missing: string[];
}

export function classCoverage(probabilities: Tensor, classes: string[]): Coverage {
  const predicted = tidy(() => probabilities.argmax(1).toArray());
  const k = classes.length;
  const counts = new Array(k).fill(0);
  for (const c of predicted) counts[c]++;
  const shares = counts.map((c) => c / predicted.length);
  // (0 − 0 is −0 in floating point; a single class must read as entropy 0, not −0.)
  const entropy = Math.abs(shares.reduce((h, p) => (p > 0 ? h - p * Math.log(p) : h), 0));
  return {
    shares,
    normalizedEntropy: k > 1 ? entropy / Math.log(k) : 1,
    missing: classes.filter((_, i) => shares[i] < 1 / (10 * k)),
  };
}
