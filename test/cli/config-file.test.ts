// `--config FILE` accepts the train flags' spellings as well as config.json's keys (defect 11), and keys
// that every object has are never taken for config keys (defect 9).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readTrainConfigFile, translateConfigKeys } from '../../src/cli/config-file';
import { validateConfig } from '../../src/gan/config';
import { resolveConfig } from '../../src/gan/resolve';
import { tempDir } from '../helpers/fixtures';

const resolved = (values: Record<string, unknown>) =>
  validateConfig(resolveConfig({ file: { path: 'f.yaml', values: translateConfigKeys(values, 'f.yaml') }, flags: {} }));

describe('config file spellings', () => {
  it('accepts flag spellings (kebab and snake case) as well as config keys', () => {
    const dir = tempDir('config-file');
    const file = path.join(dir, 'run.yaml');
    fs.writeFileSync(file, 'model: dcgan\nema: 0.99\nlr-g: 0.001\nd_steps: 2\nbatch-size: 32\nsteps: 10\nlabelSmoothing: 0.1\n');
    const config = validateConfig(resolveConfig({ file: { path: file, values: readTrainConfigFile(file) }, flags: {} }));
    assert.deepEqual([config.emaDecay, config.lrG, config.dSteps, config.batchSize, config.steps, config.labelSmoothing], [0.99, 0.001, 2, 32, 10, 0.1]);
  });

  it('lr sets both learning rates; lr-g / lrG win over it, as on the command line', () => {
    assert.deepEqual([resolved({ model: 'mlp', lr: 0.003 }).lrG, resolved({ model: 'mlp', lr: 0.003 }).lrD], [0.003, 0.003]);
    const both = resolved({ model: 'mlp', lr: 0.003, 'lr-g': 0.001 });
    assert.deepEqual([both.lrG, both.lrD], [0.001, 0.003]);
    const reversed = resolved({ model: 'mlp', lrD: 0.002, lr: 0.003 });
    assert.deepEqual([reversed.lrG, reversed.lrD], [0.003, 0.002]);
  });

  it('refuses two spellings of one key in one file', () => {
    assert.throws(() => translateConfigKeys({ ema: 0.9, emaDecay: 0.99 }, 'f.yaml'), /^Error: f\.yaml: 'ema' and 'emaDecay' both set emaDecay; keep one$/);
    assert.throws(() => translateConfigKeys({ 'lr-g': 1, lr_g: 2 }, 'f.json'), /'lr-g' and 'lr_g' both set lrG/);
    assert.throws(() => translateConfigKeys({ dSteps: 1, 'd-steps': 2 }, 'f.json'), /'dSteps' and 'd-steps' both set dSteps/);
  });

  it('an unknown key names the nearest config key', () => {
    assert.throws(() => resolved({ emaDecy: 0.9 }), /f\.yaml: unknown key 'emaDecy' \(did you mean 'emaDecay'\?\)/);
    assert.throws(() => resolved({ 'lr-gg': 0.9 }), /unknown key 'lr-gg' \(did you mean 'lrG'\?\)/);
    assert.throws(() => resolved({ out: 'runs/x' }), /^Error: f\.yaml: unknown key 'out'$/);
  });

  it('__proto__, constructor, toString and hasOwnProperty are refused by name, as keys and as values', () => {
    for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const values = JSON.parse(`{${JSON.stringify(word)}: {"steps": 1}}`) as Record<string, unknown>;
      const translated = translateConfigKeys(values, 'f.json');
      assert.ok(Object.hasOwn(translated, word), `${word} stays an own key`);
      assert.equal(Object.getPrototypeOf(translated), Object.prototype);
      assert.throws(() => resolved(values), new RegExp(`^Error: f\\.yaml: unknown key '${word}'$`));
      assert.throws(() => resolved({ recipe: word }), new RegExp(`^Error: unknown recipe '${word}'`));
      assert.throws(() => resolved({ model: word }), new RegExp(`^Error: unknown model '${word}'`));
      assert.throws(() => resolved({ model: 'mlp', loss: word }), new RegExp(`^RangeError: unknown loss '${word}'`));
    }
  });

  it('a dataset named like a prototype key is an unknown dataset, in one line', async () => {
    const { loadDataset } = await import('../../src/data/select');
    for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      await assert.rejects(loadDataset(word), new RegExp(`^Error: unknown dataset '${word}': expected 'mnist'`));
    }
  });
});

