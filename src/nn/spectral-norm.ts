// Spectral normalisation (Miyato et al. 2018): divide a weight by an estimate of its largest singular value,
// kept by power iteration on a persistent vector u. As in PyTorch, u and v are constants for autograd, so
// the gradient flows through σ = uᵀ W v only.
import { noGrad, randn, Tensor, tidy } from '../torch';
import type { Module } from './module';

function normalize(x: Tensor): Tensor {
  return tidy(() => x.div(x.square().sum().sqrt().add(1e-12)));
}

/**
 * W / σ(W), with W viewed as a matrix [shape[0], rest]. When `update` is set, `u` (a [shape[0]] buffer) moves
 * `iterations` power steps towards the top left singular vector first.
 */
export function spectralNormalize(weight: Tensor, u: Tensor, iterations: number, update: boolean): Tensor {
  return tidy(() => {
    const matrix = weight.reshape([weight.shape[0], -1]);
    const { uNow, v } = noGrad(() => {
      const m = matrix.detach();
      let uk = u.clone();
      let vk = normalize(m.transpose(0, 1).matmul(uk));
      for (let k = 0; k < iterations; k++) {
        vk = normalize(m.transpose(0, 1).matmul(uk));
        uk = normalize(m.matmul(vk));
      }
      if (update) u.copy_(uk);
      return { uNow: uk, v: vk };
    });
    const sigma = uNow.unsqueeze(0).matmul(matrix).matmul(v.unsqueeze(1)).squeeze();
    return weight.div(sigma);
  });
}

/** The weight a layer computes with: its own, or spectrally normalised through the `weight_u` buffer. */
export function effectiveWeight(module: Module & { training: boolean }, weight: Tensor, u: Tensor | null): Tensor {
  return u ? spectralNormalize(weight, u, 1, module.training) : weight;
}

/** A fresh power-iteration vector for spectral norm: random, unit length. */
export function spectralVector(rows: number): Tensor {
  return tidy(() => {
    const u = randn([rows]);
    return u.div(u.square().sum().sqrt());
  });
}
