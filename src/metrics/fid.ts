// Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017):
//   ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½
// computed in float64 through symmetric eigen-decompositions (every matrix involved is symmetric PSD).
import { F, Tensor, tidy } from '../torch';

export interface GaussianStats {
  mean: Tensor;
  covariance: Tensor;
  count: number;
}

/** Mean and unbiased covariance of the rows of features [N, D] (float64). */
export function gaussianStats(features: Tensor): GaussianStats {
  const [n] = features.shape;
  return tidy(() => {
    const x = features.to({ dtype: 'float64' });
    const mean = x.mean([0]);
    const centered = x.sub(mean);
    return { mean, covariance: centered.transpose(0, 1).matmul(centered).div(n - 1), count: n };
  });
}

/** V diag(√max(λ, 0)) Vᵀ for a symmetric PSD matrix. */
function sqrtPsd(matrix: Tensor): Tensor {
  return tidy(() => {
    const { values, vectors } = F.eigh(matrix.add(matrix.transpose(0, 1)).div(2));
    return vectors.mul(values.clamp(0).sqrt()).matmul(vectors.transpose(0, 1));
  });
}

export function frechetDistance(a: GaussianStats, b: GaussianStats): number {
  return tidy(() => {
    const meanTerm = a.mean.sub(b.mean).square().sum().item();
    const rootA = sqrtPsd(a.covariance);
    const product = rootA.matmul(b.covariance).matmul(rootA);
    const { values } = F.eigh(product.add(product.transpose(0, 1)).div(2));
    const traceRoot = values.clamp(0).sqrt().sum().item();
    const trace = (m: Tensor) => F.eigh(m).values.sum().item();
    return Math.max(0, meanTerm + trace(a.covariance) + trace(b.covariance) - 2 * traceRoot);
  });
}

/** FID of two feature sets; refuses sets smaller than the feature dimension (their covariance is singular). */
export function fid(real: Tensor, fake: Tensor): number {
  const dims = real.shape[1];
  for (const [name, set] of [['reference', real], ['generated', fake]] as const) {
    if (set.shape[0] < dims) throw new Error(`FID needs at least ${dims} ${name} samples (one per feature dimension), got ${set.shape[0]}`);
  }
  const a = gaussianStats(real);
  const b = gaussianStats(fake);
  try {
    return frechetDistance(a, b);
  } finally {
    [a.mean, a.covariance, b.mean, b.covariance].forEach((t) => t.dispose());
  }
}
