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
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { lrG: '0.1' }, 'run.json'), /run\.json: 'lrG' must be a number, got "0\.1"/);
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

  it('keys every object has (__proto__, constructor, toString, hasOwnProperty) are not config keys, recipes or models', () => {
    for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      // As a config key, from JSON.parse (which makes '__proto__' an own key) and from an object literal.
      const values = JSON.parse(`{${JSON.stringify(word)}: {"steps": 5}}`) as Record<string, unknown>;
      assert.throws(() => mergeConfig(DEFAULT_CONFIG, values, 'run.json'), new RegExp(`^Error: run\\.json: unknown key '${word}'$`));
      assert.throws(() => resolveConfig({ file: { path: 'run.json', values }, flags: {} }), new RegExp(`run\\.json: unknown key '${word}'`));
      // As a recipe name (from a file or the library API) and as a model name.
      assert.throws(() => resolveConfig({ recipe: word, flags: {} }), (e: Error) => e.constructor === Error && new RegExp(`^unknown recipe '${word}' \\(available: default,`).test(e.message));
      assert.throws(() => resolveConfig({ file: { path: 'run.json', values: { recipe: word } }, flags: {} }), new RegExp(`^Error: unknown recipe '${word}'`));
      assert.throws(() => resolveConfig({ file: { path: 'run.json', values: { model: word } }, flags: {} }), new RegExp(`^Error: unknown model '${word}'`));
      assert.throws(() => resolveConfig({ flags: { model: word } }), new RegExp(`^Error: unknown model '${word}'`));
      assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, loss: word as never }), new RegExp(`^RangeError: unknown loss '${word}'`));
    }
    // What the unguarded merge did with '__proto__': replaced the config's prototype with the file's object.
    const merged = mergeConfig(DEFAULT_CONFIG, { steps: 5 }, 'x');
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  });

  it('value types are checked exactly: null only where allowed, no objects for nullable numbers, finite numbers', () => {
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { recipe: {} }, 'f'), /^Error: f: 'recipe' must be a string or null, got \{\}$/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { width: [64] }, 'f'), /'width' must be a number or null, got \[64\]/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { steps: '5' }, 'f'), /'steps' must be a number or null, got "5"/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { batchSize: null }, 'f'), /'batchSize' must be a number, got null/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { imageShape: [1, 'a', 3] }, 'f'), /'imageShape' must be a list of 3 numbers/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { seed: 'x'.repeat(1e6) }, 'f'), (e: Error) => e.message.length < 200);
    // A long or multi-line key is shown escaped and cut short: the message stays one line.
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { ['a\nb'.repeat(1000)]: 1 }, 'f'), (e: Error) => !e.message.includes('\n') && e.message.length < 200);
    for (const [key, value] of [['lsganA', NaN], ['gpWeight', Infinity], ['timeBudget', Infinity], ['lsganC', -Infinity]] as const) {
      assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, [key]: value }), new RegExp(`^RangeError: ${key} must be a finite number, got ${value}$`));
    }
    assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, dataset: '' }), /dataset must be a non-empty string/);
    assert.throws(() => resolveConfig({ file: { path: 'f.yaml', values: { model: 7 } }, flags: {} }), /^Error: f\.yaml: 'model' must be a string$/);
    assert.throws(() => resolveConfig({ file: { path: 'f.yaml', values: { recipe: '' } }, flags: {} }), /unknown recipe ''/);
  });

  it('an unknown key names the nearest known key', () => {
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { emaDecy: 0.9 }, 'f'), /unknown key 'emaDecy' \(did you mean 'emaDecay'\?\)/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { 'batch-size': 3 }, 'f'), /did you mean 'batchSize'/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { lrg: 1 }, 'f'), /did you mean 'lrG'/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { seeed: 1 }, 'f'), /did you mean 'seed'/);
    assert.throws(() => mergeConfig(DEFAULT_CONFIG, { colour: 1 }, 'f'), /^Error: f: unknown key 'colour'$/);
  });

  it('refuses config files that are not a plain mapping, too big, or not files', () => {
    const dir = tempDir('config-shape');
    const write = (name: string, text: string) => { fs.writeFileSync(path.join(dir, name), text); return path.join(dir, name); };
    assert.throws(() => readConfigFile(write('list.yaml', '- 1\n- 2\n')), /list\.yaml: expected a mapping of config keys/);
    assert.throws(() => readConfigFile(write('set.yaml', '%YAML 1.1\n---\n!!set\n? a\n? b\n')), /set\.yaml: expected a mapping of config keys/);
    assert.throws(() => readConfigFile(write('big.json', `{"dataset": "${'x'.repeat(1 << 20)}"}`)), /big\.json: \d+ bytes is too big for a config file/);
    assert.throws(() => readConfigFile(dir), /not a regular file/);
    assert.throws(() => readConfigFile(write('dup.yaml', 'seed: 1\nseed: 2\n')), /dup\.yaml: not valid YAML \(Map keys must be unique/);
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n');
    assert.throws(() => readConfigFile(write('laughs.yaml', laughs)), /laughs\.yaml: not valid YAML \(Excessive alias count/);
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
    refuse({ ...good, latentDim: '100' }, /'latentDim' must be a number, got "100"/);
    refuse({ ...good, imageShape: 'big' }, /'imageShape' must be a list of 3 numbers, got "big"/);
    refuse({ ...good, amsgrad: 1 }, /'amsgrad' must be a boolean, got 1/);
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
    // Every key with a closed set of values is checked from its spec, the recipe's name and the precision too.
    refuse({ ...good, recipe: 'dcgan-mnst' }, /unknown recipe 'dcgan-mnst' \(expected one of default, /);
    refuse({ ...good, precision: 'fp8' }, /unknown precision 'fp8' \(expected one of fp32, bf16, fp16\)/);
    refuse({ ...good, norm: 'layer' }, /unknown norm 'layer'/);
    refuse({ ...good, imageShape: [1, 28] }, /'imageShape' must be a list of 3 numbers, got \[1,28\]/);
    refuse({ ...good, imageShape: [1, 28, 0] }, /imageShape must be three positive integers/);
    refuse({ ...good, imageShape: [1, '28', 28] }, /'imageShape' must be a list of 3 numbers/);
    refuse({ ...good, imageShape: [5, 28, 28] }, /imageShape channels must be at most 4/);
    refuse({ ...good, imageShape: [1, 1e5, 28] }, /imageShape height must be at most/);
    refuse({ ...good, gridSize: 1e7 }, /gridSize must be at most/);
    refuse({ ...good, lsganA: 1e999 }, /lsganA must be a finite number/);
    refuse({ ...good, steps: null }, /exactly one of epochs and steps/);
    refuse({ ...good, dataset: '' }, /dataset must be a non-empty string/);
  });

  it('refuses bad stabiliser values in one line naming the key, and reads older configs without them as off', () => {
    refuse({ ...good, spectralNorm: 'g' }, /unknown spectralNorm 'g' \(expected one of none, d, gd\)/);
    refuse({ ...good, spectralNorm: true }, /'spectralNorm' must be a string, got true/);
    refuse({ ...good, diffAugment: 'colour' }, /diffAugment: unknown transform 'colour'/);
    refuse({ ...good, diffAugment: 'cutout,cutout' }, /diffAugment: 'cutout' is listed twice/);
    refuse({ ...good, r1Gamma: -1 }, /r1Gamma must be >= 0, got -1/);
    refuse({ ...good, r1Every: 0 }, /r1Every must be a positive integer, got 0/);
    refuse({ ...good, r1Every: 1.5 }, /r1Every must be a positive integer/);
    refuse({ ...good, orthoBeta: -1e-4 }, /orthoBeta must be >= 0/);
    refuse({ ...good, orthoBeta: Infinity }, /orthoBeta must be a finite number/);
    const { spectralNorm: _s, diffAugment: _d, r1Gamma: _r, r1Every: _e, orthoBeta: _o, ...older } = good;
    const read = parseStoredConfig(older, 'old');
    assert.deepEqual([read.spectralNorm, read.diffAugment, read.r1Gamma, read.r1Every, read.orthoBeta], ['none', '', 0, 1, 0]);
  });

  it("AC-GAN's classifier settings: the paper's for --model acgan, the default recipe's own, and what an older run had", () => {
    const paper = resolveConfig({ flags: { model: 'acgan' } });
    assert.deepEqual([paper.classifyFakes, paper.classWeight], [true, 1]);
    const recipe = resolveConfig({ flags: {} });
    assert.deepEqual([recipe.model, recipe.classifyFakes, recipe.classWeight], ['acgan', false, 3]);
    assert.equal(resolveConfig({ flags: { classifyFakes: true } }).classifyFakes, true, 'a flag overrides the recipe');
    refuse({ ...good, classifyFakes: 'no' }, /'classifyFakes' must be a boolean, got/);
    refuse({ ...good, classWeight: -1 }, /classWeight must be >= 0/);
    // A run stored before the key existed trained with D classifying G's images too.
    const { classifyFakes: _c, ...older } = good;
    assert.equal(parseStoredConfig(older, 'old').classifyFakes, true);
  });
});
