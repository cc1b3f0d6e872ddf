// `ganforge data mnist2mnistm`: plain MNIST digits (domain A) ↔ MNIST-M-style colour digits (domain B), in
// CycleGAN's unpaired layout. MNIST-M (Ganin & Lempitsky 2015) blends each digit with a random patch of a
// BSDS500 photograph as |patch − digit| per channel, so the stroke shows as the patch's colours inverted; here the
// patch is a procedural colour texture (two random colours mixed by smooth value noise and a random stripe
// wave, plus per-pixel grain), drawn from a generator seeded by (seed, source index), so the same digit always
// gets the same texture whatever --n is.
//
// The source is the bundled 10,000 digits, split as the judge splits them (eightyTwentyIndices): domains A and
// B take disjoint halves of its 8,000 training digits, testA and testB disjoint halves of its 2,000 held-out
// ones, which the judge's classifier never sees, so scoring translated test digits by class is honest.
// Domain A is written as gray PNGs: loaded in colour (the recipes' choice) each gray value is replicated into
// three equal channels, so both domains share the run's channel count.
import type { ImageDataset } from './dataset';
import { seededRandom } from './faces';
import { loadBundledMnist } from './mnist';
import { DomainImages, grayDomain, UnpairedSet, UnpairedSetOptions } from './unpaired';
import { eightyTwentyIndices } from '../metrics/reference';

/** A colour texture of side×side pixels, HWC uint8, from `random`. */
export function colourTexture(random: () => number, side: number): Uint8Array {
  const colour = () => [0, 1, 2].map(() => random() * 255);
  const [from, to] = [colour(), colour()];
  // Value noise: random values on a coarse grid (2 to 5 cells a side), bilinearly interpolated.
  const cells = 2 + Math.floor(random() * 4);
  const grid = Array.from({ length: (cells + 1) ** 2 }, random);
  const noiseAt = (x: number, y: number) => {
    const gx = (x / side) * cells;
    const gy = (y / side) * cells;
    const [i, j] = [Math.min(cells - 1, Math.floor(gx)), Math.min(cells - 1, Math.floor(gy))];
    const [fx, fy] = [gx - i, gy - j];
    const at = (a: number, b: number) => grid[b * (cells + 1) + a];
    return (at(i, j) * (1 - fx) + at(i + 1, j) * fx) * (1 - fy) + (at(i, j + 1) * (1 - fx) + at(i + 1, j + 1) * fx) * fy;
  };
  // A stripe wave of random direction, 1 to 4 periods across the image, and its share of the mix.
  const angle = random() * Math.PI;
  const periods = 1 + random() * 3;
  const phase = random() * 2 * Math.PI;
  const stripes = random() * 0.6;
  const grain = 8 + random() * 24;
  const out = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const wave = 0.5 + 0.5 * Math.sin((2 * Math.PI * periods * (x * Math.cos(angle) + y * Math.sin(angle))) / side + phase);
      const t = (1 - stripes) * noiseAt(x, y) + stripes * wave;
      for (let c = 0; c < 3; c++) {
        const v = from[c] * (1 - t) + to[c] * t + (random() - 0.5) * grain;
        out[(y * side + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}

/** MNIST-M's blend: |texture − digit| per channel, the gray digit (H×W) against the HWC texture. */
export function blendDigit(digit: Uint8Array, texture: Uint8Array): Uint8Array {
  if (texture.length !== digit.length * 3) throw new Error(`blendDigit: a texture of ${texture.length} values does not fit ${digit.length} pixels × 3`);
  return texture.map((v, k) => Math.abs(v - digit[Math.floor(k / 3)]));
}

/** The generator of the texture for source digit `index` under `seed`: one stream per digit. */
export const textureRandom = (seed: number, index: number) => seededRandom((Math.imul(seed, 0x9e3779b1) + index) >>> 0);

/** Rows `indices` of the gray digits, as they are (domain A) or blended with their textures (domain B). */
function domain(digits: ImageDataset, indices: number[], colour: boolean, seed: number): DomainImages {
  const gray = grayDomain(digits, indices);
  if (!colour) return gray;
  const per = digits.height * digits.width;
  const images = new Uint8Array(indices.length * per * 3);
  indices.forEach((from, to) => images.set(blendDigit(gray.images.subarray(to * per, (to + 1) * per), colourTexture(textureRandom(seed, from), digits.width)), to * per * 3));
  return { ...gray, images, channels: 3 };
}

/**
 * mnist2mnistm's four domains: A and B from disjoint halves of the judge's training digits, testA and testB
 * from disjoint halves of its held-out digits, each at most n / testN.
 */
export function mnist2mnistm(o: UnpairedSetOptions): UnpairedSet {
  const digits = loadBundledMnist();
  const split = eightyTwentyIndices(digits.count);
  const halves = (list: number[], limit: number | undefined) => {
    const half = Math.floor(list.length / 2);
    const take = Math.min(half, limit ?? half);
    return [list.slice(0, take), list.slice(half, half + take)];
  };
  const [trainA, trainB] = halves(split.train, o.n);
  const [testA, testB] = halves(split.heldOut, o.testN);
  return {
    domains: {
      trainA: domain(digits, trainA, false, o.seed), trainB: domain(digits, trainB, true, o.seed),
      testA: domain(digits, testA, false, o.seed), testB: domain(digits, testB, true, o.seed),
    },
    classes: digits.classes!,
  };
}
