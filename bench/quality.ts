// `npm run bench:quality -- --steps 3000 --seed 1 --out DIR`: trains the MLP GAN for the same number of
// steps in ganforge (`ganforge train`) and in the PyTorch reference, and writes both 8×8 grids from each
// run's fixed noise side by side into DIR (ganforge.png, pytorch.png), for looking at, not for timing.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../src/io/atomic';
import { imageGrid, scaleImage } from '../src/io/grid';
import { decodeNpy } from '../src/io/npy';
import { decodePng, encodePng } from '../src/io/png';
import { CLI, option, runReference, writeBundledMnistIdx } from './common';

function main(): void {
  const steps = option('steps', '3000');
  const seed = option('seed', '1');
  const out = path.resolve(option('out', path.join('runs', `quality-${steps}`)));
  fs.mkdirSync(out, { recursive: true });

  const run = path.join(out, 'ganforge-run');
  fs.rmSync(run, { recursive: true, force: true });
  console.log(`ganforge: ${steps} steps, seed ${seed} → ${run}`);
  execFileSync(process.execPath, [CLI, 'train', '--model', 'mlp', '--dataset', 'mnist',
    '--steps', steps, '--seed', seed, '--out', run], { stdio: ['ignore', 'ignore', 'inherit'] });
  fs.copyFileSync(path.join(run, 'samples.png'), path.join(out, 'ganforge.png'));

  const dataFile = writeBundledMnistIdx(out);
  const samples = path.join(out, 'pytorch-samples.npy');
  console.log(`PyTorch reference: ${steps} steps, seed ${seed}`);
  runReference(['--model', 'mlp', '--data', dataFile, '--steps', steps, '--warmup', '0', '--seed', seed, '--samples-out', samples]);
  const { data, shape } = decodeNpy(fs.readFileSync(samples), samples);
  writeFileAtomic(path.join(out, 'pytorch.png'), encodePng(imageGrid(data as Float32Array, shape as [number, number, number, number])));
  for (const name of ['ganforge', 'pytorch']) {
    const grid = decodePng(fs.readFileSync(path.join(out, `${name}.png`)));
    writeFileAtomic(path.join(out, `${name}-x2.png`), encodePng(scaleImage(grid, 2)));
  }
  console.log(`grids: ${path.join(out, 'ganforge.png')} and ${path.join(out, 'pytorch.png')} (×2 versions beside them)`);
}

main();
