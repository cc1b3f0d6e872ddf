// Regularisers added to a GAN's losses beside the adversarial term (stabilisers.ts lists them as config keys).
//   R1 (Mescheder et al. 2018)           γ/2 · E_x‖∇ₓD(x)‖² on real images, added to D's loss; lazily, every N
//                                         D steps with weight γ/2 · N (StyleGAN2, Karras et al. 2020), which
//                                         keeps the penalty's average effect and saves N − 1 double backwards.
//   orthogonal (Brock et al. 2019)       β · Σ_W ‖W Wᵀ ⊙ (1 − I)‖²_F over G's weight layers, added to G's loss:
//                                         the filters (rows of W as a matrix) are pushed towards orthogonality
//                                         without constraining their norms.
import { Conv2d, ConvTranspose2d, Linear, Module } from '../nn';
import { arange, grad, Tensor, tidy } from '../torch';

/**
 * E‖∇ₓ Σ score‖² over the batch: the squared norm of each image's whole gradient, averaged. `score` must have
 * been computed from `x` (which requires grad); the gradient keeps its graph, so the penalty trains D.
 */
export function r1Penalty(score: Tensor, x: Tensor): Tensor {
  return tidy(() => {
    const [g] = grad([score.sum()], [x], { createGraph: true });
    return g!.reshape([x.shape[0], -1]).square().sum([1]).mean();
  });
}

/** Whether the lazy R1 penalty applies at D step `step` (0-based): every `every` steps, the first included. */
export function r1Due(step: number, every: number): boolean {
  return step % every === 0;
}

/** The weight of the penalty on a step it applies: γ/2 for the gradient's squared norm, times the interval. */
export function r1Weight(gamma: number, every: number): number {
  return (gamma / 2) * every;
}

/** β · Σ ‖W Wᵀ ⊙ (1 − I)‖²_F over `network`'s weight layers. */
export function networkOrthogonalPenalty(network: Module, beta: number): Tensor {
  return tidy(() => orthogonalPenalty(orthogonalWeights(network)).mul(beta));
}

/**
 * The matrices the orthogonal penalty covers: the weights of every Linear and conv (embeddings and norms
 * excluded), as views made in the caller's scope.
 */
export function orthogonalWeights(network: Module): Tensor[] {
  return network.modules().flatMap((m) => {
    if (m instanceof Linear || m instanceof Conv2d) return [rowsOf(m.weight, 0)];
    if (m instanceof ConvTranspose2d) return [rowsOf(m.weight, 1)];
    return [];
  });
}

/** A weight as the matrix whose rows are its filters: [shape[dim], rest] (dim 1 for transposed convs). */
function rowsOf(weight: Tensor, dim: 0 | 1): Tensor {
  return dim === 0 ? weight.reshape([weight.shape[0], -1]) : weight.transpose(0, 1).reshape([weight.shape[1], -1]);
}

/** Σ ‖W Wᵀ ⊙ (1 − I)‖²_F over the matrices: the squared off-diagonal inner products of each one's rows. */
export function orthogonalPenalty(matrices: readonly Tensor[]): Tensor {
  return tidy(() => {
    let total: Tensor | null = null;
    for (const w of matrices) {
      const gram = w.matmul(w.transpose(0, 1));
      const n = gram.shape[0];
      const index = arange(n, undefined, 1, { dtype: 'int64', device: gram.device });
      const identity = index.reshape([n, 1]).eq(index.reshape([1, n])).to({ dtype: gram.dtype });
      const offDiagonal = gram.mul(identity.neg().add(1));
      const term = offDiagonal.square().sum();
      total = total ? total.add(term) : term;
    }
    if (!total) throw new Error('orthogonal regularisation: the network has no weight layers');
    return total;
  });
}
