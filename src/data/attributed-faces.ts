// Procedural faces whose attributes are known and set independently: the offline stand-in for CelebA (StarGAN)
// and for age-labelled photos (Age-cGAN). A face is a pure function of a person (an identity: face shape,
// skin, eyes, hairstyle, background, all drawn once from the seed) and of four attributes that the drawing
// honours exactly:
//   hair colour  black | blond | brown | grey
//   age          young | middle | old — drawn with what age changes: face shape (rounder when young, longer
//                with jowls when old), eye size, greying temples and streaks, a receding hairline, forehead
//                lines, crow's feet, eye bags and cheek folds
//   glasses      round frames over both eyes
//   smile        an upturned, open mouth; otherwise a flat one
// Because nothing else varies, the same person can be drawn at every age to test identity preservation, and
// pixels outside an attribute's region stay put when only that attribute changes.
import { Canvas, EYES, jitter, RGB, SKIN } from './faces';

export const HAIR_COLOURS = ['black', 'blond', 'brown', 'grey'] as const;
export const AGE_GROUPS = ['young', 'middle', 'old'] as const;
export type HairColour = (typeof HAIR_COLOURS)[number];
export type AgeGroup = (typeof AGE_GROUPS)[number];

export interface FaceAttributes {
  hair: HairColour;
  age: AgeGroup;
  glasses: boolean;
  smile: boolean;
}

/** The columns of the attribute file, in CelebA's spelling where CelebA has the attribute (it has no Middle_Aged). */
export const FACE_ATTRIBUTE_NAMES = ['Black_Hair', 'Blond_Hair', 'Brown_Hair', 'Gray_Hair', 'Young', 'Middle_Aged', 'Old', 'Eyeglasses', 'Smiling'] as const;

const HAIR_RGB: Record<HairColour, RGB> = { black: [35, 30, 30], blond: [235, 205, 110], brown: [125, 75, 35], grey: [165, 165, 170] };
/** The white of greying temples and streaks: lighter than grey hair, so an old grey-haired face still shows them. */
const GREYING: RGB = [228, 228, 232];

/** Everything about a person that no attribute changes, as fractions of the canvas so any size draws alike. */
export interface FaceIdentity {
  background: RGB;
  below: RGB;
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  skin: RGB;
  /** A personal offset to the hair colour's tone, so two blond people differ a little. */
  hairTone: [number, number, number];
  /** 0 short, 1 spiky, 2 side-swept, 3 long (hair behind the face). */
  style: number;
  eyeY: number;
  gap: number;
  eyeRx: number;
  eyeAspect: number;
  iris: RGB;
  blush: boolean;
  mouthY: number;
  mouthW: number;
}

/** A new person from `random` (uniform in [0, 1)). */
export function drawIdentity(random: () => number): FaceIdentity {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const background = jitter([160 + random() * 80, 160 + random() * 80, 160 + random() * 80], 30, random);
  return {
    background,
    below: jitter(background, 40, random),
    cx: 0.5 + (random() - 0.5) * 0.08,
    cy: 0.56 + (random() - 0.5) * 0.06,
    rx: 0.25 + random() * 0.05,
    ry: 0.29 + random() * 0.05,
    skin: jitter(pick(SKIN), 12, random),
    hairTone: [(random() - 0.5) * 24, (random() - 0.5) * 24, (random() - 0.5) * 24],
    style: Math.floor(random() * 4),
    eyeY: 0.08 + random() * 0.08,
    gap: 0.4 + random() * 0.12,
    eyeRx: 0.17 + random() * 0.06,
    eyeAspect: 1.2 + random() * 0.3,
    iris: jitter(pick(EYES), 25, random),
    blush: random() < 0.5,
    mouthY: 0.58 + random() * 0.08,
    mouthW: 0.18 + random() * 0.14,
  };
}

/** Attributes drawn uniformly and independently. */
export function drawAttributes(random: () => number): FaceAttributes {
  return {
    hair: HAIR_COLOURS[Math.floor(random() * HAIR_COLOURS.length)],
    age: AGE_GROUPS[Math.floor(random() * AGE_GROUPS.length)],
    glasses: random() < 0.5,
    smile: random() < 0.5,
  };
}

/** The attribute file's row for `a`: +1 or −1 per FACE_ATTRIBUTE_NAMES column. */
export function attributeRow(a: FaceAttributes): number[] {
  return [
    ...HAIR_COLOURS.map((h) => (a.hair === h ? 1 : -1)),
    ...AGE_GROUPS.map((g) => (a.age === g ? 1 : -1)),
    a.glasses ? 1 : -1,
    a.smile ? 1 : -1,
  ];
}

const darker = (c: RGB, by: number): RGB => c.map((v) => v * (1 - by)) as RGB;
const clampRgb = (c: number[]): RGB => c.map((v) => Math.min(255, Math.max(0, v))) as RGB;

/** One face, size×size RGB (HWC, 8-bit): `person` with `attributes`. Drawn at 2× and averaged down. */
export function drawAttributedFace(size: number, person: FaceIdentity, attributes: FaceAttributes): Uint8Array {
  const s = size * 2;
  const canvas = new Canvas(s, person.background, person.below);
  const old = attributes.age === 'old', young = attributes.age === 'young';
  const cx = person.cx * s, cy = person.cy * s;
  // Age reshapes the face: rounder and a little wider young, longer and narrower old.
  const rx = person.rx * s * (young ? 1.03 : old ? 0.97 : 1);
  const ry = person.ry * s * (young ? 0.94 : old ? 1.06 : 1);
  const hair = clampRgb(HAIR_RGB[attributes.hair].map((v, c) => v + person.hairTone[c]));
  const line = darker(person.skin, 0.3);
  const stroke = s * 0.016;

  if (person.style === 3) canvas.polygon([[cx - rx * 1.25, cy - ry * 0.6], [cx + rx * 1.25, cy - ry * 0.6], [cx + rx * 1.3, cy + ry * 1.2], [cx - rx * 1.3, cy + ry * 1.2]], hair);
  canvas.ellipse(cx, cy, rx, ry, person.skin);
  if (old) canvas.ellipse(cx, cy + ry * 0.5, rx * 0.92, ry * 0.52, person.skin); // jowls: a heavier lower face

  // Hair: a cap, lifted when old (a receding hairline shows the forehead), then the fringe of the style.
  const capY = cy - ry * (old ? 0.72 : 0.55);
  canvas.ellipse(cx, capY, rx * 1.12, ry * (old ? 0.5 : 0.62), hair);
  if (person.style === 1) {
    for (let k = -2; k <= 2; k++) canvas.polygon([[cx + k * rx * 0.38 - rx * 0.2, cy - ry * 0.9], [cx + k * rx * 0.38 + rx * 0.2, cy - ry * 0.9], [cx + k * rx * 0.42, cy - ry * 1.45]], hair);
  }
  if (!old) {
    const fringe: [number, number][] = person.style === 2
      ? [[cx - rx, cy - ry * 0.6], [cx + rx * 0.9, cy - ry * 0.75], [cx + rx * 0.2, cy - ry * 0.2]]
      : [[cx - rx * 1.05, cy - ry * 0.55], [cx + rx * 1.05, cy - ry * 0.55], [cx + rx * 0.6, cy - ry * 0.25], [cx, cy - ry * 0.4], [cx - rx * 0.6, cy - ry * 0.25]];
    canvas.polygon(fringe, hair);
  }
  // Greying: white temples in middle age; when old, wider temples and streaks across the cap.
  if (!young) {
    const temple = old ? 0.32 : 0.2;
    for (const side of [-1, 1]) canvas.ellipse(cx + side * rx * 0.95, cy - ry * 0.45, rx * temple, ry * temple * 1.4, GREYING);
  }
  if (old) {
    for (const k of [-0.5, 0, 0.5]) canvas.polygon([[cx + (k - 0.08) * rx, capY - ry * 0.45], [cx + (k + 0.08) * rx, capY - ry * 0.45], [cx + (k * 1.2 + 0.06) * rx, capY + ry * 0.3], [cx + (k * 1.2 - 0.06) * rx, capY + ry * 0.3]], GREYING);
    for (const k of [0, 1, 2]) canvas.stroke((t) => [cx - rx * 0.45 + rx * 0.9 * t, cy - ry * (0.42 - k * 0.09) - Math.sin(Math.PI * t) * ry * 0.03], stroke, line);
  } else if (attributes.age === 'middle') {
    canvas.stroke((t) => [cx - rx * 0.35 + rx * 0.7 * t, cy - ry * 0.16 - Math.sin(Math.PI * t) * ry * 0.02], stroke * 0.8, darker(person.skin, 0.2));
  }

  // Eyes: white, iris, pupil, highlight; larger when young, smaller when old.
  const eyeY = cy + ry * person.eyeY;
  const gap = rx * person.gap;
  const eyeRx = rx * person.eyeRx * (young ? 1.12 : old ? 0.9 : 1), eyeRy = eyeRx * person.eyeAspect;
  for (const side of [-1, 1]) {
    const ex = cx + side * gap;
    canvas.ellipse(ex, eyeY, eyeRx, eyeRy, [250, 250, 250]);
    canvas.ellipse(ex, eyeY + eyeRy * 0.1, eyeRx * 0.75, eyeRy * 0.8, person.iris);
    canvas.ellipse(ex, eyeY + eyeRy * 0.15, eyeRx * 0.35, eyeRy * 0.4, [20, 20, 30]);
    canvas.ellipse(ex - eyeRx * 0.3, eyeY - eyeRy * 0.3, eyeRx * 0.22, eyeRx * 0.22, [255, 255, 255]);
    if (person.blush && !old) canvas.ellipse(ex + side * eyeRx * 0.4, eyeY + eyeRy * 1.35, eyeRx * 0.6, eyeRy * 0.25, [240, 150, 150]);
    if (old) {
      // Eye bags under each eye and crow's feet at the outer corner.
      canvas.stroke((t) => [ex - eyeRx * 0.8 + eyeRx * 1.6 * t, eyeY + eyeRy * 1.15 + Math.sin(Math.PI * t) * eyeRy * 0.25], stroke, line);
      for (const k of [-1, 0, 1]) canvas.stroke((t) => [ex + side * (eyeRx * 1.15 + eyeRx * 0.45 * t), eyeY + k * eyeRy * 0.3 * t], stroke * 0.8, line);
    }
  }
  if (attributes.glasses) {
    const frame: RGB = [25, 25, 30];
    const r = Math.max(eyeRx, eyeRy) * 1.25;
    for (const side of [-1, 1]) {
      const ex = cx + side * gap;
      canvas.stroke((t) => [ex + r * Math.cos(2 * Math.PI * t), eyeY + r * Math.sin(2 * Math.PI * t)], stroke * 1.2, frame);
    }
    canvas.stroke((t) => [cx - gap + r + (2 * gap - 2 * r) * t, eyeY - r * 0.2], stroke, frame);
  }

  // Mouth: an open, upturned smile or a flat line; cheek folds beside it when old.
  const mouthY = cy + ry * person.mouthY;
  const mouthW = rx * person.mouthW * (attributes.smile ? 1.25 : 1);
  if (attributes.smile) {
    canvas.polygon(Array.from({ length: 13 }, (_, i): [number, number] => {
      const t = i / 12;
      return [cx - mouthW + 2 * mouthW * t, mouthY + ry * 0.14 * Math.sin(Math.PI * t)];
    }), [120, 40, 50]);
    canvas.stroke((t) => [cx - mouthW + 2 * mouthW * t, mouthY], stroke, [150, 60, 60]);
  } else {
    canvas.stroke((t) => [cx - mouthW + 2 * mouthW * t, mouthY + ry * 0.015 * (2 * t - 1) ** 2], s * 0.018, [150, 60, 60]);
  }
  if (old) for (const side of [-1, 1]) canvas.stroke((t) => [cx + side * (mouthW + rx * 0.12) + side * rx * 0.08 * (1 - t), mouthY - ry * 0.25 + ry * 0.32 * t], stroke, line);
  return canvas.downsample(2);
}
