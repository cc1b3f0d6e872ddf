// Networks of the image-to-image families: pix2pix's U-Net G and PatchGAN D, CycleGAN's ResNet G (below) with
// the PatchGAN D, and DiscoGAN's encoder-decoder (the U-Net without skips). Designs from the papers (Isola et al. 2017,
// §3.2 and appendix 6.1.1): 4×4 convolutions of stride 2, LeakyReLU 0.2 going down and ReLU coming up, no norm on
// the first layer, N(0, 0.02) weights; written here from that description.
//
// Sizes: the U-Net halves its input down to 1×1, so it needs a side that is a power of two. Other sides (28×28
// digits) are reflection-padded up to the next power of two (28 → 32: 2 pixels each side) before the encoder and
// cropped back after the decoder, so every size from 8 to 512 works with one design and the skips line up exactly.
import { Conv2d, ConvTranspose2d, Dropout, LeakyReLU, Module, NormKind, normLayer, normTakesBias, ReflectionPad2d, ReLU, ResidualBlock, Sequential, Tanh } from '../../nn';
import { tensorOps } from '../../nn';
import type { GraphOps, Layer } from '../../nn';
import { cat, Tensor, tidy } from '../../torch';
import type { ImageShape } from '../types';
import { conv } from './sizes';

/** The smallest and largest image side the image-to-image networks are built for. */
export const TRANSLATION_SIDES = { min: 8, max: 512 } as const;

export function unsupportedTranslationShape([, h, w]: ImageShape): string | null {
  if (h !== w) return `needs square images, got ${h}×${w}`;
  if (h < TRANSLATION_SIDES.min || h > TRANSLATION_SIDES.max) return `needs images of side ${TRANSLATION_SIDES.min} to ${TRANSLATION_SIDES.max}, got ${h}×${w}`;
  return null;
}

/** Elements of a norm layer's state: batch norm has weight, bias and running mean and variance; the others none. */
const normSize = (kind: NormKind, channels: number) => (kind === 'batch' ? 4 * channels : 0);

export interface UNetOptions {
  /** Channels of the output (default: the input's). */
  outChannels?: number;
  norm: NormKind;
  /** Skip connections from each encoder stage to its decoder stage (U-Net); false gives a plain encoder-decoder. */
  skips?: boolean;
  /** Dropout rate in the decoder stages that have it (pix2pix's noise: 0.5). */
  dropout?: number;
}

/**
 * The layout of a U-Net for `shape`: the padded side, the encoder's channels per stage (width·2ⁱ, capped at
 * width·8 as in the paper), and how many decoder stages after the innermost take dropout. Dropout sits in the
 * decoder stages nearest the bottleneck, min(3, depth − 3) of them: pix2pix's three for its 256-pixel U-Net
 * (depth 8), two at 32 pixels (depth 5), three at 64; the stages near the image stay deterministic.
 */
export function unetPlan(shape: ImageShape, width: number): { side: number; channels: number[]; dropoutStages: number } {
  const side = 2 ** Math.ceil(Math.log2(shape[1]));
  const depth = Math.log2(side);
  const channels = Array.from({ length: depth }, (_, i) => width * Math.min(2 ** i, 8));
  return { side, channels, dropoutStages: Math.max(0, Math.min(3, depth - 3)) };
}

/** U-Net (or, without skips, encoder-decoder) generator: image [N, C, H, W] → image [N, outC, H, W] in [-1, 1]. */
export class UNetGenerator extends Module implements Layer {
  readonly pad: ReflectionPad2d | null;
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  readonly skips: boolean;
  readonly #crop: { top: number; left: number; size: number };

  constructor(readonly imageShape: ImageShape, width: number, options: UNetOptions) {
    super();
    const problem = unsupportedTranslationShape(imageShape);
    if (problem) throw new RangeError(`U-Net ${problem}`);
    const [c, h] = imageShape;
    const { side, channels, dropoutStages } = unetPlan(imageShape, width);
    const depth = channels.length;
    const before = Math.floor((side - h) / 2);
    this.#crop = { top: before, left: before, size: h };
    this.pad = side === h ? null : this.addModule('pad', new ReflectionPad2d([before, side - h - before, before, side - h - before]));
    this.skips = options.skips ?? true;
    const norm = options.norm;
    const bias = normTakesBias(norm);
    const down = (from: number, to: number) => new Conv2d(from, to, 4, { stride: 2, padding: 1, bias });
    const up = (from: number, to: number, withBias: boolean) => new ConvTranspose2d(from, to, 4, { stride: 2, padding: 1, bias: withBias });
    // Encoder stage i maps channels[i-1] → channels[i] and halves the side; the first has no norm and no
    // activation before it, the innermost (1×1) no norm (a norm over one pixel would erase it).
    const encoderStages: Sequential[] = channels.map((out, i) => {
      if (i === 0) return new Sequential(new Conv2d(c, out, 4, { stride: 2, padding: 1, bias: true }));
      const layers: (Module & Layer)[] = [new LeakyReLU(0.2), i === depth - 1 ? new Conv2d(channels[i - 1], out, 4, { stride: 2, padding: 1, bias: true }) : down(channels[i - 1], out)];
      if (i < depth - 1) layers.push(normLayer(norm, out));
      return new Sequential(...layers);
    });
    // Decoder stage i undoes encoder stage i: it reads stage i's output (the innermost) or the decoder's output
    // beside the skip from encoder stage i (twice the channels), and doubles the side.
    const decoderStages: Sequential[] = [];
    for (let i = depth - 1; i >= 0; i--) {
      const inputs = i === depth - 1 || !this.skips ? channels[i] : 2 * channels[i];
      if (i === 0) {
        decoderStages.push(new Sequential(new ReLU(), up(inputs, options.outChannels ?? c, true), new Tanh()));
        continue;
      }
      const layers: (Module & Layer)[] = [new ReLU(), up(inputs, channels[i - 1], bias), normLayer(norm, channels[i - 1])];
      const fromInnermost = depth - 1 - i;
      if (fromInnermost >= 1 && fromInnermost <= dropoutStages && (options.dropout ?? 0) > 0) layers.push(new Dropout(options.dropout));
      decoderStages.push(new Sequential(...layers));
    }
    this.encoder = this.addModule('encoder', new Sequential(...encoderStages));
    this.decoder = this.addModule('decoder', new Sequential(...decoderStages));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, x));
  }

  /** The forward over `ops`: run on tensors above, exported to ONNX by the per-layer table (src/export/onnx). */
  describe<V>(ops: GraphOps<V>, x: V): V {
    let h = this.pad ? ops.layer(this.pad, x) : x;
    const skips: V[] = [];
    for (const stage of this.encoder.layers) {
      h = ops.layer(stage, h);
      skips.push(h);
    }
    const stages = this.decoder.layers;
    for (let k = 0; k < stages.length; k++) {
      // The innermost stage reads the bottleneck alone; the others also their encoder stage's output.
      const input = k === 0 || !this.skips ? h : ops.concat([h, skips[skips.length - 1 - k]], 1);
      h = ops.layer(stages[k], input);
    }
    if (!this.pad) return h;
    const { top, left, size } = this.#crop;
    return ops.slice(h, [2, 3], [top, left], [size, size]);
  }
}

/** Elements in the state dict of `new UNetGenerator(shape, width, options)`, without building it. */
export function unetSize(shape: ImageShape, width: number, options: UNetOptions): number {
  const { channels } = unetPlan(shape, width);
  const depth = channels.length;
  const bias = normTakesBias(options.norm);
  const skips = options.skips ?? true;
  let size = conv(shape[0], channels[0], 4, true);
  for (let i = 1; i < depth; i++) {
    const innermost = i === depth - 1;
    size += conv(channels[i - 1], channels[i], 4, innermost || bias) + (innermost ? 0 : normSize(options.norm, channels[i]));
  }
  for (let i = depth - 1; i >= 0; i--) {
    const inputs = i === depth - 1 || !skips ? channels[i] : 2 * channels[i];
    // A transposed conv's weight is [in, out, k, k]: the same count as a conv's.
    size += i === 0 ? conv(inputs, options.outChannels ?? shape[0], 4, true) : conv(inputs, channels[i - 1], 4, bias) + normSize(options.norm, channels[i - 1]);
  }
  return size;
}

/**
 * Strided layers of a PatchGAN for images of `side`: the paper's three for 70×70 patches of 256-pixel images,
 * fewer for small images so the output keeps a few patches per side (28 → 14 → 7 → 6 → 5: 5×5 patches).
 */
export function patchLayers(side: number): number {
  return Math.max(1, Math.min(3, Math.floor(Math.log2(side / 4))));
}

/**
 * PatchGAN discriminator: [N, inChannels, H, W] → a map of logits [N, 1, h, w], one per overlapping patch
 * (conv 4×4 stride 2 `layers` times, doubling channels up to width·8, then two convs of stride 1).
 * A conditional D (pix2pix) is given the input and the real or translated image concatenated on channels.
 */
export class PatchDiscriminator extends Module implements Layer {
  readonly main: Sequential;

  constructor(readonly inChannels: number, side: number, width: number, norm: NormKind) {
    super();
    const n = patchLayers(side);
    const bias = normTakesBias(norm);
    const widthAt = (k: number) => width * Math.min(2 ** k, 8);
    const layers: (Module & Layer)[] = [new Conv2d(inChannels, width, 4, { stride: 2, padding: 1 }), new LeakyReLU(0.2)];
    for (let k = 1; k < n; k++) {
      layers.push(new Conv2d(widthAt(k - 1), widthAt(k), 4, { stride: 2, padding: 1, bias }), normLayer(norm, widthAt(k)), new LeakyReLU(0.2));
    }
    layers.push(new Conv2d(widthAt(n - 1), widthAt(n), 4, { stride: 1, padding: 1, bias }), normLayer(norm, widthAt(n)), new LeakyReLU(0.2));
    layers.push(new Conv2d(widthAt(n), 1, 4, { stride: 1, padding: 1 }));
    this.main = this.addModule('main', new Sequential(...layers));
  }

  forward(x: Tensor): Tensor {
    return this.main.forward(x);
  }
}

/** Elements in the state dict of `new PatchDiscriminator(inChannels, side, width, norm)`. */
export function patchDiscriminatorSize(inChannels: number, side: number, width: number, norm: NormKind): number {
  const n = patchLayers(side);
  const bias = normTakesBias(norm);
  const widthAt = (k: number) => width * Math.min(2 ** k, 8);
  let size = conv(inChannels, width, 4, true);
  for (let k = 1; k < n; k++) size += conv(widthAt(k - 1), widthAt(k), 4, bias) + normSize(norm, widthAt(k));
  return size + conv(widthAt(n - 1), widthAt(n), 4, bias) + normSize(norm, widthAt(n)) + conv(widthAt(n), 1, 4, true);
}

/**
 * The ResNet generator of CycleGAN (Zhu et al. 2017, appendix 7.2, after Johnson et al. 2016): c7s1-k (reflection
 * pad 3, 7×7 conv, norm, ReLU), two 3×3 stride-2 downs to 2k and 4k channels, `blocks` residual blocks at 4k,
 * two 3×3 stride-2 transposed-conv ups back to k, then c7s1 to the image's channels and tanh. The paper's k = 64
 * with 6 blocks at 128 pixels and 9 at 256; the recipes scale both down for 28-pixel digits (the ¼-side
 * bottleneck is 7×7 there). The side must be a multiple of 4 so the ups land on it exactly.
 */
export class ResnetGenerator extends Module implements Layer {
  readonly main: Sequential;

  constructor(readonly imageShape: ImageShape, width: number, blocks: number, norm: NormKind) {
    super();
    const problem = unsupportedResnetShape(imageShape);
    if (problem) throw new RangeError(`ResNet generator ${problem}`);
    const c = imageShape[0];
    const bias = normTakesBias(norm);
    const block = (conv: Module & Layer, channels: number) => [conv, normLayer(norm, channels), new ReLU()];
    const down = (from: number, to: number) => block(new Conv2d(from, to, 3, { stride: 2, padding: 1, bias }), to);
    const up = (from: number, to: number) => block(new ConvTranspose2d(from, to, 3, { stride: 2, padding: 1, outputPadding: 1, bias }), to);
    this.main = this.addModule('main', new Sequential(
      new ReflectionPad2d(3), ...block(new Conv2d(c, width, 7, { bias }), width),
      ...down(width, 2 * width), ...down(2 * width, 4 * width),
      ...Array.from({ length: blocks }, () => new ResidualBlock(4 * width, { norm })),
      ...up(4 * width, 2 * width), ...up(2 * width, width),
      new ReflectionPad2d(3), new Conv2d(width, c, 7, { bias: true }), new Tanh(),
    ));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, x));
  }

  /** The forward over `ops` (tensors, or the ONNX exporter's values): every layer has an export rule. */
  describe<V>(ops: GraphOps<V>, x: V): V {
    return ops.layer(this.main, x);
  }
}

/** Why the ResNet generator cannot take images of `shape`, or null. */
export function unsupportedResnetShape(shape: ImageShape): string | null {
  const problem = unsupportedTranslationShape(shape);
  if (problem) return problem;
  return shape[1] % 4 === 0 ? null : `needs a side that is a multiple of 4 (two stride-2 downs and ups), got ${shape[1]}×${shape[2]}`;
}

/** Elements in the state dict of `new ResnetGenerator(shape, width, blocks, norm)`, without building it. */
export function resnetGeneratorSize([c]: ImageShape, width: number, blocks: number, norm: NormKind): number {
  const bias = normTakesBias(norm);
  const layer = (from: number, to: number, k: number) => conv(from, to, k, bias) + normSize(norm, to);
  return layer(c, width, 7) + layer(width, 2 * width, 3) + layer(2 * width, 4 * width, 3)
    + blocks * 2 * layer(4 * width, 4 * width, 3)
    + layer(4 * width, 2 * width, 3) + layer(2 * width, width, 3) + conv(width, c, 7, true);
}
