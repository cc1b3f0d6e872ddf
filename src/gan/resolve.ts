// Resolving a run's configuration from its layers, lowest first:
// DEFAULT_CONFIG ← the model family's defaults ← a named recipe ← a --config file ← command-line flags.
// With no recipe and no model named anywhere, the 'default' recipe applies, or its unconditional twin
// 'default-unlabelled' for data without labels.
import * as fs from 'fs';
import * as YAML from 'yaml';
import { DEFAULT_CONFIG, mergeConfig, TrainConfig } from './config';
import { recipe } from './recipes';
import { modelFamily } from './registry';

/** Reads a JSON or YAML config file into plain keys; errors name the file. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`cannot read config file ${file}`);
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'} (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected a mapping of config keys`);
  return parsed as Record<string, unknown>;
}

export interface ConfigLayers {
  recipe?: string;
  file?: { path: string; values: Record<string, unknown> };
  flags: Partial<TrainConfig>;
  /** False for data without labels (and --per-class runs): the implicit recipe is then 'default-unlabelled'. */
  labelled?: boolean;
}

export function resolveConfig(layers: ConfigLayers): TrainConfig {
  const { recipe: fileRecipe, ...fileValues } = layers.file?.values ?? {};
  if (fileRecipe !== undefined && typeof fileRecipe !== 'string') throw new Error(`${layers.file!.path}: 'recipe' must be a string`);
  const modelNamed = layers.flags.model ?? (fileValues.model as string | undefined);
  const implicitRecipe = layers.labelled === false ? 'default-unlabelled' : 'default';
  const recipeName = layers.recipe ?? (fileRecipe as string | undefined) ?? (modelNamed ? null : implicitRecipe);
  const recipeConfig = recipeName ? recipe(recipeName).config : {};
  const model = modelNamed ?? recipeConfig.model ?? DEFAULT_CONFIG.model;
  let config = mergeConfig(DEFAULT_CONFIG, { ...modelFamily(model).defaults, model }, `model '${model}' defaults`);
  config = mergeConfig(config, { ...recipeConfig, model, recipe: recipeName }, `recipe '${recipeName}'`);
  if (layers.file) config = mergeConfig(config, fileValues, layers.file.path);
  return mergeConfig(config, layers.flags as Record<string, unknown>, 'flags');
}
