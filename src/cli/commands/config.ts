// `ganforge config schema`: the JSON Schema of run config files, for editors to complete and check them.
// `ganforge config show`: the config `ganforge train` would resolve from the same recipe, file and flags.
import * as YAML from 'yaml';
import { TrainConfig, validateConfig } from '../../gan/config';
import { jsonSchema } from '../../gan/config-schema';
import { RECIPE_NAMES } from '../../gan/recipes';
import { resolveConfig } from '../../gan/resolve';
import { writeFileAtomic } from '../../io/atomic';
import { CommandSpec, FlagsOf, UsageError } from '../args';
import { readTrainConfigFile } from '../config-file';
import { CONFIG_FLAGS } from '../config-flags';

/** The train flags `config show` takes too, spelled and checked exactly as train's. */
const SHOWN_FLAGS = ['model', 'dataset'];
const configFlags = CONFIG_FLAGS.filter((f) => SHOWN_FLAGS.includes(f.name));

/** Flags that belong to one action only; giving one to the other is a usage error. */
const ACTION_FLAGS: Record<string, string[]> = { schema: ['out'], show: ['recipe', 'config', 'json', ...SHOWN_FLAGS] };

export const configSpec = {
  name: 'config',
  summary:
    'Run configs: `config schema` writes the JSON Schema YAML/JSON editors check config files with; ' +
    '`config show` prints the config `ganforge train` would resolve, before it reads the data.',
  usage: 'ganforge config schema [--out FILE] | ganforge config show [--recipe NAME] [--config FILE] [--model NAME] [--dataset NAME|DIR] [--json]',
  positionals: [{ name: 'ACTION', help: "'schema' or 'show'", required: true }],
  flags: [
    { name: 'out', type: 'path', alias: 'o', placeholder: 'FILE', help: 'schema: write the schema to FILE (atomically) instead of printing it' },
    { name: 'recipe', type: 'string', choices: RECIPE_NAMES, placeholder: 'NAME', help: `show: the recipe, as for train: ${RECIPE_NAMES.join(', ')}` },
    { name: 'config', type: 'path', placeholder: 'FILE', help: 'show: a JSON or YAML config file over the recipe, as for train (config.json keys or flag spellings)' },
    ...configFlags.map((f) => ({ ...f, help: `show: ${f.help}` })),
    { name: 'json', type: 'boolean', help: 'show: print JSON instead of YAML' },
  ],
  examples: [
    'ganforge config schema --out docs/config.schema.json',
    'ganforge config show                            # the default recipe',
    'ganforge config show --recipe dcgan-mnist',
    'ganforge config show --config my-run.yaml --json',
  ],
} as const satisfies CommandSpec;

/** The data-derived keys, shown with their defaults: train fills them in once the data is read. */
const DERIVED_NOTE = 'imageShape and numClasses are filled in from the data when training starts';

export async function runConfig(flags: FlagsOf<typeof configSpec>, positionals: string[]): Promise<number> {
  const action = positionals[0] ?? '';
  if (!Object.hasOwn(ACTION_FLAGS, action)) throw new UsageError(`unknown config action '${action}' (expected schema or show)`);
  const foreign = Object.entries(ACTION_FLAGS).filter(([other]) => other !== action).flatMap(([, names]) => names).find((name) => flags[name as keyof typeof flags] !== undefined);
  if (foreign) throw new UsageError(`--${foreign} is for 'config ${action === 'schema' ? 'show' : 'schema'}', not 'config ${action}'`);
  if (action === 'schema') {
    const text = JSON.stringify(jsonSchema(), null, 2) + '\n';
    if (flags.out === undefined) process.stdout.write(text);
    else {
      writeFileAtomic(flags.out, text); // its errors name the file and the reason
      console.log(`wrote the config schema to ${flags.out}`);
    }
    return 0;
  }
  const file = flags.config;
  const given: Record<string, unknown> = {};
  for (const flag of configFlags) if (flags[flag.name as keyof typeof flags] !== undefined) given[flag.key] = flags[flag.name as keyof typeof flags];
  const config = validateConfig(resolveConfig({
    recipe: flags.recipe,
    file: file !== undefined ? { path: file, values: readTrainConfigFile(file) } : undefined,
    flags: given as Partial<TrainConfig>,
  }));
  if (flags.json === true) {
    process.stdout.write(JSON.stringify(config, null, 2) + '\n');
    return 0;
  }
  const notes = [`# the config ganforge train resolves from these layers; ${DERIVED_NOTE}`];
  // Train picks the implicit recipe once it has seen the data: unlabelled data gets the unconditional twin.
  if (config.recipe === 'default' && flags.recipe === undefined) notes.push("# (no recipe named: data without labels gets 'default-unlabelled' instead)");
  process.stdout.write(`${notes.join('\n')}\n${YAML.stringify(config)}`);
  return 0;
}
