// The basic layers. Each holds its parameters and defines forward(x); initialisation follows PyTorch.
import { F, Tensor, tidy, zeros } from '../torch';
import { biasUniform_, kaimingUniform_ } from './init';
import { Layer, Module } from './module';
import { effectiveWeight, SpectralNormLayer, spectralVector } from './spectral-norm';

/** Options shared by layers with a weight matrix: `spectralNorm` divides it by its largest singular value. */
export interface WeightOptions {
  bias?: boolean;
  spectralNorm?: boolean;
}

/** y = x·Wᵀ + b, with W of shape [out, in]. */
export class Linear extends Module implements Layer, SpectralNormLayer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  weightU: Tensor | null = null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: WeightOptions = {}) {
    super();
    this.weight = this.addParameter('weight', zeros([outFeatures, inFeatures]));
    kaimingUniform_(this.weight, Math.sqrt(5));
    this.bias = options.bias === false ? null : this.addParameter('bias', zeros([outFeatures]));
    if (this.bias) biasUniform_(this.bias, inFeatures);
    if (options.spectralNorm) this.enableSpectralNorm();
  }

  enableSpectralNorm(): void {
    this.weightU ??= this.addBuffer('weight_u', spectralVector(this.outFeatures));
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

/** A lookup table of learned vectors, initialised N(0, 1) as in PyTorch. */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(readonly numEmbeddings: number, readonly dim: number) {
    super();
    this.weight = this.addParameter('weight', zeros([numEmbeddings, dim]));
    this.weight.normal_(0, 1);
  }

  forward(indices: Tensor): Tensor {
    return F.embedding(this.weight, indices);
  }
}
