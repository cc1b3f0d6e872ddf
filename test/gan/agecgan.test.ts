// Age-cGAN: its networks' shapes and sizes, a few training steps on tiny attributed faces with finite losses and
// flat live tensors, a resume through the trainer that ends bit-identical, the identity-preserving latent
// optimisation lowering its objective, and `ganforge edit` / `eval` on a tiny run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { writeAttributedFaces } from '../../src/data/attributed-folder';
import type { ImageDataset } from '../../src/data/dataset';
import { loadDataset } from '../../src/data/select';
import type { TrainConfig } from '../../src/gan/config';
import { ageDomains, agecganFamily } from '../../src/gan/models/agecgan';
import { invertFaces } from '../../src/gan/models/agecgan-inversion';
import { AgeDiscriminator, ageDiscriminatorSize, AgeEncoder, ageEncoderSize, AgeGenerator, ageGeneratorSize, classifierNetSize } from '../../src/gan/models/agecgan-parts';
import { buildRun } from '../../src/gan/registry';
import { resolveConfig } from '../../src/gan/resolve';
import { train } from '../../src/gan/trainer';
import { ClassifierNet } from '../../src/metrics/classifier';
import { bytesToSignedTensor } from '../../src/data/pixels';
import { decodePng } from '../../src/io/png';
import { manualSeed, memory, randn, tensor, tidy } from '../../src/torch';
import { ganforge, readMetrics, tempDir } from '../helpers/fixtures';
import { assertSameTensors, trainInTwoSessions } from '../helpers/same-checkpoint';
import { stepRun } from '../helpers/tiny-run';

const SIZE = 16;
const root = tempDir('agecgan');
const folder = path.join(root, 'faces');

function config(data: ImageDataset, overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...resolveConfig({ flags: { model: 'agecgan', steps: 10, batchSize: 8, width: 4, latentDim: 8, metricsEvery: 1, logEvery: 5, ...overrides } }),
    imageShape: [data.channels, data.height, data.width],
    numClasses: 0,
    attributes: data.attributes!.names.join(','),
  };
}

const count = (m: { stateDict(): Map<string, { numel: number }> }) => [...m.stateDict().values()].reduce((n, t) => n + t.numel, 0);

describe('Age-cGAN networks', () => {
  it('G draws images per age, D scores (image, age), E maps images to latents; sizes match the counts', () => {
    manualSeed(1);
    for (const shape of [[3, 16, 16], [3, 32, 32], [1, 28, 28]] as [number, number, number][]) {
      const g = new AgeGenerator(8, shape, 3, 4);
      const d = new AgeDiscriminator(shape, 3, 4);
      const e = new AgeEncoder(shape, 8, 4);
      tidy(() => {
        const ages = tensor([0, 2], [2]).to({ dtype: 'int64' });
        const z = randn([2, 8]);
        const x = g.forward(z, ages);
        assert.deepEqual(x.shape, [2, ...shape]);
        assert.ok(x.abs().max().item() <= 1, 'tanh output');
        // The age changes the drawing, and D's score.
        assert.ok(g.forward(z, tensor([1, 1], [2]).to({ dtype: 'int64' })).sub(x).abs().max().item() > 1e-4);
        assert.deepEqual(d.forward(x, ages).shape, [2, 1]);
        assert.ok(d.forward(x, ages).sub(d.forward(x, tensor([1, 1], [2]).to({ dtype: 'int64' }))).abs().max().item() > 1e-6);
        assert.deepEqual(e.forward(x).shape, [2, 8]);
      });
      assert.equal(count(g), ageGeneratorSize(8, shape, 3, 4), `G ${shape}`);
      assert.equal(count(d), ageDiscriminatorSize(shape, 3, 4), `D ${shape}`);
      assert.equal(count(e), ageEncoderSize(shape, 8, 4), `E ${shape}`);
      const c = new ClassifierNet(shape, 7);
      assert.equal(count(c), classifierNetSize(shape, 7), `classifier ${shape}`);
      [g, d, e, c].forEach((m) => m.dispose());
    }
  });

  it('conditions on the age group of attribute data, or on the classes', () => {
    assert.deepEqual(ageDomains({ attributes: 'Black_Hair,Blond_Hair,Young,Middle_Aged,Old', numClasses: 0 })!.names, ['Young', 'Middle_Aged', 'Old']);
    assert.equal(ageDomains({ attributes: 'Black_Hair,Blond_Hair', numClasses: 0 }), null);
    assert.equal(ageDomains({ attributes: null, numClasses: 4 })!.names.length, 4);
    assert.match(agecganFamily.unsupported!({ imageShape: [3, 16, 16], latentDim: 8, numClasses: 0, width: 4, attributes: 'Smiling' } as never) ?? '', /needs age groups/);
  });
});

describe('Age-cGAN trains', () => {
  let data: ImageDataset;
  before(async () => {
    writeAttributedFaces(folder, { n: 48, testPeople: 4, size: SIZE, seed: 3 });
    data = await loadDataset(folder, { imageSize: SIZE });
  });

  it('a few steps: finite losses, live tensors flat', () => {
    const run = buildRun(config(data), data);
    const { scalars, live } = stepRun(run, 10);
    run.dispose();
    for (const s of scalars) for (const key of ['loss_d', 'loss_g', 'loss_e', 'loss_id', 'loss_age']) assert.ok(Number.isFinite(s[key]), `${key}: ${JSON.stringify(s)}`);
    assert.equal(new Set(live.slice(2)).size, 1, `live tensors flat: ${[...new Set(live)]}`);
  });

  it('refuses data without people, and data without ages, in one line', () => {
    const anonymous = { ...data, identities: undefined };
    assert.throws(() => buildRun(config(data), anonymous), /model 'agecgan' needs the people of its training images/);
    assert.throws(() => buildRun({ ...config(data), attributes: 'Smiling' }, data), /needs age groups/);
  });

  it('through the trainer: a grid of every age per noise row, and a resume that ends bit-identical', async () => {
    const straight = path.join(root, 'straight');
    const before = memory().liveTensors;
    await train(config(data, { steps: 12 }), data, straight, null, { log: () => undefined });
    assert.equal(memory().liveTensors, before, 'the run frees every tensor');
    const grid = decodePng(fs.readFileSync(path.join(straight, 'samples', 'epoch-0002.png')));
    // 4 preview rows (gridSize's default caps at 8; 4 fit twice per line), 3 ages each: 6 tiles of 18 per line.
    assert.equal(grid.width, 6 * (SIZE + 2) + 2);
    const split = path.join(root, 'split');
    await trainInTwoSessions(config(data, { steps: 12 }), data, split, 5);
    const keys = ['step', 'loss_d', 'loss_g', 'loss_e', 'loss_id', 'loss_age'];
    const pick = (r: Record<string, number>) => keys.map((k) => r[k]);
    assert.deepEqual(readMetrics(split).map(pick), readMetrics(straight).map(pick));
    assertSameTensors(path.join(split, 'checkpoints', 'last.safetensors'), path.join(straight, 'checkpoints', 'last.safetensors'));
  });

  it('the latent optimisation lowers its objective (identity features + pixels) from E(x)', () => {
    // Nets after 60 steps: at DCGAN's initialisation (weights N(0, 0.02)) and until batch norm's running
    // statistics have followed the small activations (momentum 0.1), G in eval mode draws ~0 whatever z is,
    // and there would be nothing to optimise.
    const run = buildRun(config(data), data);
    for (let step = 0; step < 60; step++) run.step({ step, epoch: Math.floor(step / run.batchesPerEpoch) + 1, batchInEpoch: step % run.batchesPerEpoch });
    const [generator, encoder, identity] = ['G', 'E', 'I'].map((name) => run.networks.get(name)) as [AgeGenerator, AgeEncoder, ClassifierNet];
    const before = memory().liveTensors;
    const { z, objective } = tidy(() => {
      const x = bytesToSignedTensor(tensor(data.heldOut!.images.subarray(0, 4 * 3 * SIZE * SIZE), [4, 3, SIZE, SIZE]));
      return invertFaces({ generator, encoder, identity }, x, tensor([0, 1, 2, 0], [4]).to({ dtype: 'int64' }), 30);
    });
    assert.equal(objective.length, 31);
    assert.ok(objective.every(Number.isFinite));
    assert.ok(objective[30] < 0.8 * objective[0], `objective ${objective[0]} → ${objective[30]}`);
    assert.deepEqual(z.shape, [4, 8]);
    z.dispose();
    assert.equal(memory().liveTensors, before, 'the optimisation frees its tensors');
    assert.ok(generator.training && generator.parameters().every((p) => p.requiresGrad), 'G is handed back as it came');
    run.dispose();
  });
});

describe('ganforge edit and eval on an Age-cGAN run', () => {
  it('edits a folder to an age keeping names, writes every age with --all, refuses other attributes naming the ages', () => {
    const data = path.join(root, 'cli-faces');
    assert.equal(ganforge(['data', 'faces', '--attributes', '--n', '150', '--test-n', '3', '--size', String(SIZE), '--out', data]).status, 0);
    const run = path.join(root, 'run');
    const trained = ganforge(['train', '--model', 'agecgan', '--dataset', data, '--image-size', String(SIZE), '--width', '4', '--latent-dim', '8', '--batch-size', '8', '--steps', '3', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const test = path.join(data, 'test');
    const inputs = fs.readdirSync(test).filter((f) => f.endsWith('.png'));
    const out = path.join(root, 'old');
    const done = ganforge(['edit', '--checkpoint', run, '--in', test, '--set', 'age=old', '--out', out]);
    assert.equal(done.status, 0, done.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), inputs.sort());
    const strips = path.join(root, 'strips');
    assert.equal(ganforge(['edit', '--checkpoint', run, '--in', path.join(test, inputs[0]), '--all', '--out', strips]).status, 0);
    const strip = decodePng(fs.readFileSync(path.join(strips, inputs[0])));
    assert.deepEqual([strip.width, strip.height], [4 * (SIZE + 2) + 2, SIZE + 4], 'the input and its three ages');
    const refused = ganforge(['edit', '--checkpoint', run, '--in', test, '--set', 'hair=blond', '--out', path.join(root, 'refused')]);
    assert.notEqual(refused.status, 0);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /this run has no attribute 'hair' \(it edits age=young\|middle\|old\)/);
    assert.ok(!fs.existsSync(path.join(root, 'refused')));

    const scored = ganforge(['eval', '--checkpoint', run, '--n', '6', '--json']);
    assert.equal(scored.status, 0, scored.stderr);
    const scores = JSON.parse(scored.stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(scores.attributes.map((a: { key: string }) => a.key), ['age']);
    assert.ok(scores.attributes[0].reached >= 0 && scores.attributes[0].reached <= 1);
  });
});
