// Fuzzing --config files: seeded mutations of a valid YAML and a valid JSON config, plus hand-picked hostile
// values, through the whole reading path (read + flag spellings + resolve + validate) in-process, and a
// handful through the real CLI: each resolves to a valid config or fails with one clean line, and a refused
// file leaves no run folder behind.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readTrainConfigFile } from '../../src/cli/config-file';
import { CONFIG_KEYS, TrainConfig, validateConfig } from '../../src/gan/config';
import { resolveConfig } from '../../src/gan/resolve';
import { tempDir } from '../helpers/fixtures';
import {
  assertCleanRefusal, assertEachDecodesOrFailsCleanly, assertFolderUnchanged, folderFingerprint, ganforgeMeasured, Mutation, mutations,
} from '../helpers/hostile';

const VALID_YAML = `# a small run, with flag spellings and config.json keys mixed
model: mlp
dataset: mnist
steps: 20
batch-size: 32
lrG: 0.0002
lr-d: 0.0002
ema: 0.99
loss: hinge
d_steps: 2
seed: 7
labelSmoothing: 0.1
imageShape: [1, 28, 28]
`;
const VALID_JSON = JSON.stringify({ recipe: 'dcgan-mnist', steps: 20, batchSize: 16, lrG: 1e-4, lrD: 4e-4, beta1: 0, beta2: 0.9, emaDecay: 0.999, gpWeight: 10, seed: 3 }, null, 2);

const nest = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);
const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`), 'seed: *i'].join('\n');

/** Hand-picked hostile files: [name, extension, text]. */
const HOSTILE: [string, 'yaml' | 'json', string][] = [
  ['proto-json', 'json', '{"__proto__": {"steps": 1, "polluted": true}}'],
  ['proto-yaml', 'yaml', '__proto__:\n  steps: 1\n'],
  ['constructor-key', 'yaml', 'constructor: 1\n'],
  ['toString-key', 'json', '{"toString": "x"}'],
  ['hasOwnProperty-key', 'yaml', 'hasOwnProperty: 1\n'],
  ['recipe-constructor', 'yaml', 'recipe: constructor\n'],
  ['recipe-proto', 'json', '{"recipe": "__proto__"}'],
  ['model-toString', 'yaml', 'model: toString\n'],
  ['loss-hasOwnProperty', 'yaml', 'model: mlp\nloss: hasOwnProperty\n'],
  ['deep-json-value', 'json', `{"seed": ${nest(100_000, '[', ']')}}`],
  ['deep-json-object', 'json', nest(100_000, '{"a":', '}')],
  ['deep-yaml', 'yaml', `seed: ${nest(20_000, '[', ']')}\n`],
  ['deep-yaml-block', 'yaml', Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n'],
  ['huge-number', 'json', '{"model": "mlp", "seed": 1e400}'],
  ['huge-integer', 'yaml', 'model: mlp\nbatchSize: 99999999999999999999999\n'],
  ['negative-zero', 'yaml', 'model: mlp\nsteps: -0\n'],
  ['yaml-nan', 'yaml', 'model: mlp\nlsganA: .nan\n'],
  ['yaml-inf', 'yaml', 'model: mlp\ngpWeight: .inf\n'],
  ['yaml-minus-inf', 'yaml', 'model: mlp\ntimeBudget: -.inf\n'],
  ['string-for-number', 'yaml', 'model: mlp\nseed: "7"\n'],
  ['string-for-number-flag-spelling', 'yaml', 'model: mlp\nbatch-size: lots\n'],
  ['array-for-scalar', 'json', '{"model": "mlp", "lrG": [0.1]}'],
  ['object-for-nullable', 'json', '{"model": "mlp", "width": {"a": 1}}'],
  ['object-for-recipe', 'json', '{"recipe": {"steps": 1}}'],
  ['array-for-model', 'yaml', 'model: [mlp]\n'],
  ['null-for-number', 'yaml', 'model: mlp\nbatchSize: ~\n'],
  ['wrong-shape', 'yaml', 'model: mlp\nimageShape: [1, 28]\n'],
  ['billion-laughs', 'yaml', laughs],
  ['alias-to-self', 'yaml', 'a: &a [*a]\n'],
  ['unknown-tag', 'yaml', 'model: !js/function "x"\n'],
  ['yaml-1.1-date', 'yaml', '%YAML 1.1\n---\nmodel: mlp\nseed: 2001-12-14\n'],
  ['yaml-1.1-binary', 'yaml', '%YAML 1.1\n---\nmodel: mlp\ndataset: !!binary aGVsbG8=\n'],
  ['yaml-set', 'yaml', '%YAML 1.1\n---\n!!set\n? model\n'],
  ['two-documents', 'yaml', 'model: mlp\n---\nmodel: dcgan\n'],
  ['duplicate-key', 'yaml', 'seed: 1\nseed: 2\n'],
  ['two-spellings', 'yaml', 'ema: 0.9\nemaDecay: 0.99\n'],
  ['top-level-list', 'json', '[1, 2, 3]'],
  ['top-level-string', 'yaml', '"just a string"\n'],
  ['empty', 'yaml', ''],
  ['only-comment', 'yaml', '# nothing\n'],
  ['nul-bytes', 'json', '{"model": "mlp\u0000"}'],
  ['newline-key', 'json', '{"a\\nb\\nc": 1}'],
  ['long-key', 'json', `{"${'k'.repeat(100_000)}": 1}`],
  ['bom', 'json', '\ufeff{"model": "mlp"}'],
  ['lone-surrogate', 'json', '{"model": "\\ud800"}'],
  ['control-chars', 'yaml', 'model: "\\x07\\x1b[31m"\n'],
];

describe('config file fuzz', () => {
  const dir = tempDir('config-fuzz');
  let counter = 0;
  // The whole in-process path the train command takes before it loads data.
  const decode = (ext: string) => (bytes: Buffer): TrainConfig => {
    const file = path.join(dir, `case-${counter++}.${ext}`);
    fs.writeFileSync(file, bytes);
    try {
      return validateConfig(resolveConfig({ file: { path: file, values: readTrainConfigFile(file) }, flags: {} }));
    } finally {
      fs.rmSync(file, { force: true });
    }
  };
  const valid = (config: TrainConfig, m: Mutation) => {
    assert.equal(Object.getPrototypeOf(config), Object.prototype, `${m.name}: the config's prototype changed`);
    for (const key of Object.keys(config)) assert.ok((CONFIG_KEYS as string[]).includes(key), `${m.name}: stray key ${key}`);
    for (const key of CONFIG_KEYS) {
      const v = config[key];
      if (typeof v === 'number') assert.ok(Number.isFinite(v), `${m.name}: ${key} is ${v}`);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, `${m.name}: Object.prototype was polluted`);
  };

  it('the valid files resolve as written', () => {
    const yaml = decode('yaml')(Buffer.from(VALID_YAML));
    assert.deepEqual([yaml.model, yaml.batchSize, yaml.emaDecay, yaml.dSteps, yaml.loss, yaml.steps], ['mlp', 32, 0.99, 2, 'hinge', 20]);
    const json = decode('json')(Buffer.from(VALID_JSON));
    assert.deepEqual([json.recipe, json.model, json.lrD, json.emaDecay], ['dcgan-mnist', 'dcgan', 4e-4, 0.999]);
  });

  it('seeded mutations and hand-picked hostile files: a valid config or one clean line each', () => {
    const started = Date.now();
    let total = 0;
    for (const [ext, text, seed] of [['yaml', VALID_YAML, 11], ['json', VALID_JSON, 12]] as const) {
      const cases = mutations(Buffer.from(text), { seed, flips: 400, headerBytes: text.length });
      const { failed, decoded } = assertEachDecodesOrFailsCleanly(cases, decode(ext), valid);
      assert.ok(failed > 0 && decoded > 0, `${ext}: ${failed} refused, ${decoded} decoded`);
      total += cases.length;
    }
    for (const ext of ['yaml', 'json'] as const) {
      const cases = HOSTILE.filter(([, e]) => e === ext).map(([name, , text]) => ({ name, bytes: Buffer.from(text) }));
      assertEachDecodesOrFailsCleanly(cases, decode(ext), valid);
      total += cases.length;
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`# config fuzz: ${total} cases in ${seconds.toFixed(1)} s`);
    assert.ok(seconds < 20, `took ${seconds} s`);
  });

  it('hostile values are refused with the reason, not just any line', () => {
    const refusal = (name: string) => {
      const [, ext, text] = HOSTILE.find(([n]) => n === name)!;
      try {
        decode(ext)(Buffer.from(text));
      } catch (err) {
        return (err as Error).message;
      }
      assert.fail(`${name} was accepted`);
    };
    assert.match(refusal('proto-json'), /unknown key '__proto__'$/);
    assert.match(refusal('proto-yaml'), /unknown key '__proto__'$/);
    assert.match(refusal('recipe-constructor'), /^unknown recipe 'constructor'/);
    assert.match(refusal('yaml-nan'), /^lsganA must be a finite number, got NaN$/);
    assert.match(refusal('huge-number'), /^seed must be a finite number, got Infinity$/);
    assert.match(refusal('huge-integer'), /^batchSize must be a positive integer/);
    assert.match(refusal('deep-json-value'), /'seed' must be a number, got an array$/);
    assert.match(refusal('billion-laughs'), /not valid YAML \(Excessive alias count/);
    assert.match(refusal('two-spellings'), /'ema' and 'emaDecay' both set emaDecay; keep one$/);
    assert.match(refusal('unknown-tag'), /not valid YAML \(Unresolved tag: !js\/function/);
    assert.match(refusal('two-documents'), /several documents/);
    assert.match(refusal('long-key'), /unknown key 'k{50,}\.\.\.'$/);
  });

  it('through the CLI: one line, exit non-zero, bounded memory, no run folder', { timeout: 120_000 }, () => {
    const root = tempDir('config-fuzz-cli');
    // Each run loads libtorch (~2 s), so a handful: a key, a recipe, an alias bomb, a value refused only after the
    // data is loaded, two spellings, a truncated file and an endless one.
    const picked = ['proto-json', 'recipe-constructor', 'billion-laughs', 'yaml-nan', 'two-spellings'];
    const files = picked.map((name) => {
      const [, ext, text] = HOSTILE.find(([n]) => n === name)!;
      const file = path.join(root, `${name}.${ext}`);
      fs.writeFileSync(file, text);
      return [name, file];
    });
    const truncated = path.join(root, 'truncated.json');
    fs.writeFileSync(truncated, VALID_JSON.slice(0, 40));
    files.push(['truncated', truncated], ['dev-zero', '/dev/zero']);
    const before = folderFingerprint(root);
    for (const [name, file] of files) {
      const out = path.join(root, `run-${name}`);
      const result = ganforgeMeasured(['train', '--config', file, '--steps', '1', '--out', out], { timeoutMs: 60_000 });
      assertCleanRefusal(result, name, { pattern: /^ganforge train: /, maxRssMiB: 1024 });
      assert.ok(!fs.existsSync(out), `${name}: ${out} was created`);
      assertFolderUnchanged(root, before, name);
    }
  });
});
