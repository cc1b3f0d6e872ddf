// StyleGAN2's networks (Karras et al. 2020) at small scale. G: a mapping network z → w (pixel norm, a few
// equalised FC layers at the paper's 0.01 learning-rate multiplier), a learned constant at the first resolution,
// per resolution ×2 bilinear upsampling and two modulated 3×3 convs with noise, and skip-style toRGB outputs
// summed across resolutions (the paper's "skip" generator). D: the paper's residual D (fromRGB, residual blocks
// halving the side, minibatch stddev, a conv and two FC layers), every layer with equalised learning rate.
import { EqualConv2d, EqualLinear, MinibatchStddev, ModulatedConv2d, Module, NoiseInjection, styleActivation, trackAverage_ } from '../../nn';
import { cat, F, rand, randint, randn, Tensor, tidy, zeros } from '../../torch';
import type { Discriminator, Generator, ImageShape } from '../types';
import { stagesFor } from './dcgan-parts';
import { conv, linear } from './sizes';

/** FC layers of the mapping network (the paper's 8, halved: at w of 100 or so, 4 already map z well). */
export const MAPPING_LAYERS = 4;
/** The paper's learning-rate multiplier for the mapping network (§C of StyleGAN: 100× slower than the rest). */
export const MAPPING_LR_MULTIPLIER = 0.01;
/** Decay of the running average of w that truncation pulls towards (the paper's w_avg_beta). */
export const W_AVERAGE_DECAY = 0.995;
/** Share of training batches drawn with two latents crossed at a random layer (style mixing regularisation). */
export const STYLE_MIXING_PROBABILITY = 0.9;
/** Channels grow as the side halves, up to this many times the width (the paper caps at 512). */
const MAX_CHANNEL_FACTOR = 4;

/** Channels at stage i (0: the first resolution, `count`: the image's): width·2^(count − i), capped. */
export function channelsAt(stage: number, count: number, width: number): number {
  return width * Math.min(2 ** (count - stage), MAX_CHANNEL_FACTOR);
}

/** w vectors the synthesis network takes: one per modulated conv, plus the last toRGB's (the paper's num_ws). */
export const stylesFor = (count: number) => 2 * count + 2;

/** The first style (of `styles`) that the style-mixing picture's fine sources give: the coarse ones are the
 *  convolutions at the two lowest resolutions (the paper's coarse styles are its 4² and 8² layers). */
export const COARSE_STYLES = 3;

/** A modulated 3×3 conv, noise, bias and activation: one layer of the synthesis network. */
export class StyleLayer extends Module {
  readonly conv: ModulatedConv2d;
  readonly noise: NoiseInjection;

  constructor(inChannels: number, outChannels: number, wDim: number) {
    super();
    this.conv = this.addModule('conv', new ModulatedConv2d(inChannels, outChannels, 3, wDim, true));
    this.noise = this.addModule('noise', new NoiseInjection(outChannels));
  }

  forward(x: Tensor, w: Tensor, noise?: Tensor): Tensor {
    return tidy(() => styleActivation(this.noise.forward(this.conv.convolve(x, w), noise).add(this.conv.biasMap())));
  }
}

/** A modulated 1×1 conv to the image's channels, without demodulation (the paper's toRGB). */
export class ToRgb extends Module {
  readonly conv: ModulatedConv2d;

  constructor(inChannels: number, imageChannels: number, wDim: number) {
    super();
    this.conv = this.addModule('conv', new ModulatedConv2d(inChannels, imageChannels, 1, wDim, false));
  }

  forward(x: Tensor, w: Tensor): Tensor {
    return tidy(() => this.conv.convolve(x, w).add(this.conv.biasMap()));
  }
}

/** z → w: z normalised to unit mean square per sample (pixel norm), then equalised FC layers. */
export class MappingNetwork extends Module {
  readonly layers: EqualLinear[] = [];

  constructor(latentDim: number, readonly wDim: number) {
    super();
    for (let i = 0; i < MAPPING_LAYERS; i++) {
      this.layers.push(this.addModule(String(i), new EqualLinear(i === 0 ? latentDim : wDim, wDim, { lrMultiplier: MAPPING_LR_MULTIPLIER })));
    }
  }

  forward(z: Tensor): Tensor {
    return tidy(() => {
      let x = z.mul(z.square().mean([1], true).add(1e-8).pow(-0.5));
      for (const layer of this.layers) x = styleActivation(layer.forward(x));
      return x;
    });
  }
}

/** One resolution of the synthesis network: [upsampling and] two style layers, or one at the first, and toRGB. */
class SynthesisBlock extends Module {
  readonly layers: StyleLayer[] = [];
  readonly toRgb: ToRgb;

  constructor(readonly upsample: boolean, inChannels: number, outChannels: number, imageChannels: number, wDim: number) {
    super();
    const count = upsample ? 2 : 1;
    for (let i = 0; i < count; i++) this.layers.push(this.addModule(`conv${i}`, new StyleLayer(i === 0 ? inChannels : outChannels, outChannels, wDim)));
    this.toRgb = this.addModule('torgb', new ToRgb(outChannels, imageChannels, wDim));
  }
}

/** ×2 bilinear: the paper's [1, 3, 3, 1] FIR upsampling is this same filter, apart from how edges are padded. */
const up2 = (x: Tensor) => F.upsampleBilinear(x, [x.shape[2] * 2, x.shape[3] * 2], false);

/** Options of one synthesis pass: the per-layer noise maps (absent: drawn from the global generator). */
export interface SynthesisOptions {
  noise?: Tensor[];
}

export class StyleGenerator extends Module implements Generator {
  readonly mapping: MappingNetwork;
  readonly constant: Tensor;
  readonly blocks: SynthesisBlock[] = [];
  /** The running average of w (updated by training forwards), the centre of truncation. */
  readonly wAverage: Tensor;
  readonly wDim: number;
  readonly numStyles: number;
  readonly start: number;

  constructor(readonly latentDim: number, readonly imageShape: ImageShape, width: number) {
    super();
    const { start, count } = stagesFor(imageShape)!;
    this.start = start;
    // w as wide as z, as in the paper (512 both).
    this.wDim = latentDim;
    this.numStyles = stylesFor(count);
    this.mapping = this.addModule('mapping', new MappingNetwork(latentDim, this.wDim));
    const first = channelsAt(0, count, width);
    this.constant = this.addParameter('constant', randn([first, start, start]));
    for (let stage = 0; stage <= count; stage++) {
      const inChannels = channelsAt(Math.max(0, stage - 1), count, width);
      this.blocks.push(this.addModule(`b${stage}`, new SynthesisBlock(stage > 0, inChannels, channelsAt(stage, count, width), imageShape[0], this.wDim)));
    }
    this.wAverage = this.addBuffer('w_avg', zeros([this.wDim]));
  }

  /** Noise maps per style layer, in the order synthesize uses them: [N, 1, side, side] each. */
  noiseShapes(n: number): number[][] {
    return this.blocks.flatMap((block, stage) => block.layers.map(() => [n, 1, this.start * 2 ** stage, this.start * 2 ** stage]));
  }

  /**
   * z → images. While training, the running average of w moves towards this batch's mean, and with
   * probability 0.9 the batch is drawn from two latents, the second taking over from a random layer on
   * (style mixing regularisation, §3.1 of StyleGAN: so neighbouring styles are not assumed correlated).
   */
  forward(z: Tensor): Tensor {
    return tidy(() => {
      const w = this.mapping.forward(z);
      if (!this.training) return this.synthesize(this.broadcast(w));
      trackAverage_(this.wAverage, w.mean([0]), W_AVERAGE_DECAY);
      // Drawn from the global generator, so a seeded run mixes the same way every time.
      if (rand([1]).item() >= STYLE_MIXING_PROBABILITY) return this.synthesize(this.broadcast(w));
      const cutoff = randint(1, this.numStyles, [1]).item();
      const other = this.mapping.forward(randn(z.shape, { dtype: z.dtype, device: z.device }));
      return this.synthesize(this.mix(w, other, cutoff));
    });
  }

  /** The truncation trick in w (StyleGAN §5): w_avg + ψ·(w − w_avg), towards the average image. */
  forwardTruncated(z: Tensor, psi: number): Tensor {
    return tidy(() => this.synthesize(this.broadcast(this.truncate(this.mapping.forward(z), psi))));
  }

  truncate(w: Tensor, psi: number): Tensor {
    return tidy(() => this.wAverage.add(w.sub(this.wAverage).mul(psi)));
  }

  /** w [N, wDim] for every layer: [N, numStyles, wDim]. */
  broadcast(w: Tensor): Tensor {
    return tidy(() => w.unsqueeze(1).expand([w.shape[0], this.numStyles, this.wDim]));
  }

  /** Styles 0…cutoff−1 from `first`, the rest from `second` (each [N, wDim]). */
  mix(first: Tensor, second: Tensor, cutoff: number): Tensor {
    return tidy(() => {
      const n = first.shape[0];
      return cat([first.unsqueeze(1).expand([n, cutoff, this.wDim]), second.unsqueeze(1).expand([n, this.numStyles - cutoff, this.wDim])], 1);
    });
  }

  /**
   * Styles [N, numStyles, wDim] → images [N, C, H, W]. Block b's convs take styles 2b−1 and 2b (the first
   * block's one conv style 0) and its toRGB the next block's first style, as the paper's code shares them.
   * The images are not squashed while training (StyleGAN2 has no tanh); outside training they are clamped to
   * [−1, 1], where every sampler expects them.
   */
  synthesize(ws: Tensor, options: SynthesisOptions = {}): Tensor {
    return tidy(() => {
      const n = ws.shape[0];
      const style = (k: number) => ws.select(1, k);
      let x: Tensor = this.constant.unsqueeze(0).expand([n, ...this.constant.shape]);
      let rgb: Tensor | null = null;
      let layer = 0;
      this.blocks.forEach((block, b) => {
        if (block.upsample) x = up2(x);
        block.layers.forEach((styled, i) => {
          x = styled.forward(x, style(b === 0 ? 0 : 2 * b - 1 + i), options.noise?.[layer]);
          layer++;
        });
        const y = block.toRgb.forward(x, style(2 * b + 1));
        rgb = rgb ? up2(rgb).add(y) : y;
      });
      return this.training ? rgb! : rgb!.clamp(-1, 1);
    });
  }
}

/** Two equalised 3×3 convs, the second after halving the side, plus a 1×1 skip of the halved input, over √2. */
class ResidualDownBlock extends Module {
  readonly conv0: EqualConv2d;
  readonly conv1: EqualConv2d;
  readonly skip: EqualConv2d;

  constructor(inChannels: number, outChannels: number) {
    super();
    this.conv0 = this.addModule('conv0', new EqualConv2d(inChannels, inChannels, 3));
    this.conv1 = this.addModule('conv1', new EqualConv2d(inChannels, outChannels, 3));
    this.skip = this.addModule('skip', new EqualConv2d(inChannels, outChannels, 1, { bias: false }));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      // Pooling before conv1 (the paper blurs and strides inside it) runs conv1 at a quarter of the pixels.
      const main = styleActivation(this.conv1.forward(F.avgPool2d(styleActivation(this.conv0.forward(x)), 2, { stride: 2 })));
      return main.add(this.skip.forward(F.avgPool2d(x, 2, { stride: 2 }))).mul(Math.SQRT1_2);
    });
  }
}

export class StyleDiscriminator extends Module implements Discriminator {
  readonly fromRgb: EqualConv2d;
  readonly blocks: ResidualDownBlock[] = [];
  readonly stddev = new MinibatchStddev();
  readonly conv: EqualConv2d;
  readonly fc: EqualLinear;
  readonly out: EqualLinear;

  constructor(imageShape: ImageShape, width: number) {
    super();
    const { start, count } = stagesFor(imageShape)!;
    this.fromRgb = this.addModule('fromrgb', new EqualConv2d(imageShape[0], channelsAt(count, count, width), 1));
    for (let stage = count; stage > 0; stage--) {
      this.blocks.push(this.addModule(`b${stage}`, new ResidualDownBlock(channelsAt(stage, count, width), channelsAt(stage - 1, count, width))));
    }
    const last = channelsAt(0, count, width);
    this.conv = this.addModule('conv', new EqualConv2d(last + 1, last, 3));
    this.fc = this.addModule('fc', new EqualLinear(last * start * start, last));
    this.out = this.addModule('out', new EqualLinear(last, 1));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let h = styleActivation(this.fromRgb.forward(x));
      for (const block of this.blocks) h = block.forward(h);
      h = styleActivation(this.conv.forward(this.stddev.forward(h)));
      return this.out.forward(styleActivation(this.fc.forward(h.flatten(1))));
    });
  }
}

/** Elements of StyleGenerator(latentDim, shape, width)'s state dict. */
export function styleGeneratorSize(latentDim: number, shape: ImageShape, width: number): number {
  const { start, count } = stagesFor(shape)!;
  const wDim = latentDim;
  const styleLayer = (inC: number, outC: number) => linear(wDim, inC) + outC * inC * 9 + outC + outC;
  const toRgb = (inC: number) => linear(wDim, inC) + shape[0] * inC + shape[0];
  let size = linear(latentDim, wDim) + (MAPPING_LAYERS - 1) * linear(wDim, wDim) + wDim + channelsAt(0, count, width) * start * start;
  for (let stage = 0; stage <= count; stage++) {
    const outC = channelsAt(stage, count, width);
    size += stage === 0 ? styleLayer(outC, outC) : styleLayer(channelsAt(stage - 1, count, width), outC) + styleLayer(outC, outC);
    size += toRgb(outC);
  }
  return size;
}

/** Elements of StyleDiscriminator(shape, width)'s state dict. */
export function styleDiscriminatorSize(shape: ImageShape, width: number): number {
  const { start, count } = stagesFor(shape)!;
  let size = conv(shape[0], channelsAt(count, count, width), 1);
  for (let stage = count; stage > 0; stage--) {
    const inC = channelsAt(stage, count, width);
    const outC = channelsAt(stage - 1, count, width);
    size += conv(inC, inC, 3) + conv(inC, outC, 3) + conv(inC, outC, 1, false);
  }
  const last = channelsAt(0, count, width);
  return size + conv(last + 1, last, 3) + linear(last * start * start, last) + linear(last, 1);
}
