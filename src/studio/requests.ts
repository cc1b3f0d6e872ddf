// The bodies of the studio's POST requests, checked as untrusted input before anything is spawned: a new
// run's config goes through the same layering and checks as `train --config FILE` (translateConfigKeys,
// resolveConfig, validateConfig), so a bad key or value is a 400 naming it, not a failed child process.
import { translateConfigKeys } from '../cli/config-file';
import { validateConfig } from '../gan/config';
import { RECIPE_NAMES } from '../gan/recipes';
import { resolveConfig } from '../gan/resolve';
import { HttpError } from './paths';

export interface StartRequest {
  name: string;
  recipe?: string;
  /** Config keys (as in config.json or spelled as the train flags), over the recipe. */
  config?: Record<string, unknown>;
}

const MAX_CONFIG_KEYS = 64;
/** Enough for any run the studio should start; the CLI takes longer ones. */
const MAX_RESUME_STEPS = 10_000_000;

function plainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function onlyKeys(body: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(body).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw new HttpError(400, `unknown field '${extra.slice(0, 40)}' (expected ${allowed.join(', ')})`);
}

export function parseStart(body: unknown): StartRequest {
  if (!plainObject(body)) throw new HttpError(400, 'expected a JSON object { name, recipe?, config? }');
  onlyKeys(body, ['name', 'recipe', 'config']);
  const { name, recipe, config } = body;
  if (typeof name !== 'string') throw new HttpError(400, 'name must be a string');
  if (recipe !== undefined && (typeof recipe !== 'string' || !RECIPE_NAMES.includes(recipe))) {
    throw new HttpError(400, `recipe must be one of ${RECIPE_NAMES.join(', ')}`);
  }
  if (config !== undefined && !plainObject(config)) throw new HttpError(400, 'config must be an object of config keys');
  if (config && Object.keys(config).length > MAX_CONFIG_KEYS) throw new HttpError(400, `config has more than ${MAX_CONFIG_KEYS} keys`);
  let values: Record<string, unknown> | undefined;
  try {
    values = config ? translateConfigKeys(config, 'config') : undefined;
    validateConfig(resolveConfig({ recipe, file: values && { path: 'config', values }, flags: {} }));
  } catch (err) {
    throw new HttpError(400, (err as Error).message);
  }
  return { name, recipe, config: values };
}

/** `{ steps? }`: resume up to this many steps in all (the run's own length when absent). */
export function parseResume(body: unknown): { steps?: number } {
  if (body === undefined || body === null) return {};
  if (!plainObject(body)) throw new HttpError(400, 'expected a JSON object { steps? }');
  onlyKeys(body, ['steps']);
  const { steps } = body;
  if (steps === undefined) return {};
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1 || steps > MAX_RESUME_STEPS) {
    throw new HttpError(400, `steps must be an integer from 1 to ${MAX_RESUME_STEPS}`);
  }
  return { steps };
}
