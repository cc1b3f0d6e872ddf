// The layers of a vision transformer (ViT, Dosovitskiy et al. 2021) and of TransGAN's generator (Jiang et al.
// 2021), composed from libtorch ops: layer norm, GELU, multi-head self-attention over a sequence of tokens
// [N, T, D], grid self-attention (attention inside non-overlapping windows of a token grid, so the cost at a
// large grid is windows × window² rather than tokens²), the pre-norm transformer block, learned positional
// embeddings, and the two views of a token grid (tokens [N, H·W, C] ⇄ maps [N, C, H, W]) with pixel shuffle
// between them, which trades channels for resolution (C → C/r², side ×r) as TransGAN's generator upsamples.
import { F, Tensor, tidy, zeros } from '../torch';
import { Layer, Module } from './module';
import { Linear, Sequential } from './layers';

/** Layer norm over the last dim (PyTorch's nn.LayerNorm(dim)): weight 1, bias 0 to start, eps 1e-5. */
export class LayerNorm extends Module implements Layer {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(readonly dim: number, readonly eps = 1e-5) {
    super();
    this.weight = this.addParameter('weight', zeros([dim]).fill_(1));
    this.bias = this.addParameter('bias', zeros([dim]));
  }

  forward(x: Tensor): Tensor {
    return F.layerNorm(x, [this.dim], { weight: this.weight, bias: this.bias, eps: this.eps });
  }
}

/** √(2/π) and the cubic coefficient of GELU's tanh approximation (Hendrycks & Gimpel 2016, eq. in §2). */
export const GELU_TANH_SCALE = Math.sqrt(2 / Math.PI);
export const GELU_CUBIC = 0.044715;

/**
 * GELU in its tanh approximation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as GPT-2 and PyTorch's
 * gelu(approximate='tanh'): the addon has tanh but no erf, and the two forms differ by < 1e-3 everywhere.
 */
export function gelu(x: Tensor): Tensor {
  return tidy(() => x.mul(x).mul(x).mul(GELU_CUBIC).add(x).mul(GELU_TANH_SCALE).tanh().add(1).mul(x).mul(0.5));
}

export class GELU extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return gelu(x);
  }
}

/**
 * softmax(q·kᵀ/√d)·v over the last two dims: q [..., Tq, d], k and v [..., Tk, d] (v may be wider). Separate
 * from the layer so it can be checked on its own.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor): Tensor {
  return tidy(() => {
    const rank = q.shape.length;
    const d = q.shape[rank - 1];
    return q.matmul(k.transpose(rank - 2, rank - 1)).mul(1 / Math.sqrt(d)).softmax(rank - 1).matmul(v);
  });
}

/**
 * Multi-head self-attention over tokens [N, T, D] (Vaswani et al. 2017): q, k, v projections (D → D, with bias)
 * split into `heads` heads of D/heads dims, scaled dot-product attention per head, heads concatenated back and
 * an output projection.
 */
export class MultiHeadAttention extends Module implements Layer {
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly proj: Linear;
  readonly headDim: number;

  constructor(readonly dim: number, readonly heads: number) {
    super();
    if (!Number.isInteger(dim / heads)) throw new Error(`MultiHeadAttention: ${dim} dims do not split into ${heads} heads`);
    this.headDim = dim / heads;
    this.q = this.addModule('q', new Linear(dim, dim));
    this.k = this.addModule('k', new Linear(dim, dim));
    this.v = this.addModule('v', new Linear(dim, dim));
    this.proj = this.addModule('proj', new Linear(dim, dim));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const [n, t] = x.shape;
      // [N, T, D] → [N, heads, T, D/heads]
      const split = (y: Tensor) => y.reshape([n, t, this.heads, this.headDim]).permute([0, 2, 1, 3]);
      const out = scaledDotProductAttention(split(this.q.forward(x)), split(this.k.forward(x)), split(this.v.forward(x)));
      return this.proj.forward(out.permute([0, 2, 1, 3]).reshape([n, t, this.dim]));
    });
  }
}

/**
 * Grid self-attention (TransGAN §3.3): the tokens [N, side², D] of a side × side grid are cut into
 * non-overlapping window × window squares and each square attends within itself, as a batch of N·(side/window)²
 * short sequences. Global mixing is left to the earlier, smaller stages.
 */
export class GridAttention extends Module implements Layer {
  readonly attention: MultiHeadAttention;
  /** Windows along each side. */
  readonly cells: number;

  constructor(readonly dim: number, readonly heads: number, readonly side: number, readonly window: number) {
    super();
    if (!Number.isInteger(side / window)) throw new Error(`GridAttention: windows of ${window} do not tile a grid of side ${side}`);
    this.cells = side / window;
    this.attention = this.addModule('attention', new MultiHeadAttention(dim, heads));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const n = x.shape[0];
      const { cells: g, window: w, dim: d } = this;
      // Token (row, col) = (gy·w + y, gx·w + x) → window (gy, gx), position (y, x) inside it.
      const windows = x.reshape([n, g, w, g, w, d]).permute([0, 1, 3, 2, 4, 5]).reshape([n * g * g, w * w, d]);
      const out = this.attention.forward(windows);
      return out.reshape([n, g, g, w, w, d]).permute([0, 1, 3, 2, 4, 5]).reshape([n, this.side * this.side, d]);
    });
  }
}

export interface TransformerBlockOptions {
  /** Hidden width of the MLP as a multiple of dim (4, as ViT and TransGAN). */
  mlpRatio?: number;
  /** Attend within windows of this grid instead of over all tokens. */
  grid?: { side: number; window: number };
}

/** Pre-norm transformer block: h = x + attn(LN(x)); y = h + MLP(LN(h)), MLP = Linear → GELU → Linear. */
export class TransformerBlock extends Module implements Layer {
  readonly norm1: LayerNorm;
  readonly attention: MultiHeadAttention | GridAttention;
  readonly norm2: LayerNorm;
  readonly mlp: Sequential;

  constructor(readonly dim: number, readonly heads: number, options: TransformerBlockOptions = {}) {
    super();
    const hidden = dim * (options.mlpRatio ?? 4);
    this.norm1 = this.addModule('norm1', new LayerNorm(dim));
    this.attention = this.addModule('attention', options.grid
      ? new GridAttention(dim, heads, options.grid.side, options.grid.window)
      : new MultiHeadAttention(dim, heads));
    this.norm2 = this.addModule('norm2', new LayerNorm(dim));
    this.mlp = this.addModule('mlp', new Sequential(new Linear(dim, hidden), new GELU(), new Linear(hidden, dim)));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const h = x.add(this.attention.forward(this.norm1.forward(x)));
      return h.add(this.mlp.forward(this.norm2.forward(h)));
    });
  }
}

/** A learned vector per token position, added to tokens [N, T, D]; starts N(0, 0.02²) as ViT's. */
export class PositionalEmbedding extends Module implements Layer {
  readonly weight: Tensor;

  constructor(readonly tokens: number, readonly dim: number) {
    super();
    this.weight = this.addParameter('weight', zeros([1, tokens, dim]));
    this.weight.normal_(0, 0.02);
  }

  forward(x: Tensor): Tensor {
    return x.add(this.weight);
  }
}

/**
 * Depth to space (PyTorch's nn.PixelShuffle(r)): [N, C·r², H, W] → [N, C, H·r, W·r] with
 * out[n, c, h·r + i, w·r + j] = in[n, c·r² + i·r + j, h, w].
 */
export class PixelShuffle extends Module implements Layer {
  constructor(readonly factor: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const [n, c, h, w] = x.shape;
      const r = this.factor;
      if (c % (r * r) !== 0) throw new Error(`PixelShuffle(${r}): ${c} channels are not a multiple of ${r * r}`);
      return x.reshape([n, c / (r * r), r, r, h, w]).permute([0, 1, 4, 2, 5, 3]).reshape([n, c / (r * r), h * r, w * r]);
    });
  }
}

/** Tokens [N, side², C] (row by row) as maps [N, C, side, side]. */
export class TokensToImage extends Module implements Layer {
  constructor(readonly side: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return tidy(() => x.transpose(1, 2).reshape([x.shape[0], x.shape[2], this.side, this.side]));
  }
}

/** Maps [N, C, H, W] as tokens [N, H·W, C], row by row. */
export class ImageToTokens extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return tidy(() => x.reshape([x.shape[0], x.shape[1], -1]).transpose(1, 2));
  }
}
