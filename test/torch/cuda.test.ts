// The GPU path, checked where a GPU is (these tests skip on a CPU-only libtorch, as in CI): tensors move and
// come back, the multi-tensor Adam on CUDA matches the CPU's, a model family trains on the GPU with a flat
// live-tensor count and resumes exactly, and mixed precision trains with finite losses.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/gan/config';
import { readCheckpoint } from '../../src/gan/checkpoint';
import { train } from '../../src/gan/trainer';
import { loadBundledMnist } from '../../src/data/mnist';
import { pickRows } from '../../src/data/dataset';
import { Adam } from '../../src/optim';
import { cudaDeviceCount, getDefaultDevice, manualSeed, memory, randn, setDefaultDevice, tensor, tidy } from '../../src/torch';
import { readMetrics, tempDir } from '../helpers/fixtures';

const skip = cudaDeviceCount() === 0 ? 'no CUDA device (a CPU-only libtorch or no GPU): the GPU path is checked on a GPU machine' : false;
const quiet = { log: () => undefined };

/** Runs fn (and, when it returns a promise, everything until that settles) with the GPU as default device. */
async function onGpu<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = getDefaultDevice();
  setDefaultDevice('cuda:0');
  try {
    return await fn();
  } finally {
    setDefaultDevice(before);
  }
}

function config(overrides: Partial<TrainConfig>): TrainConfig {
  return { ...DEFAULT_CONFIG, model: 'mlp', imageShape: [1, 28, 28], numClasses: 10, epochs: null, logEvery: 1000, gridSize: 16, ...overrides } as TrainConfig;
}

describe('CUDA', { skip }, () => {
  it('tensors made with the GPU as default live there and read back exactly', async () => {
    await onGpu(() => tidy(() => {
      const t = tensor([1.5, -2, 3.25], [3]);
      assert.equal(t.device, 'cuda:0');
      assert.deepEqual(t.mul(2).toArray(), [3, -4, 6.5]);
      assert.equal(randn([2, 2]).device, 'cuda:0');
    }));
  });

  it('Adam on CUDA (multi-tensor kernels) matches Adam on the CPU', () => {
    const run = (device: string) => tidy(() => {
      manualSeed(3);
      const values = [randn([5, 4]).toFloat32Array(), randn([4]).toFloat32Array()];
      const grads = [randn([5, 4]).toFloat32Array(), randn([4]).toFloat32Array()];
      const before = getDefaultDevice();
      setDefaultDevice(device);
      try {
        const params = [tensor(values[0], [5, 4]).requiresGrad_(), tensor(values[1], [4]).requiresGrad_()];
        const adam = new Adam(params, { lr: 0.01, betas: [0.5, 0.999], weightDecay: 0.1 });
        for (let step = 0; step < 3; step++) {
          adam.zeroGrad();
          params[0].mul(tensor(grads[0], [5, 4])).sum().add(params[1].mul(tensor(grads[1], [4])).sum()).backward();
          adam.step();
        }
        const out = params.map((p) => Array.from(p.detach().toFloat32Array()));
        adam.dispose();
        return out;
      } finally {
        setDefaultDevice(before);
      }
    });
    const cpu = run('cpu');
    const gpu = run('cuda:0');
    cpu.flat().forEach((v, k) => assert.ok(Math.abs(v - gpu.flat()[k]) < 1e-6, `parameter ${k}: cpu ${v}, cuda ${gpu.flat()[k]}`));
  });

  it('trains on the GPU with a flat live-tensor count, and resumes to the same losses', async () => {
    const data = pickRows(loadBundledMnist(), Array.from({ length: 640 }, (_, i) => i * 15), 'mnist-640');
    await onGpu(async () => {
      const whole = path.join(tempDir('cuda'), 'whole');
      const live = memory().liveTensors;
      await train(config({ steps: 20 }), data, whole, null, quiet);
      assert.equal(memory().liveTensors, live, 'every tensor of the GPU run is freed');
      const split = path.join(tempDir('cuda'), 'split');
      await train(config({ steps: 10, checkpointEvery: 10 }), data, split, null, quiet);
      await train(config({ steps: 20 }), data, split, readCheckpoint(path.join(split, 'checkpoints', 'last.safetensors')), quiet, { resume: true });
      const losses = (dir: string) => readMetrics(dir).filter((r) => 'loss_d' in r).map((r) => [r.loss_d, r.loss_g]);
      assert.deepEqual(losses(split), losses(whole), 'the resumed GPU run draws the same noise (the CUDA generator state is checkpointed)');
    });
  });

  for (const precision of ['bf16', 'fp16'] as const) {
    it(`trains DCGAN in mixed precision (${precision}) with finite losses`, async () => {
      const data = pickRows(loadBundledMnist(), Array.from({ length: 256 }, (_, i) => i * 30), 'mnist-256');
      await onGpu(async () => {
        const out = path.join(tempDir('cuda'), precision);
        const result = await train(config({ model: 'dcgan', steps: 12, precision }), data, out, null, quiet);
        assert.equal(result.progress.step, 12);
        const train_ = readMetrics(out).filter((r) => 'loss_d' in r);
        assert.ok(train_.length > 0 && train_.every((r) => Number.isFinite(r.loss_d) && Number.isFinite(r.loss_g)));
      });
    });
  }
});
