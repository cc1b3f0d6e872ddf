// The Inception Score (Salimans et al. 2016) with the data set's own classifier standing in for Inception:
// exp(E_x KL(p(y|x) ‖ p(y))), high when each image is confidently one class and the classes are varied.
// Computed on `splits` disjoint parts; mean and standard deviation reported. Its maximum is the class count.
import { Tensor, tidy } from '../torch';

export interface ScoreWithSpread {
  mean: number;
  std: number;
}

export function inceptionScore(probabilities: Tensor, splits = 10): ScoreWithSpread {
  const [n] = probabilities.shape;
  const parts = Math.max(1, Math.min(splits, Math.floor(n / 10)));
  const size = Math.floor(n / parts);
  const scores: number[] = [];
  for (let s = 0; s < parts; s++) {
    scores.push(tidy(() => {
      const p = probabilities.narrow(0, s * size, size).clamp(1e-12);
      const marginal = p.mean([0], true);
      return Math.exp(p.mul(p.log().sub(marginal.log())).sum([1]).mean().item());
    }));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  return { mean, std };
}
