// TransGAN (Jiang, Chang & Wang 2021) at small scale: a GAN without convolutions but for the 1×1 output layer
// and D's patch embedding. G maps z by one linear layer to a start × start grid of tokens, runs transformer
// blocks on it, and twice trades dims for resolution with pixel shuffle (C → C/4, side × 2), with learned
// positions and blocks at each stage; the last, largest grid attends within windows (grid self-attention), and
// a 1×1 conv turns its tokens into pixels (tanh). D is a ViT: 4×4 patches embedded by a strided conv, a class
// token, learned positions, blocks, layer norm and a linear head on the class token.
// The paper's training settings are the family's defaults: DiffAugment (color, translation, cutout), which it
// found a transformer D needs on small data, and Adam with β = (0, 0.99). See transgan-parts.ts for the layout.
import { Conv2d, GraphOps, ImageToTokens, LayerNorm, Linear, Module, PixelShuffle, PositionalEmbedding, Sequential, Tanh, tensorOps, TokensToImage, TransformerBlock } from '../../nn';
import type { Layer } from '../../nn';
import { cat, Tensor, tidy, zeros } from '../../torch';
import { adversarialFamily } from '../adversarial';
import type { Discriminator, Generator, ImageShape, ModelSpec } from '../types';
import { MLP_RATIO, PATCH, transganDiscriminatorSize, transganGeneratorSize, transganLayout, unsupportedTransgan } from './transgan-parts';

/** G's last-stage token dim; its stages have 16×, 4× and 1× this (8: 128 → 32 → 8 for digits). */
const DEFAULT_WIDTH = 8;

/** Linear and conv weights N(0, 0.02²) and biases 0, as ViT and TransGAN initialise (truncated there). */
function initTransformer(module: Module): void {
  for (const m of module.modules()) {
    if (m instanceof Linear || m instanceof Conv2d) {
      m.weight.normal_(0, 0.02);
      m.bias?.fill_(0);
    }
  }
}

export class TransganGenerator extends Module implements Generator {
  /** z → the first grid's tokens, flattened. */
  readonly input: Linear;
  /** Tokens [N, start², dim] → images [N, C, H, W]. */
  readonly body: Sequential;
  readonly #start: number;
  readonly #dim: number;

  constructor(readonly latentDim: number, readonly imageShape: ImageShape, width: number) {
    super();
    const { start, stages } = transganLayout(imageShape, width);
    this.#start = start;
    this.#dim = stages[0].dim;
    this.input = this.addModule('input', new Linear(latentDim, start * start * stages[0].dim));
    const layers: (Module & Layer)[] = [];
    stages.forEach((stage, i) => {
      if (i > 0) layers.push(new TokensToImage(stages[i - 1].side), new PixelShuffle(2), new ImageToTokens());
      layers.push(new PositionalEmbedding(stage.side * stage.side, stage.dim));
      const grid = stage.window ? { side: stage.side, window: stage.window } : undefined;
      for (let b = 0; b < stage.depth; b++) layers.push(new TransformerBlock(stage.dim, stage.heads, { mlpRatio: MLP_RATIO, grid }));
    });
    const last = stages[stages.length - 1];
    layers.push(new TokensToImage(last.side), new Conv2d(last.dim, imageShape[0], 1), new Tanh());
    this.body = this.addModule('body', new Sequential(...layers));
    initTransformer(this);
  }

  forward(z: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, z));
  }

  describe<V>(ops: GraphOps<V>, z: V): V {
    return ops.layer(this.body, ops.reshape(ops.layer(this.input, z), [this.#start * this.#start, this.#dim]));
  }
}

export class TransganDiscriminator extends Module implements Discriminator {
  readonly patches: Sequential;
  readonly classToken: Tensor;
  readonly positions: PositionalEmbedding;
  readonly blocks: Sequential;
  readonly norm: LayerNorm;
  readonly head: Linear;

  constructor(imageShape: ImageShape, width: number) {
    super();
    const { tokens, dim, heads, depth } = transganLayout(imageShape, width).discriminator;
    this.patches = this.addModule('patches', new Sequential(new Conv2d(imageShape[0], dim, PATCH, { stride: PATCH }), new ImageToTokens()));
    this.classToken = this.addParameter('class_token', zeros([1, 1, dim]));
    this.classToken.normal_(0, 0.02);
    this.positions = this.addModule('positions', new PositionalEmbedding(tokens + 1, dim));
    this.blocks = this.addModule('blocks', new Sequential(...Array.from({ length: depth }, () => new TransformerBlock(dim, heads, { mlpRatio: MLP_RATIO }))));
    this.norm = this.addModule('norm', new LayerNorm(dim));
    this.head = this.addModule('head', new Linear(dim, 1));
    initTransformer(this);
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const tokens = this.patches.forward(x);
      const [n, , dim] = tokens.shape;
      const h = this.blocks.forward(this.positions.forward(cat([this.classToken.expand([n, 1, dim]), tokens], 1)));
      return this.head.forward(this.norm.forward(h).select(1, 0));
    });
  }
}

export const transganFamily = adversarialFamily({
  name: 'transgan',
  summary: 'TransGAN: transformer G (token grid from z, pixel-shuffle stages, grid attention at the largest) and ViT D over 4×4 patches; DiffAugment on by default',
  conditioning: 'none',
  // The paper's Adam β = (0, 0.99) and DiffAugment; hinge loss (cheaper on a CPU than the paper's WGAN-GP,
  // which needs a second backward through every attention). lr: README "TransGAN" says how it was chosen.
  defaults: { lrG: 2e-4, lrD: 2e-4, beta1: 0, beta2: 0.99, loss: 'hinge', diffAugment: 'color,translation,cutout' },
  unsupported: unsupportedTransgan,
  generator: (spec: ModelSpec) => new TransganGenerator(spec.latentDim, spec.imageShape, spec.width ?? DEFAULT_WIDTH),
  discriminator: (spec: ModelSpec) => new TransganDiscriminator(spec.imageShape, spec.width ?? DEFAULT_WIDTH),
  stateSize: ({ latentDim, imageShape, width }: ModelSpec) => ({
    generator: transganGeneratorSize(latentDim, imageShape, width ?? DEFAULT_WIDTH),
    discriminator: transganDiscriminatorSize(imageShape, width ?? DEFAULT_WIDTH),
  }),
});
