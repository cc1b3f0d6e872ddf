// Hostile checkpoints: thousands of byte-level mutations of a real (tiny) checkpoint, and hostile values in
// its config and progress metadata, each read in-process through readCheckpoint and the model loading behind
// it: it loads cleanly or fails with one line. Then a seeded handful through the CLI (`sample`, and `train
// --resume` on a run whose checkpoint was replaced): one line, non-zero exit, bounded memory, run untouched.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { AdversarialFamily, modelSpec } from '../../src/gan/adversarial';
import { readCheckpoint, restoreNetwork, section } from '../../src/gan/checkpoint';
import { CONFIG_BOUNDS, CONFIG_KEYS } from '../../src/gan/config';
import { familyFor } from '../../src/gan/registry';
import { Linear } from '../../src/nn';
import { tensor } from '../../src/torch';
import { ganforge, tempDir } from '../helpers/fixtures';
import {
  assertCleanRefusal, assertEachDecodesOrFailsCleanly, assertFolderUnchanged, folderFingerprint, ganforgeMeasured, Mutation, mutations, pick, seededRandom,
} from '../helpers/hostile';
import { copyRun, rewriteCheckpoint, tinyDigitsFolder } from '../helpers/tiny-run';

// A normal `sample` of this tiny run peaks near 225 MiB here (node + libtorch); refusals must stay under this.
const RSS_CAP_MIB = 400;

describe('fuzz: hostile checkpoint files', () => {
  const root = tempDir('fuzz-ckpt');
  const data = tinyDigitsFolder(64, 8);
  const run = path.join(root, 'run');
  // A tiny DCGAN (8×8 images, width 2, latent 4) with a moving average: every section, BatchNorm buffers, a ~7 KB file.
  const made = ganforge(['train', '--model', 'dcgan', '--width', '2', '--latent-dim', '4', '--dataset', data, '--batch-size', '32',
    '--steps', '4', '--grid-size', '4', '--ema', '0.9', '--out', run]);
  assert.equal(made.status, 0, made.stderr);
  const checkpointFile = path.join(run, 'checkpoints', 'last.safetensors');
  const original = fs.readFileSync(checkpointFile);
  const headerEnd = 8 + Number(original.readBigUInt64LE(0));
  const scratch = path.join(root, 'case.safetensors');

  /** What `sample` and `--resume` do with a checkpoint before using it: read, check, build and load the networks. */
  const load = (bytes: Buffer) => {
    fs.writeFileSync(scratch, bytes);
    const checkpoint = readCheckpoint(scratch);
    const family = familyFor(checkpoint.config) as AdversarialFamily;
    const g = family.parts.generator(modelSpec(checkpoint.config));
    const d = family.parts.discriminator(modelSpec(checkpoint.config));
    try {
      restoreNetwork(checkpoint, family.noiseSampler.weightsPrefix(checkpoint.config, false), g);
      d.loadStateDict(section(checkpoint, 'D.'), 'D'); // as sampling does not need D, its values are not judged here
      return checkpoint.config;
    } finally {
      g.dispose();
      d.dispose();
      checkpoint.dispose();
    }
  };
  const withinBounds = (config: ReturnType<typeof load>, m: Mutation) => {
    assert.ok(config.latentDim <= CONFIG_BOUNDS.latentDim && (config.width ?? 0) <= CONFIG_BOUNDS.width, `${m.name}: loaded an out-of-bounds config`);
  };

  it('thousands of byte mutations (truncations, header length extremes, bit flips) load or fail in one line', () => {
    const cases = [1, 2, 3].flatMap((seed) => mutations(original, {
      seed, flips: 800, headerBytes: headerEnd, fields: [{ name: 'headerLength', offset: 0, size: 8 }, { name: 'headerLength.low', offset: 0, size: 1 }],
    }));
    const { failed, decoded } = assertEachDecodesOrFailsCleanly(cases, load, withinBounds);
    assert.ok(cases.length >= 2400, `${cases.length} cases`);
    assert.ok(failed > cases.length / 3, `only ${failed} of ${cases.length} refused`);
    console.log(`# byte mutations: ${cases.length} cases, ${failed} refused, ${decoded} loaded`);
  });

  it('hostile values in every config and progress key load or fail in one line', () => {
    const hostile: unknown[] = [1e6, 4097, -1, 0, 0.5, 1e308, -1e308, 'x', '', null, true, [], {}, [1, 1e9, 1e9], { __proto__: { a: 1 } }];
    const cases: Mutation[] = [];
    for (const key of CONFIG_KEYS) {
      for (const value of hostile) cases.push({ name: `config.${key}=${JSON.stringify(value)}`, bytes: rewriteCheckpoint(original, (p) => (p.config[key] = value)) });
      cases.push({ name: `config without ${key}`, bytes: rewriteCheckpoint(original, (p) => delete p.config[key]) });
    }
    for (const key of ['step', 'epoch', 'batchInEpoch', 'elapsedMs']) {
      for (const value of hostile) cases.push({ name: `progress.${key}=${JSON.stringify(value)}`, bytes: rewriteCheckpoint(original, (p) => (p.progress[key] = value)) });
    }
    cases.push(
      { name: 'model resnet', bytes: rewriteCheckpoint(original, (p) => (p.config.model = 'resnet')) },
      { name: 'model mlp', bytes: rewriteCheckpoint(original, (p) => (p.config.model = 'mlp')) },
      { name: 'model __proto__', bytes: rewriteCheckpoint(original, (p) => (p.config.model = '__proto__')) },
      { name: 'config.__proto__', bytes: rewriteCheckpoint(original, (p) => Object.defineProperty(p.config, '__proto__', { value: { latentDim: 1e6 }, enumerable: true })) },
      { name: 'no fixed_noise', bytes: rewriteCheckpoint(original, (p) => p.tensors.delete('fixed_noise')) },
      { name: 'no rng_state', bytes: rewriteCheckpoint(original, (p) => p.tensors.delete('rng_state')) },
      { name: 'no G tensor', bytes: rewriteCheckpoint(original, (p) => p.tensors.delete([...p.tensors.keys()].find((k) => k.startsWith('G.'))!)) },
      { name: 'extra tensor', bytes: rewriteCheckpoint(original, (p) => p.tensors.set('evil', p.tensors.get('rng_state')!)) },
    );
    // The metadata entries themselves replaced by non-JSON text (rewriteCheckpoint sets config/progress last).
    for (const key of ['config', 'progress', 'format', 'version']) {
      const parts = rewriteCheckpoint(original, () => undefined);
      cases.push({ name: `${key} not JSON`, bytes: Buffer.from(parts.toString('latin1').replace(`"${key}":"`, `"${key}":"}{`), 'latin1') });
    }
    const { failed, decoded } = assertEachDecodesOrFailsCleanly(cases, load, withinBounds);
    console.log(`# metadata mutations: ${cases.length} cases, ${failed} refused, ${decoded} loaded`);
    assert.ok(failed > cases.length / 2);
  });

  it('loadStateDict refuses a tensor of another dtype, by name, instead of converting it', () => {
    const layer = new Linear(2, 3);
    const state = new Map([['weight', tensor(new Float64Array(6), [3, 2], 'float64')], ['bias', tensor(new Float32Array(3), [3])]]);
    assert.throws(() => layer.loadStateDict(state, 'ckpt'), /^Error: ckpt does not fit Linear: wrong dtype weight \(expected float32, found float64\)$/);
    layer.dispose();
    state.forEach((t) => t.dispose());
  });

  it('a seeded handful through the CLI: one line, non-zero exit, bounded memory, the run untouched', () => {
    const normal = ganforgeMeasured(['sample', '--checkpoint', run, '--n', '4', '--out', path.join(root, 'ok.npy')]);
    assert.equal(normal.status, 0, normal.stderr);
    console.log(`# a normal sample peaks at ${normal.maxRssMiB!.toFixed(0)} MiB; cap ${RSS_CAP_MIB} MiB`);
    // Cases the in-process reader refuses, picked by seed; plus two metadata lies.
    const refused = mutations(original, { seed: 7, flips: 200, headerBytes: headerEnd, fields: [{ name: 'headerLength', offset: 0, size: 8 }] }).filter((m) => {
      try {
        load(m.bytes);
        return false;
      } catch {
        return true;
      }
    });
    const random = seededRandom(11);
    const chosen = Array.from({ length: 3 }, () => refused[pick(random, refused.length)]);
    // In bounds, and a model of trillions of values: refused by the element count before anything is built.
    chosen.push({ name: 'width 1024, 4096² images', bytes: rewriteCheckpoint(original, (p) => Object.assign(p.config, { width: 1024, imageShape: [1, 4096, 4096] })) });
    const target = copyRun(run, path.join(root, 'target'));
    // Each CLI run costs seconds: `sample` takes all four, `--resume` (which loads the data too) every other one.
    for (const [i, m] of chosen.entries()) {
      const file = path.join(root, 'mutated.safetensors');
      fs.writeFileSync(file, m.bytes);
      assertCleanRefusal(ganforgeMeasured(['sample', '--checkpoint', file, '--n', '4', '--out', path.join(root, 'x.npy')]), `sample ${m.name}`,
        { maxRssMiB: RSS_CAP_MIB, pattern: /^ganforge sample: .*mutated\.safetensors/ });
      assert.ok(!fs.existsSync(path.join(root, 'x.npy')));
      if (i % 2 === 1) continue;
      fs.writeFileSync(path.join(target, 'checkpoints', 'last.safetensors'), m.bytes);
      const before = folderFingerprint(target);
      assertCleanRefusal(ganforgeMeasured(['train', '--out', target, '--resume']), `resume ${m.name}`, { maxRssMiB: RSS_CAP_MIB });
      assertFolderUnchanged(target, before, `resume ${m.name}`);
    }
  });
});
