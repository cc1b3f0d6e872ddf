// Procedural cartoon faces: the offline stand-in for the anime-faces data set of the DCGAN tutorials.
// Each face varies in background, skin tone, face shape and position, hair colour and style, eye colour,
// size and spacing, mouth and blush. Drawn at 2× and averaged down, so edges are anti-aliased.
import type { ImageDataset } from './dataset';

export type RGB = [number, number, number];

/** A small deterministic generator (mulberry32), so a seed always draws the same faces. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RGB drawing surface in floating point, drawn at a multiple of the output size and averaged down. */
export class Canvas {
  readonly pixels: Float32Array;
  constructor(readonly size: number, background: RGB, below: RGB) {
    this.pixels = new Float32Array(size * size * 3);
    for (let y = 0; y < size; y++) {
      const t = y / size; // a vertical gradient between two background colours
      for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) this.pixels[(y * size + x) * 3 + c] = background[c] * (1 - t) + below[c] * t;
    }
  }

  fill(inside: (x: number, y: number) => boolean, colour: RGB, box: [number, number, number, number]): void {
    const [x0, y0, x1, y1] = box.map((v) => Math.round(v)) as [number, number, number, number];
    for (let y = Math.max(0, y0); y < Math.min(this.size, y1 + 1); y++) {
      for (let x = Math.max(0, x0); x < Math.min(this.size, x1 + 1); x++) {
        if (inside(x + 0.5, y + 0.5)) for (let c = 0; c < 3; c++) this.pixels[(y * this.size + x) * 3 + c] = colour[c];
      }
    }
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, colour: RGB, angle = 0): void {
    const cos = Math.cos(angle), sin = Math.sin(angle);
    const r = Math.max(rx, ry);
    this.fill((x, y) => {
      const dx = x - cx, dy = y - cy;
      const u = (dx * cos + dy * sin) / rx, v = (-dx * sin + dy * cos) / ry;
      return u * u + v * v <= 1;
    }, colour, [cx - r, cy - r, cx + r, cy + r]);
  }

  polygon(points: [number, number][], colour: RGB): void {
    const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
    this.fill((x, y) => {
      let inside = false;
      for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        const [xi, yi] = points[i], [xj, yj] = points[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      return inside;
    }, colour, [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
  }

  /** A thick curve through sampled points (for mouths). */
  stroke(path: (t: number) => [number, number], width: number, colour: RGB): void {
    for (let i = 0; i <= 40; i++) {
      const [x, y] = path(i / 40);
      this.ellipse(x, y, width / 2, width / 2, colour);
    }
  }

  /** Averages factor×factor blocks into 8-bit RGB, HWC. */
  downsample(factor: number): Uint8Array {
    const out = this.size / factor;
    const pixels = new Uint8Array(out * out * 3);
    for (let y = 0; y < out; y++) {
      for (let x = 0; x < out; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += this.pixels[((y * factor + dy) * this.size + x * factor + dx) * 3 + c];
          pixels[(y * out + x) * 3 + c] = Math.round(Math.min(255, Math.max(0, sum / (factor * factor))));
        }
      }
    }
    return pixels;
  }
}

export const SKIN: RGB[] = [[255, 224, 196], [241, 194, 160], [224, 172, 125], [198, 134, 88], [141, 85, 52], [255, 236, 220]];
const HAIR: RGB[] = [[40, 30, 30], [120, 70, 30], [230, 200, 90], [200, 60, 40], [70, 90, 200], [230, 120, 180], [240, 240, 245], [60, 160, 90]];
export const EYES: RGB[] = [[60, 110, 200], [40, 140, 80], [150, 80, 40], [160, 40, 160], [200, 60, 60], [40, 40, 40]];

export function jitter(colour: RGB, amount: number, random: () => number): RGB {
  return colour.map((v) => Math.min(255, Math.max(0, v + (random() - 0.5) * 2 * amount))) as RGB;
}

/** One face, size×size RGB (HWC, 8-bit). */
export function drawFace(size: number, random: () => number): Uint8Array {
  const s = size * 2; // drawn at twice the size, then averaged down
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const background = jitter([160 + random() * 80, 160 + random() * 80, 160 + random() * 80], 30, random);
  const canvas = new Canvas(s, background, jitter(background, 40, random));
  const cx = s * (0.5 + (random() - 0.5) * 0.12);
  const cy = s * (0.56 + (random() - 0.5) * 0.1);
  const rx = s * (0.25 + random() * 0.06);
  const ry = s * (0.29 + random() * 0.06);
  const hair = jitter(pick(HAIR), 20, random);
  const skin = jitter(pick(SKIN), 12, random);
  const style = Math.floor(random() * 4);

  if (style === 3) canvas.polygon([[cx - rx * 1.25, cy - ry * 0.6], [cx + rx * 1.25, cy - ry * 0.6], [cx + rx * 1.3, cy + ry * 1.2], [cx - rx * 1.3, cy + ry * 1.2]], hair);
  canvas.ellipse(cx, cy, rx, ry, skin);
  // Hair on top: a cap over the forehead, then a style-specific fringe.
  canvas.ellipse(cx, cy - ry * 0.55, rx * 1.12, ry * 0.62, hair);
  if (style === 1) {
    for (let k = -2; k <= 2; k++) canvas.polygon([[cx + k * rx * 0.38 - rx * 0.2, cy - ry * 0.9], [cx + k * rx * 0.38 + rx * 0.2, cy - ry * 0.9], [cx + k * rx * 0.42, cy - ry * (1.35 + random() * 0.2)]], hair);
  }
  const fringe = style === 2 ? [[cx - rx, cy - ry * 0.6], [cx + rx * 0.9, cy - ry * 0.75], [cx + rx * 0.2, cy - ry * 0.2]] : [[cx - rx * 1.05, cy - ry * 0.55], [cx + rx * 1.05, cy - ry * 0.55], [cx + rx * 0.6, cy - ry * 0.25], [cx, cy - ry * 0.4], [cx - rx * 0.6, cy - ry * 0.25]];
  canvas.polygon(fringe as [number, number][], hair);

  // Large anime eyes: white, iris, pupil, highlight.
  const eyeY = cy + ry * (0.05 + random() * 0.12);
  const gap = rx * (0.38 + random() * 0.14);
  const eyeRx = rx * (0.17 + random() * 0.08), eyeRy = eyeRx * (1.2 + random() * 0.4);
  const iris = jitter(pick(EYES), 25, random);
  for (const side of [-1, 1]) {
    const ex = cx + side * gap;
    canvas.ellipse(ex, eyeY, eyeRx, eyeRy, [250, 250, 250]);
    canvas.ellipse(ex, eyeY + eyeRy * 0.1, eyeRx * 0.75, eyeRy * 0.8, iris);
    canvas.ellipse(ex, eyeY + eyeRy * 0.15, eyeRx * 0.35, eyeRy * 0.4, [20, 20, 30]);
    canvas.ellipse(ex - eyeRx * 0.3, eyeY - eyeRy * 0.3, eyeRx * 0.22, eyeRx * 0.22, [255, 255, 255]);
    if (random() < 0.5) canvas.ellipse(ex + side * eyeRx * 0.4, eyeY + eyeRy * 1.3, eyeRx * 0.6, eyeRy * 0.25, jitter([240, 150, 150], 15, random));
  }
  const mouthY = cy + ry * (0.55 + random() * 0.12);
  const mouthW = rx * (0.15 + random() * 0.2);
  const smile = (random() - 0.3) * ry * 0.12;
  canvas.stroke((t) => [cx - mouthW + 2 * mouthW * t, mouthY + smile * (1 - (2 * t - 1) ** 2)], s * 0.018, [150, 60, 60]);
  return canvas.downsample(2);
}

/** `count` faces as a data set (C×H×W, unlabelled), from `seed`. */
export function generateFaces(count: number, size: number, seed: number): ImageDataset {
  const random = seededRandom(seed);
  const perImage = 3 * size * size;
  const images = new Uint8Array(count * perImage);
  for (let i = 0; i < count; i++) {
    const hwc = drawFace(size, random);
    for (let c = 0; c < 3; c++) for (let p = 0; p < size * size; p++) images[i * perImage + c * size * size + p] = hwc[p * 3 + c];
  }
  return { name: 'faces', images, labels: null, count, channels: 3, height: size, width: size, classes: null };
}
