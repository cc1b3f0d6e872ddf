// The trainer carries families of other shapes than one G and one D: a toy CycleGAN-shaped family (two
// generators, two discriminators, three optimizers; test/helpers/toy-cycle-family.ts), registered from outside
// the registry, trains through the same train() with its own log line, checkpoint entries by name, flat memory,
// and an exact resume.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readCheckpoint } from '../../src/gan/checkpoint';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/gan/config';
import { registerFamily } from '../../src/gan/registry';
import { train } from '../../src/gan/trainer';
import { loadBundledMnist } from '../../src/data/mnist';
import { memory } from '../../src/torch';
import { assertSameTensors, trainInTwoSessions } from '../helpers/same-checkpoint';
import { readMetrics, tempDir } from '../helpers/fixtures';
import { toyCycleFamily } from '../helpers/toy-cycle-family';

registerFamily(toyCycleFamily);

const digits = (() => {
  const full = loadBundledMnist();
  const count = 64;
  return { ...full, name: 'mnist-64', images: full.images.slice(0, count * 784), labels: full.labels!.slice(0, count), count };
})();

function config(overrides: Partial<TrainConfig>): TrainConfig {
  return {
    ...DEFAULT_CONFIG, ...toyCycleFamily.defaults, model: 'toy-cycle', imageShape: [1, 28, 28], numClasses: 10,
    batchSize: 8, epochs: null, steps: 24, metricsEvery: 1, logEvery: 8, ...overrides,
  } as TrainConfig;
}

describe('a two-generator, two-discriminator family through the trainer', () => {
  it('trains with its own scalars and log line, checkpoints every network and optimizer by name, and keeps memory flat', async () => {
    const out = tempDir('toy-cycle');
    const lines: string[] = [];
    const before = memory().liveTensors;
    const result = await train(config({}), digits, out, null, { log: (line) => lines.push(line) });
    assert.equal(result.progress.step, 24);
    assert.equal(memory().liveTensors, before, 'the run frees every tensor');
    assert.match(lines.join('\n'), /\[3\/3\]\[8\/8\] Loss_G: \d+\.\d{4} Loss_D_A \/ D_B: \d+\.\d{4} \/ \d+\.\d{4} Cycle: \d+\.\d{4}/);
    const records = readMetrics(out);
    assert.equal(records.length, 24);
    for (const r of records) for (const key of ['loss_g', 'loss_d_a', 'loss_d_b', 'loss_cycle']) assert.ok(Number.isFinite(r[key]), `${key} at ${r.step}`);
    assert.equal(new Set(records.slice(2).map((r) => r.live_tensors)).size, 1, 'live tensors flat across steps');
    assert.ok(records.at(-1)!.loss_cycle < records[0].loss_cycle, 'the cycle loss falls');

    const checkpoint = readCheckpoint(path.join(out, 'checkpoints', 'last.safetensors'));
    const prefixes = new Set([...checkpoint.tensors.keys()].map((k) => k.split('.')[0]));
    checkpoint.dispose();
    assert.deepEqual([...prefixes].sort(), ['D_A', 'D_B', 'G_AB', 'G_BA', 'fixed_a', 'optD_A', 'optD_B', 'optG', 'rng_state']);
    assert.ok(fs.existsSync(path.join(out, 'samples', 'epoch-0003.png')), 'a preview grid per epoch');
  });

  it('a run stopped at step 10 and resumed ends with the same scalars and weights as one run straight through', async () => {
    const root = tempDir('toy-cycle-resume');
    const straight = path.join(root, 'straight');
    await train(config({ steps: 20 }), digits, straight, null, { log: () => undefined });
    const split = path.join(root, 'split');
    await trainInTwoSessions(config({ steps: 20 }), digits, split, 10);
    assert.deepEqual(readMetrics(split).map(deterministicToy), readMetrics(straight).map(deterministicToy));
    assertSameTensors(path.join(split, 'checkpoints', 'last.safetensors'), path.join(straight, 'checkpoints', 'last.safetensors'));
  });
});

function deterministicToy(r: Record<string, number>) {
  const { step, epoch, loss_g, loss_d_a, loss_d_b, loss_cycle } = r;
  return { step, epoch, loss_g, loss_d_a, loss_d_b, loss_cycle };
}
