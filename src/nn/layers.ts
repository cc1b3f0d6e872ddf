// The basic layers. Each holds its parameters and defines forward(x); initialisation follows PyTorch.
import { F, randn, Tensor, tidy, zeros } from '../torch';
import { biasUniform_, kaimingUniform_ } from './init';
import { Layer, Module } from './module';
import { spectralNormalize } from './spectral-norm';

/** Options shared by layers with a weight matrix: `spectralNorm` divides it by its largest singular value. */
export interface WeightOptions {
  bias?: boolean;
  spectralNorm?: boolean;
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

/** y = x·Wᵀ + b, with W of shape [out, in]. */
export class Linear extends Module implements Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly weightU: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: WeightOptions = {}) {
    super();
    this.weight = this.addParameter('weight', zeros([outFeatures, inFeatures]));
    kaimingUniform_(this.weight, Math.sqrt(5));
    this.bias = options.bias === false ? null : this.addParameter('bias', zeros([outFeatures]));
    if (this.bias) biasUniform_(this.bias, inFeatures);
    this.weightU = options.spectralNorm ? this.addBuffer('weight_u', spectralVector(outFeatures)) : null;
  }

  forward(x: Tensor): Tensor {
    if (!this.weightU) return F.linear(x, this.weight, this.bias ?? undefined);
    return tidy(() => F.linear(x, effectiveWeight(this, this.weight, this.weightU), this.bias ?? undefined));
  }
}

export class LeakyReLU extends Module implements Layer {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.leakyRelu(this.negativeSlope);
  }
}

export class ReLU extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class Tanh extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

export class Sigmoid extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

export class Dropout extends Module implements Layer {
  constructor(readonly p = 0.5) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training);
  }
}

/** Flattens dims startDim…endDim (by default everything but the batch). */
export class Flatten extends Module implements Layer {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}

/** Reshapes each sample to `shape` (the batch dimension is kept). */
export class Unflatten extends Module implements Layer {
  constructor(readonly shape: number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.reshape([x.shape[0], ...this.shape]);
  }
}

/** Layers applied in order; children are named 0, 1, 2, … as in PyTorch. */
export class Sequential extends Module implements Layer {
  readonly layers: (Module & Layer)[];

  constructor(...layers: (Module & Layer)[]) {
    super();
    this.layers = layers;
    layers.forEach((layer, i) => this.addModule(String(i), layer));
  }

  forward(x: Tensor): Tensor {
    let out = x;
    for (const layer of this.layers) {
      const next = layer.forward(out);
      // Intermediate activations stay referenced by the autograd graph; our handles on them can go now.
      if (out !== x && next !== out) out.dispose();
      out = next;
    }
    return out;
  }
}
