// `ganforge data faces`: writes the procedural cartoon faces, the offline stand-in for anime faces.
import * as fs from 'fs';
import * as path from 'path';
import { generateFaces } from '../../data/faces';
import { writeFileAtomic } from '../../io/atomic';
import { encodePng } from '../../io/png';
import { CommandSpec, FlagsOf, UsageError } from '../args';
import { ProgressBar } from '../progress';

export const dataSpec = {
  name: 'data',
  summary: 'Make data sets: `ganforge data faces` writes procedurally generated 64×64 RGB cartoon faces as PNGs.',
  usage: 'ganforge data faces --n N --out DIR [--size 64] [--seed S]',
  positionals: [{ name: 'KIND', help: "what to make: 'faces'", required: true }],
  flags: [
    { name: 'n', type: 'int', min: 1, max: 1_000_000, default: 5000, placeholder: 'N', help: 'number of images' },
    { name: 'out', type: 'path', alias: 'o', required: true, placeholder: 'DIR', help: 'folder to write face-00000.png … into (created)' },
    { name: 'size', type: 'int', min: 8, max: 1024, default: 64, placeholder: 'PX', help: 'image side in pixels' },
    { name: 'seed', type: 'int', min: 0, max: 0xffffffff, default: 1, placeholder: 'S', help: 'the same seed draws the same faces' },
  ],
  examples: ['ganforge data faces --n 5000 --out data/faces', 'ganforge train --recipe dcgan-faces --dataset data/faces'],
} as const satisfies CommandSpec;

export async function runData(flags: FlagsOf<typeof dataSpec>, positionals: string[]): Promise<number> {
  if (positionals[0] !== 'faces') throw new UsageError(`unknown data kind '${positionals[0]}' (expected faces)`);
  const out = flags.out;
  const n = flags.n;
  const size = flags.size;
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch (err) {
    throw new Error(`cannot create ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const bar = new ProgressBar({ total: n, label: 'faces', unit: 'img' });
  // Generated in chunks so memory stays small for large N; chunk k uses seed + k for independence.
  const chunk = 500;
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const faces = generateFaces(count, size, flags.seed + start / chunk);
    const per = 3 * size * size;
    for (let i = 0; i < count; i++) {
      const chw = faces.images.subarray(i * per, (i + 1) * per);
      const hwc = new Uint8Array(per);
      for (let c = 0; c < 3; c++) for (let p = 0; p < size * size; p++) hwc[p * 3 + c] = chw[c * size * size + p];
      writeFileAtomic(path.join(out, `face-${String(start + i).padStart(5, '0')}.png`), encodePng({ width: size, height: size, channels: 3, pixels: hwc }));
    }
    bar.update(start + count);
  }
  bar.finish();
  console.log(`wrote ${n} faces (${size}×${size} RGB) to ${out}`);
  return 0;
}
