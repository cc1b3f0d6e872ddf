// Resolving a run's configuration from its layers, lowest first:
// DEFAULT_CONFIG ← the model family's defaults ← a named recipe ← a --config file ← command-line flags.
// With no recipe and no model named anywhere, the 'default' recipe applies, or its unconditional twin
// 'default-unlabelled' for data without labels, 'pix2pix' for paired data or 'cyclegan' for unpaired data.
import * as fs from 'fs';
import * as YAML from 'yaml';
import type { DataKind } from '../data/dataset';
import { DEFAULT_CONFIG, mergeConfig, TrainConfig } from './config';
import { recipe } from './recipes';
import { modelFamily } from './registry';

/** A config file is a page of keys; anything bigger is a mistake (or /dev/zero), refused before reading it. */
const MAX_CONFIG_BYTES = 1 << 20;

/**
 * One YAML document to plain values. Warnings (an unknown tag such as !foo) are errors too: the yaml package
 * would otherwise print them on stderr, and the file says something we cannot read. maxAliasCount caps alias
 * expansion (a "billion laughs" file); 100 is also the package's default.
 */
function parseYaml(text: string): unknown {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, logLevel: 'error' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem?.code === 'MULTIPLE_DOCS') throw new Error('several documents (---); a config file is one mapping');
  if (problem) throw problem;
  return doc.toJS({ maxAliasCount: 100 });
}

/** Reads a JSON or YAML config file into plain keys; errors name the file. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error(`${file}: not a regular file`);
    if (stat.size > MAX_CONFIG_BYTES) throw new Error(`${file}: ${stat.size} bytes is too big for a config file (at most ${MAX_CONFIG_BYTES})`);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(file)) throw err;
    throw new Error(`cannot read config file ${file}`);
  }
  const yaml = /\.ya?ml$/i.test(file);
  let parsed: unknown;
  try {
    parsed = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${file}: not valid ${yaml ? 'YAML' : 'JSON'} (${message.split('\n')[0]})`);
  }
  // A plain mapping only: a list, a scalar, or a YAML 1.1 !!set / !!omap (a Set or Map) is not a config.
  if (typeof parsed !== 'object' || parsed === null || Object.getPrototypeOf(parsed) !== Object.prototype) {
    throw new Error(`${file}: expected a mapping of config keys`);
  }
  return parsed as Record<string, unknown>;
}

export interface ConfigLayers {
  recipe?: string;
  file?: { path: string; values: Record<string, unknown> };
  flags: Partial<TrainConfig>;
  /** False for data without labels (and --per-class runs): the implicit recipe is then 'default-unlabelled'. */
  labelled?: boolean;
  /** Paired data (pix2pix's aligned layout): the implicit recipe is 'pix2pix'; unpaired data (CycleGAN's): 'cyclegan'. */
  dataKind?: DataKind;
}

export function resolveConfig(layers: ConfigLayers): TrainConfig {
  const { recipe: fileRecipe, ...fileValues } = layers.file?.values ?? {};
  if (fileRecipe !== undefined && typeof fileRecipe !== 'string') throw new Error(`${layers.file!.path}: 'recipe' must be a string`);
  if (fileValues.model !== undefined && typeof fileValues.model !== 'string') throw new Error(`${layers.file!.path}: 'model' must be a string`);
  const modelNamed = layers.flags.model ?? (fileValues.model as string | undefined);
  const implicitRecipe = layers.dataKind === 'paired' ? 'pix2pix' : layers.dataKind === 'unpaired' ? 'cyclegan'
    : layers.labelled === false ? 'default-unlabelled' : 'default';
  const recipeName = layers.recipe ?? (fileRecipe as string | undefined) ?? (modelNamed ? null : implicitRecipe);
  const recipeConfig = recipeName !== null ? recipe(recipeName).config : {};
  const model = modelNamed ?? recipeConfig.model ?? DEFAULT_CONFIG.model;
  let config = mergeConfig(DEFAULT_CONFIG, { ...modelFamily(model).defaults, model }, `model '${model}' defaults`);
  config = mergeConfig(config, { ...recipeConfig, model, recipe: recipeName }, `recipe '${recipeName}'`);
  if (layers.file) config = mergeConfig(config, fileValues, layers.file.path);
  return mergeConfig(config, layers.flags as Record<string, unknown>, 'flags');
}
