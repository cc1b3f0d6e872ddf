// Spectral normalisation (Miyato et al. 2018): divide a weight by an estimate of its largest singular value,
// kept by power iteration on a persistent vector u. As in PyTorch, u and v are constants for autograd, so
// the gradient flows through σ = uᵀ W v only.
import { noGrad, randn, Tensor, tidy } from '../torch';
import type { Module } from './module';

/** A layer whose weight can be spectrally normalised after it is built (Linear, Conv2d, ConvTranspose2d). */
export interface SpectralNormLayer {
  readonly weightU: Tensor | null;
  /** Adds the `weight_u` buffer (drawing it from the global generator); a no-op when the layer has one. */
  enableSpectralNorm(): void;
}

function isSpectralNormLayer(m: Module): m is Module & SpectralNormLayer {
  return typeof (m as Partial<SpectralNormLayer>).enableSpectralNorm === 'function';
}

/** Layers spectralNorm_ leaves alone (withoutSpectralNorm). */
const exempt = new WeakSet<Module>();

/**
 * Marks `layer` so that spectralNorm_ leaves it as it is, and returns it: for a head whose outputs must grow past
 * what σ(W) = 1 allows on features of bounded size, as class logits must for a cross-entropy to fall (BigGAN's
 * auxiliary classifier, whose spectrally normalised first try stayed near ln 10).
 */
export function withoutSpectralNorm<T extends Module>(layer: T): T {
  exempt.add(layer);
  return layer;
}

/**
 * Spectral norm on every weight layer of `network` (PyTorch's `spectral_norm` applied to each Linear and conv,
 * as SNGAN does to all of D), in module order, so the same seed draws the same u vectors. Embeddings and
 * normalisation layers are left as they are, and so are layers marked withoutSpectralNorm. Returns the number of layers it normalised.
 */
export function spectralNorm_(network: Module): number {
  let count = 0;
  for (const m of network.modules()) {
    if (isSpectralNormLayer(m) && !m.weightU && !exempt.has(m)) {
      m.enableSpectralNorm();
      count++;
    }
  }
  return count;
}

function normalize(x: Tensor): Tensor {
  return tidy(() => x.div(x.square().sum().sqrt().add(1e-12)));
}

/**
 * W / σ(W), with W viewed as a matrix [shape[dim], rest] (dim 0: Linear and Conv2d; dim 1: ConvTranspose2d,
 * whose dim 1 holds the output channels, as PyTorch's spectral_norm chooses). When `update` is set, `u` (a
 * [shape[dim]] buffer) moves `iterations` power steps towards the top left singular vector first.
 */
export function spectralNormalize(weight: Tensor, u: Tensor, iterations: number, update: boolean, dim: 0 | 1 = 0): Tensor {
  return tidy(() => {
    const matrix = dim === 0 ? weight.reshape([weight.shape[0], -1]) : weight.transpose(0, 1).reshape([weight.shape[1], -1]);
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
export function effectiveWeight(module: Module & { training: boolean }, weight: Tensor, u: Tensor | null, dim: 0 | 1 = 0): Tensor {
  return u ? spectralNormalize(weight, u, 1, module.training, dim) : weight;
}

/** A fresh power-iteration vector for spectral norm: random, unit length. */
export function spectralVector(rows: number): Tensor {
  return tidy(() => {
    const u = randn([rows]);
    return u.div(u.square().sum().sqrt());
  });
}
