// `--config FILE` for `ganforge train`: a JSON or YAML file of config keys, spelled either as in a run's
// config.json (emaDecay, lrG, dSteps) or as the train flags (ema, lr-g, d-steps, also lr_g). The flag
// spellings are the CLI's business, so they are translated here; the library then checks the keys it gets
// (an unknown key is refused with the nearest config key) and their values.
import { isConfigKey } from '../gan/config';
import { readConfigFile } from '../gan/resolve';
import { shownName } from '../util/suggest';
import { CONFIG_FLAGS } from './config-flags';

/** The config keys a file key stands for: itself if it is one, the keys of the flag it spells, or none. */
function configKeysOf(key: string): string[] | undefined {
  if (isConfigKey(key)) return [key];
  const flagName = key.replace(/_/g, '-');
  const flag = CONFIG_FLAGS.find((f) => f.name === flagName);
  if (!flag) return undefined;
  return flag.key === 'lr' ? ['lrG', 'lrD'] : [flag.key];
}

/**
 * The file's values keyed by config key. Two spellings of one key in one file (`ema` and `emaDecay`) are an
 * error, as the file would not say which it means; `lr` sets both learning rates, and `lr-g`/`lr-d` win over
 * it, as on the command line. Keys that are neither spelling are kept, for the library to refuse by name.
 */
export function translateConfigKeys(values: Record<string, unknown>, file: string): Record<string, unknown> {
  const explicit = new Map<string, { from: string; value: unknown }>(); // config key → the file key that set it
  const fromLr = new Map<string, { from: string; value: unknown }>();
  const unknown: [string, unknown][] = [];
  for (const [key, value] of Object.entries(values)) {
    const targets = configKeysOf(key);
    if (!targets) {
      unknown.push([key, value]);
      continue;
    }
    const seen = targets.length > 1 ? fromLr : explicit;
    for (const target of targets) {
      const other = seen.get(target);
      if (other) throw new Error(`${file}: '${shownName(other.from)}' and '${shownName(key)}' both set ${target}; keep one`);
      seen.set(target, { from: key, value });
    }
  }
  const known = [...fromLr].filter(([key]) => !explicit.has(key)).concat([...explicit]).map(([key, { value }]): [string, unknown] => [key, value]);
  // Object.fromEntries defines own keys, so a '__proto__' key stays a key (and is refused by name later).
  return Object.fromEntries([...unknown, ...known]);
}

/** Reads a --config file for `ganforge train`, with flag spellings translated to config keys. */
export function readTrainConfigFile(file: string): Record<string, unknown> {
  return translateConfigKeys(readConfigFile(file), file);
}
