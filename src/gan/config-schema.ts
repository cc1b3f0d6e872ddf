// A JSON Schema (draft 2020-12) for run config files and config.json, written from CONFIG_KEY_SPECS and the
// typed defaults, so YAML/JSON editors can suggest the keys and flag bad values with the bounds validateConfig
// enforces. A config file is a partial config, so no key is required; the one rule that ties keys together
// (exactly one of epochs and steps) is left to validateConfig and said in the keys' descriptions.
import { CONFIG_KEYS, DEFAULT_CONFIG, TrainConfig } from './config';
import { CONFIG_KEY_SPECS, ConfigKeySpec, IMAGE_SHAPE_DIMS, NumberRange } from './config-keys';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export type JsonSchema = { [keyword: string]: unknown };

function rangeKeywords(range: NumberRange): JsonSchema {
  const out: JsonSchema = {};
  if (range.min !== undefined) out.minimum = range.min;
  if (range.exclusiveMin !== undefined) out.exclusiveMinimum = range.exclusiveMin;
  const max = Math.min(range.max ?? Infinity, range.cap ?? Infinity, range.integer ? Number.MAX_SAFE_INTEGER : Infinity);
  if (Number.isFinite(max)) out.maximum = max;
  if (range.exclusiveMax !== undefined) out.exclusiveMaximum = range.exclusiveMax;
  return out;
}

function shapeSchema(): JsonSchema {
  return {
    type: 'array',
    minItems: 3,
    maxItems: 3,
    prefixItems: IMAGE_SHAPE_DIMS.map((dim) => ({ type: 'integer', minimum: 1, maximum: dim.cap, description: dim.name })),
    items: false,
  };
}

function keySchema(key: keyof TrainConfig, spec: ConfigKeySpec): JsonSchema {
  const value = DEFAULT_CONFIG[key];
  const shown = JSON.stringify(value);
  // The built-in default: the model family and the recipe may set their own over it.
  const note = spec.derived ? `filled in from the data when a run starts (built-in default ${shown})` : `built-in default ${shown}`;
  const description = `${spec.help[0].toUpperCase()}${spec.help.slice(1)}; ${note}.`;
  const base: JsonSchema = spec.type === 'shape' ? shapeSchema() : { type: spec.nullable ? [spec.type, 'null'] : spec.type };
  if (spec.choices) base.enum = spec.nullable ? [...spec.choices(), null] : [...spec.choices()];
  if (spec.nonEmpty) base.minLength = 1;
  if (spec.range) Object.assign(base, rangeKeywords(spec.range));
  return { description, ...base, default: value };
}

/** The JSON Schema of a config file's keys (those of a run's config.json), with each key's default. */
export function jsonSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const key of CONFIG_KEYS) properties[key] = keySchema(key, CONFIG_KEY_SPECS[key]);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: 'ganforge run config',
    description:
      'A ganforge run config: a --config file (JSON or YAML) or a run\'s config.json. Every key is optional; a file ' +
      'sits over the built-in defaults, the model family\'s defaults and the recipe, and flags sit over it. ' +
      'Give exactly one of epochs and steps (setting one clears the other). ganforge also accepts the train ' +
      'flags\' spellings (ema, lr-g, d_steps, lr); this schema lists the canonical keys only.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
