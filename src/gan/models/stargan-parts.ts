// StarGAN's networks (Choi et al. 2018, appendix: network architecture), scaled to small images.
// G(x, c): the target domain vector c is tiled over the image and concatenated as K extra channels; then
//   conv 7×7 (width), two 4×4 stride-2 downs (2·width, 4·width), residual blocks, two 4×4 stride-2 transposed
//   ups, conv 7×7 to the image's channels, tanh; instance norm with affine parameters and ReLU throughout.
//   The residual blocks are src/nn's (reflection padding and instance norm without affine, as CycleGAN's; the
//   paper's pad with zeros and learn an affine norm — a detail that did not matter in our runs).
// D(x): 4×4 stride-2 convs with LeakyReLU 0.01 and no norm, doubling channels, until the side is small
//   (28 → 14 → 7; 64 → 32 → 16 → 8 → 4); two heads: a 3×3 conv to one score per patch (the adversarial
//   PatchGAN output) and a conv over the whole remaining map to K domain logits.
import { Conv2d, ConvTranspose2d, InstanceNorm, LeakyReLU, Module, ReLU, ResidualBlock, Sequential, Tanh } from '../../nn';
import { tensorOps } from '../../nn';
import type { GraphOps, Layer } from '../../nn';
import { Tensor, tidy } from '../../torch';
import type { ImageShape } from '../types';
import { conv } from './sizes';

/** Channels of D's layers stop doubling here (the paper: 64 → 2048 over six layers at 128 pixels). */
const MAX_WIDTH_FACTOR = 16;

/** Why StarGAN's networks cannot take images of `shape`, or null. */
export function unsupportedStarShape([, h, w]: ImageShape): string | null {
  if (h !== w) return `needs square images, got ${h}×${w}`;
  if (h % 4 !== 0 || h < 8) return `needs a side that is a multiple of 4 and at least 8 (two stride-2 downs and ups), got ${h}×${w}`;
  return null;
}

/** The strided layers of D for a side: halve while the result stays even and above 7 pixels, at least once. */
export function starDiscriminatorLayers(side: number): { layers: number; last: number } {
  let layers = 1;
  let last = side / 2;
  while (last % 2 === 0 && last / 2 >= 4 && last > 7) {
    last /= 2;
    layers++;
  }
  return { layers, last };
}

export class StarGenerator extends Module implements Layer {
  readonly main: Sequential;

  constructor(readonly imageShape: ImageShape, readonly domains: number, width: number, blocks: number) {
    super();
    const c = imageShape[0];
    const stage = (layer: Module & Layer, channels: number): (Module & Layer)[] => [layer, new InstanceNorm(channels, { affine: true }), new ReLU()];
    this.main = this.addModule('main', new Sequential(
      ...stage(new Conv2d(c + domains, width, 7, { padding: 3, bias: false }), width),
      ...stage(new Conv2d(width, 2 * width, 4, { stride: 2, padding: 1, bias: false }), 2 * width),
      ...stage(new Conv2d(2 * width, 4 * width, 4, { stride: 2, padding: 1, bias: false }), 4 * width),
      ...Array.from({ length: blocks }, () => new ResidualBlock(4 * width, { norm: 'instance' })),
      ...stage(new ConvTranspose2d(4 * width, 2 * width, 4, { stride: 2, padding: 1, bias: false }), 2 * width),
      ...stage(new ConvTranspose2d(2 * width, width, 4, { stride: 2, padding: 1, bias: false }), width),
      new Conv2d(width, c, 7, { padding: 3, bias: false }), new Tanh(),
    ));
  }

  /** x [N, C, H, W] in [-1, 1] and target domains c [N, K] (0/1) → the edited images. */
  edit(x: Tensor, c: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, x, c));
  }

  /** The edit over `ops` (tensors, or the ONNX exporter's values), so the two cannot differ. */
  describe<V>(ops: GraphOps<V>, x: V, c: V): V {
    const [, h, w] = this.imageShape;
    return ops.layer(this.main, ops.concat([x, ops.tile(c, this.domains, h, w)], 1));
  }

  /** As a Layer (shape checks), the input carries c already tiled on its channels. */
  forward(xc: Tensor): Tensor {
    return this.main.forward(xc);
  }
}

/** Elements in the state dict of `new StarGenerator(shape, domains, width, blocks)`. */
export function starGeneratorSize([c]: ImageShape, domains: number, width: number, blocks: number): number {
  const norm = (channels: number) => 2 * channels;
  const layer = (from: number, to: number, k: number) => conv(from, to, k, false) + norm(to);
  return layer(c + domains, width, 7) + layer(width, 2 * width, 4) + layer(2 * width, 4 * width, 4)
    + blocks * 2 * conv(4 * width, 4 * width, 3, true)
    + layer(4 * width, 2 * width, 4) + layer(2 * width, width, 4) + conv(width, c, 7, false);
}

export class StarDiscriminator extends Module {
  readonly main: Sequential;
  readonly source: Conv2d;
  readonly classifier: Conv2d;

  constructor(readonly imageShape: ImageShape, readonly domains: number, width: number) {
    super();
    const { layers, last } = starDiscriminatorLayers(imageShape[1]);
    const widthAt = (k: number) => width * Math.min(2 ** k, MAX_WIDTH_FACTOR);
    const stack: (Module & Layer)[] = [];
    for (let k = 0; k < layers; k++) stack.push(new Conv2d(k === 0 ? imageShape[0] : widthAt(k - 1), widthAt(k), 4, { stride: 2, padding: 1 }), new LeakyReLU(0.01));
    this.main = this.addModule('main', new Sequential(...stack));
    this.source = this.addModule('src', new Conv2d(widthAt(layers - 1), 1, 3, { padding: 1, bias: false }));
    this.classifier = this.addModule('cls', new Conv2d(widthAt(layers - 1), domains, last, { bias: false }));
  }

  /** Images → the patch scores [N, 1, h, w] and the domain logits [N, K]. */
  judge(x: Tensor): { scores: Tensor; logits: Tensor } {
    const features = this.main.forward(x);
    try {
      return { scores: this.source.forward(features), logits: tidy(() => this.classifier.forward(features).reshape([x.shape[0], this.domains])) };
    } finally {
      features.dispose();
    }
  }
}

/** Elements in the state dict of `new StarDiscriminator(shape, domains, width)`. */
export function starDiscriminatorSize([c, side]: ImageShape, domains: number, width: number): number {
  const { layers, last } = starDiscriminatorLayers(side);
  const widthAt = (k: number) => width * Math.min(2 ** k, MAX_WIDTH_FACTOR);
  let size = 0;
  for (let k = 0; k < layers; k++) size += conv(k === 0 ? c : widthAt(k - 1), widthAt(k), 4, true);
  return size + conv(widthAt(layers - 1), 1, 3, false) + conv(widthAt(layers - 1), domains, last, false);
}
