import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CONFIG_BOUNDS, DEFAULT_CONFIG, mergeConfig, parseStoredConfig, validateConfig } from '../../src/gan/config';
import { RECIPES } from '../../src/gan/recipes';
import { readConfigFile, resolveConfig } from '../../src/gan/resolve';
import { tempDir } from '../helpers/fixtures';

describe('config layering', () => {
  it('no recipe and no model: the default recipe; a model alone brings its own defaults', () => {
    const plain = resolveConfig({ flags: {} });
    assert.equal(plain.recipe, 'default');
    assert.equal(plain.model, RECIPES.default.config.model);
    const conv = resolveConfig({ flags: { model: 'conv' } });
    assert.equal(conv.recipe, null);
    assert.deepEqual([conv.lrG, conv.amsgrad, conv.beta1], [1e-3, true, 0.9]);
    // Unlabelled data: the implicit recipe is the unconditional twin; a named recipe or model is kept.
    const unlabelled = resolveConfig({ flags: {}, labelled: false });
    assert.deepEqual([unlabelled.recipe, unlabelled.model], ['default-unlabelled', RECIPES['default-unlabelled'].config.model]);
    assert.equal(resolveConfig({ recipe: 'default', flags: {}, labelled: false }).recipe, 'default');
    assert.equal(resolveConfig({ flags: { model: 'mlp' }, labelled: false }).recipe, null);
  });

  it('recipe ← file ← flags, later layers winning; steps replaces epochs', () => {
    const file = { path: 'x.yaml', values: { lrG: 5e-4, batchSize: 32, steps: 100 } };
    const config = resolveConfig({ recipe: 'wgan-gp-mnist', file, flags: { batchSize: 16 } });
    assert.deepEqual([config.model, config.loss, config.dSteps], ['mlp', 'wgan-gp', 5]);
    assert.deepEqual([config.lrG, config.lrD, config.batchSize, config.steps, config.epochs], [5e-4, 1e-4, 16, 100, null]);
  });

  it('an unknown key or a wrong type is an error naming it; unknown recipes and models too', () => {
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { batch_size: 3 }, 'run.yaml'), /run\.yaml: unknown key 'batch_size' \(did you mean 'batchSize'\?\)/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { lrG: '0.1' }, 'run.json'), /run\.json: 'lrG' must be number, got "0\.1"/);
    assert.throws(() => resolveConfig({ recipe: 'nope', flags: {} }), /unknown recipe 'nope' \(available: default, /);
    assert.throws(() => resolveConfig({ flags: { model: 'gpt' } }), /unknown model 'gpt'/);
    assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, beta1: 1 }), /beta1 must be in \[0, 1\)/);
    assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, steps: 5 }), /exactly one of epochs and steps/);
  });

  it('reads YAML and JSON files, and names a broken one', () => {
    const dir = tempDir('config');
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'recipe: dcgan-mnist\nloss: hinge\nemaDecay: 0.99\n');
    fs.writeFileSync(path.join(dir, 'b.json'), '{"loss": "lsgan"}');
    fs.writeFileSync(path.join(dir, 'c.yaml'), 'loss: [unclosed\n');
    const a = readConfigFile(path.join(dir, 'a.yaml'));
    assert.deepEqual(a, { recipe: 'dcgan-mnist', loss: 'hinge', emaDecay: 0.99 });
    const config = resolveConfig({ file: { path: 'a.yaml', values: a }, flags: {} });
    assert.deepEqual([config.recipe, config.model, config.loss, config.emaDecay], ['dcgan-mnist', 'dcgan', 'hinge', 0.99]);
    assert.deepEqual(readConfigFile(path.join(dir, 'b.json')), { loss: 'lsgan' });
    assert.throws(() => readConfigFile(path.join(dir, 'c.yaml')), /c\.yaml: not valid YAML/);
    assert.throws(() => readConfigFile(path.join(dir, 'missing.json')), /cannot read config file .*missing\.json/);
  });

  it('every recipe resolves to a valid config', () => {
    for (const name of Object.keys(RECIPES)) validateConfig(resolveConfig({ recipe: name, flags: {} }));
  });
});

describe('a stored config (checkpoint metadata, config.json) is untrusted input', () => {
  const good = { ...DEFAULT_CONFIG, epochs: null, steps: 10 };
  const refuse = (value: unknown, pattern: RegExp) => {
    assert.throws(() => parseStoredConfig(value, 'ckpt'), (err: Error) => {
      assert.match(err.message, /^ckpt: /);
      assert.match(err.message, pattern);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  };

  it('accepts a real config', () => {
    assert.deepEqual(parseStoredConfig(JSON.parse(JSON.stringify(good)), 'ckpt'), good);
  });

  it('refuses non-objects, missing keys and wrong types', () => {
    refuse(null, /not an object/);
    refuse([1, 2], /not an object/);
    refuse('mlp', /not an object/);
    const { latentDim: _l, ...missing } = good;
    refuse(missing, /lacks latentDim/);
    refuse({ ...good, latentDim: '100' }, /'latentDim' must be number/);
    refuse({ ...good, imageShape: 'big' }, /'imageShape' must be object/);
    refuse({ ...good, amsgrad: 1 }, /'amsgrad' must be boolean/);
    refuse({ ...good, extra: 1 }, /unknown key 'extra'/);
  });

  it("refuses '__proto__' and 'constructor' keys instead of copying them (mergeConfig checks own keys only)", () => {
    refuse(JSON.parse(`{${JSON.stringify(good).slice(1, -1)}, "__proto__": {"latentDim": 5}}`), /unknown key '__proto__'/);
    refuse({ ...good, constructor: 'x' }, /unknown key 'constructor'/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, JSON.parse('{"__proto__": {"polluted": 1}}'), 'file'), /unknown key '__proto__'/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses values out of bounds: sizes that would build a huge model, unknown models, bad image shapes', () => {
    refuse({ ...good, latentDim: 1e6 }, /latentDim must be at most 4096, got 1000000/);
    refuse({ ...good, latentDim: -100 }, /latentDim must be a positive integer/);
    refuse({ ...good, latentDim: 2.5 }, /latentDim must be a positive integer/);
    refuse({ ...good, width: CONFIG_BOUNDS.width + 1 }, /width must be at most/);
    refuse({ ...good, numClasses: -1 }, /numClasses must be a non-negative integer/);
    refuse({ ...good, numClasses: 1e9 }, /numClasses must be at most/);
    refuse({ ...good, model: 'resnet' }, /unknown model 'resnet'/);
    refuse({ ...good, imageShape: [1, 28] }, /imageShape must be three positive integers/);
    refuse({ ...good, imageShape: [1, 28, 0] }, /imageShape must be three positive integers/);
    refuse({ ...good, imageShape: [1, '28', 28] }, /imageShape must be three positive integers/);
    refuse({ ...good, imageShape: [5, 28, 28] }, /imageShape channels must be at most 4/);
    refuse({ ...good, imageShape: [1, 1e5, 28] }, /imageShape height must be at most/);
    refuse({ ...good, gridSize: 1e7 }, /gridSize must be at most/);
    refuse({ ...good, lsganA: 1e999 }, /lsganA must be a finite number/);
    refuse({ ...good, steps: null }, /exactly one of epochs and steps/);
    refuse({ ...good, dataset: '' }, /dataset must be a non-empty string/);
  });
});
