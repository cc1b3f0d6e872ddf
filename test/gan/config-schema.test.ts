// The config key table and the JSON Schema written from it: the table covers exactly the config keys, the schema
// is well formed, every recipe's config passes it, and it draws each bound exactly where validateConfig does.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CONFIG_KEYS, DEFAULT_CONFIG, TrainConfig, validateConfig } from '../../src/gan/config';
import { CONFIG_BOUNDS, CONFIG_KEY_SPECS } from '../../src/gan/config-keys';
import { JsonSchema, jsonSchema } from '../../src/gan/config-schema';
import { GAN_LOSSES } from '../../src/gan/losses';
import { RECIPES } from '../../src/gan/recipes';
import { MODEL_NAMES } from '../../src/gan/registry';
import { resolveConfig } from '../../src/gan/resolve';

const ROOT = path.join(__dirname, '..', '..', '..');

/** Keywords that only annotate; every other keyword the schema uses must be one `violations` checks. */
const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default']);
const CHECKED = new Set(['type', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'minItems', 'maxItems', 'prefixItems', 'items', 'properties', 'additionalProperties']);

function typeOf(value: unknown): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['number', 'integer'] : ['number'];
  return [typeof value];
}

/** A small validator for the subset of draft 2020-12 that jsonSchema() emits: the problems found, as paths. */
function violations(schema: JsonSchema | boolean, value: unknown, at = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at}: not allowed`];
  for (const keyword of Object.keys(schema)) assert.ok(ANNOTATIONS.has(keyword) || CHECKED.has(keyword), `unchecked keyword ${keyword} at ${at}`);
  const out: string[] = [];
  const types = schema.type === undefined ? undefined : ([] as string[]).concat(schema.type as string | string[]);
  if (types && !typeOf(value).some((t) => types.includes(t))) return [`${at}: not ${types.join(' or ')}`];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) out.push(`${at}: not one of the enum`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && !(value >= (schema.minimum as number))) out.push(`${at}: below minimum`);
    if (schema.maximum !== undefined && !(value <= (schema.maximum as number))) out.push(`${at}: above maximum`);
    if (schema.exclusiveMinimum !== undefined && !(value > (schema.exclusiveMinimum as number))) out.push(`${at}: not above exclusiveMinimum`);
    if (schema.exclusiveMaximum !== undefined && !(value < (schema.exclusiveMaximum as number))) out.push(`${at}: not below exclusiveMaximum`);
  }
  if (typeof value === 'string' && schema.minLength !== undefined && [...value].length < (schema.minLength as number)) out.push(`${at}: too short`);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < (schema.minItems as number)) out.push(`${at}: too few items`);
    if (schema.maxItems !== undefined && value.length > (schema.maxItems as number)) out.push(`${at}: too many items`);
    const prefix = (schema.prefixItems as JsonSchema[] | undefined) ?? [];
    value.forEach((item, i) => {
      const itemSchema = i < prefix.length ? prefix[i] : (schema.items as JsonSchema | boolean | undefined) ?? true;
      out.push(...violations(itemSchema, item, `${at}[${i}]`));
    });
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
    for (const [key, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, key)) out.push(...violations(properties[key], item, `${at}.${key}`));
      else if (schema.additionalProperties === false) out.push(`${at}.${key}: unknown key`);
    }
  }
  return out;
}

const schema = jsonSchema();
const schemaAccepts = (config: unknown) => violations(schema, config).length === 0;
const validatorAccepts = (config: TrainConfig) => {
  try {
    validateConfig(config);
    return true;
  } catch (err) {
    assert.ok(err instanceof RangeError, String(err));
    return false;
  }
};

/** DEFAULT_CONFIG with `key` set to `value`, keeping exactly one of epochs and steps. */
function withValue(key: keyof TrainConfig, value: unknown): TrainConfig {
  const config = { ...DEFAULT_CONFIG, [key]: value } as TrainConfig;
  if (key === 'steps' && value !== null) config.epochs = null;
  return config;
}

describe('config keys and their JSON Schema', () => {
  it('the key table covers exactly the config keys, each with a help line', () => {
    assert.deepEqual(Object.keys(CONFIG_KEY_SPECS).sort(), [...CONFIG_KEYS].sort());
    for (const key of CONFIG_KEYS) assert.match(CONFIG_KEY_SPECS[key].help, /^[a-zA-Z'].{9,}[^.]$/, key);
    assert.deepEqual(Object.keys(schema.properties as object), CONFIG_KEYS);
  });

  it('is a draft 2020-12 object schema: no key required, no other keys, every key typed, described and defaulted', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.required, undefined);
    assert.match(schema.description as string, /flag/);
    const typeNames = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'];
    for (const [key, property] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      const types = ([] as string[]).concat(property.type as string | string[]);
      assert.ok(types.length > 0 && types.every((t) => typeNames.includes(t)), `${key}: type ${JSON.stringify(property.type)}`);
      assert.ok(typeof property.description === 'string' && property.description.length > 20, `${key}: description`);
      assert.deepEqual(property.default, DEFAULT_CONFIG[key as keyof TrainConfig], `${key}: default`);
      assert.match(property.description as string, new RegExp(`default ${JSON.stringify(DEFAULT_CONFIG[key as keyof TrainConfig]).replace(/[[\]]/g, '\\$&')}\\)?\\.$`));
    }
    const properties = schema.properties as Record<string, JsonSchema>;
    assert.match(properties.imageShape.description as string, /filled in from the data/);
    assert.match(properties.numClasses.description as string, /filled in from the data/);
    assert.deepEqual(properties.model.enum, MODEL_NAMES);
    assert.deepEqual(properties.loss.enum, GAN_LOSSES);
    assert.deepEqual(properties.recipe.enum, [...Object.keys(RECIPES), null]);
    // The validator this file uses understands every keyword the schema has.
    assert.deepEqual(violations(schema, DEFAULT_CONFIG), []);
  });

  it('docs/config.schema.json is what `ganforge config schema` writes today', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'docs', 'config.schema.json'), 'utf8');
    assert.equal(committed, JSON.stringify(schema, null, 2) + '\n', 'regenerate with: npx ganforge config schema --out docs/config.schema.json');
  });

  it('accepts the defaults, every recipe and every model family as resolved; refuses unknown keys and wrong types', () => {
    assert.deepEqual(violations(schema, DEFAULT_CONFIG), []);
    for (const name of Object.keys(RECIPES)) assert.deepEqual(violations(schema, validateConfig(resolveConfig({ recipe: name, flags: {} }))), [], name);
    for (const model of MODEL_NAMES) assert.deepEqual(violations(schema, validateConfig(resolveConfig({ flags: { model } }))), [], model);
    assert.deepEqual(violations(schema, { steps: 100 }), [], 'a partial config file');
    assert.deepEqual(violations(schema, { learningRate: 1 }), ['$.learningRate: unknown key']);
    assert.deepEqual(violations(schema, { latentDim: '100' }), ['$.latentDim: not integer']);
    assert.deepEqual(violations(schema, { amsgrad: 1 }), ['$.amsgrad: not boolean']);
    assert.deepEqual(violations(schema, { epochs: null, timeBudget: null, width: null, recipe: null }), []);
    assert.deepEqual(violations(schema, { model: null }), ['$.model: not string']);
  });

  it('draws every bound where validateConfig does: both sides of each, with the same answer from both', () => {
    const tiny = 1e-9;
    let probes = 0;
    const agree = (key: keyof TrainConfig, value: unknown, ok: boolean) => {
      const config = withValue(key, value);
      assert.equal(validatorAccepts(config), ok, `validateConfig, ${key} = ${JSON.stringify(value)}`);
      assert.equal(schemaAccepts(config), ok, `schema, ${key} = ${JSON.stringify(value)}: ${violations(schema, config).join('; ')}`);
      probes++;
    };
    for (const key of CONFIG_KEYS) {
      const { range, nullable } = CONFIG_KEY_SPECS[key];
      if (nullable && key !== 'epochs') agree(key, null, true); // epochs: null needs steps set, a rule across keys
      if (!range) continue;
      const step = range.integer ? 1 : tiny;
      if (range.min !== undefined) {
        agree(key, range.min, true);
        agree(key, range.min - step, false);
      }
      if (range.exclusiveMin !== undefined) {
        agree(key, range.exclusiveMin + step, true);
        agree(key, range.exclusiveMin, false);
      }
      if (range.exclusiveMax !== undefined) {
        agree(key, range.exclusiveMax - step, true);
        agree(key, range.exclusiveMax, false);
      }
      const max = Math.min(range.max ?? Infinity, range.cap ?? Infinity, range.integer ? Number.MAX_SAFE_INTEGER : Infinity);
      if (Number.isFinite(max)) {
        agree(key, max, true);
        agree(key, max + (range.integer ? 1 : 2 ** 11), false);
      }
      if (range.integer) agree(key, (range.min ?? 0) + 1.5, false);
      if (!range.integer && range.min === undefined && range.exclusiveMin === undefined) {
        agree(key, -1e300, true);
        agree(key, 1e300, true);
      }
    }
    agree('imageShape', [CONFIG_BOUNDS.channels, CONFIG_BOUNDS.side, CONFIG_BOUNDS.side], true);
    agree('imageShape', [CONFIG_BOUNDS.channels + 1, 28, 28], false);
    agree('imageShape', [1, CONFIG_BOUNDS.side + 1, 28], false);
    agree('imageShape', [1, 28, CONFIG_BOUNDS.side + 1], false);
    agree('imageShape', [1, 0, 28], false);
    agree('imageShape', [1, 28], false);
    agree('imageShape', [1, 28, 28, 1], false);
    agree('imageShape', [1, 28.5, 28], false);
    agree('dataset', '', false);
    agree('dataset', 'x', true);
    agree('model', 'resnet', false);
    agree('loss', 'wasserstein', false);
    for (const loss of GAN_LOSSES) agree('loss', loss, true);
    assert.ok(probes > 90, `${probes} probes`);
  });

  it('keeps the messages validateConfig always gave', () => {
    const message = (key: keyof TrainConfig, value: unknown) => {
      try {
        validateConfig(withValue(key, value));
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    assert.equal(message('seed', -1), 'seed must be an integer in 0…4294967295, got -1');
    assert.equal(message('timeBudget', 0), 'timeBudget must be positive, got 0');
    assert.equal(message('lrD', 0), 'lrD must be a positive number, got 0');
    assert.equal(message('emaDecay', 1), 'emaDecay must be in [0, 1), got 1');
    assert.equal(message('gpWeight', -1), 'gpWeight must be >= 0, got -1');
    assert.equal(message('evalEvery', -1), 'evalEvery must be a non-negative integer, got -1');
    assert.equal(message('batchSize', 0), 'batchSize must be a positive integer, got 0');
    assert.equal(message('batchSize', 65_537), 'batchSize must be at most 65536, got 65537');
    assert.equal(message('imageShape', [5, 28, 28]), 'imageShape channels must be at most 4, got 5');
  });
});
