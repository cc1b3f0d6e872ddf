// ganforge against PyTorch itself (Debian's python3-torch, skipped when absent): the same seed, data order and
// step give the same losses, and a ganforge checkpoint's generator runs in PyTorch with the same outputs.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writeIdx } from '../../src/data/idx';
import { loadBundledMnist } from '../../src/data/mnist';
import { readCheckpoint, restoreNetwork } from '../../src/gan/checkpoint';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/gan/config';
import { modelFamily } from '../../src/gan/registry';
import { generate } from '../../src/gan/sampling';
import { train } from '../../src/gan/trainer';
import { tempDir } from '../helpers/fixtures';
import { defaultRecipeReferenceArgs } from '../../bench/common';

const REFERENCE = path.join(__dirname, '..', '..', '..', 'bench', 'reference', 'gan_reference.py');
const HELPER = path.join(__dirname, '..', 'helpers', 'session-losses.js');

function hasTorch(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('parity with PyTorch', { skip: hasTorch() ? false : 'python3-torch is not installed' }, () => {
  const dir = tempDir('parity');
  const dataFile = path.join(dir, 'images-idx3-ubyte');
  const labelsFile = path.join(dir, 'labels-idx1-ubyte');
  const mnist = loadBundledMnist();
  writeIdx(dataFile, [mnist.count, 28, 28], mnist.images);
  writeIdx(labelsFile, [mnist.count], mnist.labels!);
  const steps = 30;
  const reference: number[][] = JSON.parse(execFileSync('/usr/bin/python3',
    [REFERENCE, '--model', 'mlp', '--data', dataFile, '--steps', String(steps), '--warmup', '0', '--seed', '1'], { encoding: 'utf8' })).losses;
  const ours = (unfused: boolean): number[][] => JSON.parse(execFileSync(process.execPath, [HELPER, dataFile, String(steps)],
    { encoding: 'utf8', env: { ...process.env, GANFORGE_UNFUSED_ADAM: unfused ? '1' : '0' } }));

  it('with Adam as ATen ops (PyTorch 1.13’s own update), 30 MLP GAN steps give bit-identical losses', () => {
    assert.deepEqual(ours(true), reference);
  });

  it('with the fused Adam, the losses agree to float32 rounding and stay close', () => {
    const fused = ours(false);
    for (let i = 0; i < steps; i++) {
      const tol = i < 5 ? 1e-5 : 0.05;
      for (const k of [0, 1]) assert.ok(Math.abs(fused[i][k] - reference[i][k]) <= tol, `step ${i}: ${fused[i]} vs ${reference[i]}`);
    }
  });

  // What `npm run bench:time-to-quality` compares must be the same math: the reference gets the recipe's
  // settings and draws the grid's rows of fixed noise as ganforge does, then z and the fake labels in ganforge's
  // order. One thread on both sides, so that both sum their convolutions in the same order.
  const twin = (): number[][] => JSON.parse(execFileSync('/usr/bin/python3', [REFERENCE, ...defaultRecipeReferenceArgs(),
    '--data', dataFile, '--labels', labelsFile, '--steps', String(steps), '--warmup', '0', '--seed', '1', '--threads', '1'],
  { encoding: 'utf8' })).losses;
  const defaultRecipe = (exact: boolean, threads: number): number[][] => JSON.parse(execFileSync(process.execPath, [HELPER, dataFile, String(steps), 'default', labelsFile], {
    encoding: 'utf8',
    env: { ...process.env, GANFORGE_UNFUSED_ADAM: exact ? '1' : '0', GANFORGE_PLAIN_CONV_TRANSPOSE: exact ? '1' : '0', GANFORGE_THREADS: String(threads) },
  }));

  it('the default recipe (an AC-GAN): with PyTorch\'s own kernels, 30 steps give bit-identical losses to its PyTorch twin', () => {
    const mine = defaultRecipe(true, 1);
    assert.equal(mine.length, steps);
    assert.deepEqual(mine, twin());
  });

  it('the default recipe with the fast paths (fused Adam, transposed convolutions as matrix products and sub-pixel convolutions at 2 threads): losses agree to float32 rounding and stay close', () => {
    const fast = defaultRecipe(false, 2);
    const theirs = twin();
    assert.equal(fast.length, steps);
    let differs = false;
    for (let i = 0; i < steps; i++) {
      const tol = i < 5 ? 1e-4 : 0.05;
      for (const k of [0, 1]) {
        assert.ok(Math.abs(fast[i][k] - theirs[i][k]) <= tol, `step ${i}: ${fast[i]} vs ${theirs[i]}`);
        differs ||= fast[i][k] !== theirs[i][k];
      }
    }
    // The fast paths are really taken: their sums run in another order, so some loss differs in its last bits.
    assert.ok(differs, 'the fast paths gave bit-identical losses: are they still used?');
  });

  it('a checkpoint’s generator loads into torch.nn.Sequential (strict) and gives the same images', async () => {
    const out = tempDir('interop');
    const config = { ...DEFAULT_CONFIG, imageShape: [1, 28, 28], numClasses: 10, epochs: null, steps: 20 } as TrainConfig;
    await train(config, mnist, out, null, { log: () => undefined });
    const file = path.join(out, 'checkpoints', 'last.safetensors');
    const checkpoint = readCheckpoint(file);
    const generator = modelFamily('mlp').noiseSampler!.generator({ imageShape: [1, 28, 28], latentDim: 100, numClasses: 10, width: null });
    restoreNetwork(checkpoint, 'G', generator);
    const ourImages = generate(generator, checkpoint.tensors.get('fixed_noise')!);
    checkpoint.dispose();
    generator.dispose();
    const script = `
import json, struct, sys, numpy as np, torch, torch.nn as nn
data = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', data[:8])[0]
header = json.loads(data[8:8 + n])
types = {'F32': np.float32, 'U8': np.uint8, 'F64': np.float64, 'I64': np.int64}
def tensor(name):
    info = header[name]; a, b = info['data_offsets']
    return torch.from_numpy(np.frombuffer(data[8 + n + a:8 + n + b], dtype=types[info['dtype']]).reshape(info['shape']).copy())
G = nn.Sequential(nn.Linear(100, 256), nn.LeakyReLU(0.2), nn.Linear(256, 512), nn.LeakyReLU(0.2),
                  nn.Linear(512, 1024), nn.LeakyReLU(0.2), nn.Linear(1024, 784), nn.Tanh())
G.load_state_dict({k[len('G.model.'):]: tensor(k) for k in header if k.startswith('G.model.')}, strict=True)
with torch.no_grad():
    print(json.dumps(G(tensor('fixed_noise')).flatten().tolist()))`;
    const theirs: number[] = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    assert.equal(theirs.length, ourImages.length);
    const worst = theirs.reduce((m, v, i) => Math.max(m, Math.abs(v - ourImages[i])), 0);
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
  });
});
