// The flag parser every ganforge command shares, its help text, and the dispatcher that runs a command.
// Mistakes on the command line become a UsageError whose message is one line naming the flag, so the
// dispatcher can print it as-is and exit with 2, the usual code for "you called me wrong". Library errors
// about an option (OptionError) are shown with the flag that sets it.
import { OptionError, OptionNamer } from '../errors';
import { closest } from '../util/suggest';

export type FlagType = 'string' | 'int' | 'number' | 'boolean' | 'path';
export type FlagValue = string | number | boolean | undefined;

export interface FlagSpec {
  name: string; // long name without dashes, e.g. 'batch-size'; also its key in the parsed flags
  type: FlagType;
  help: string; // one line for the help table
  default?: string | number | boolean;
  choices?: readonly string[]; // allowed values of a 'string' flag
  min?: number; max?: number; // inclusive bounds of an 'int' or 'number' flag
  required?: boolean;
  placeholder?: string; // the value's name in the help table, e.g. 'N' or 'FILE'
  alias?: string; // one-letter short form, e.g. 'o' for -o
  key?: string; // the library's name for the option, where it is not the flag's name in camelCase ('ema' → 'emaDecay')
}

export interface PositionalSpec { name: string; help: string; variadic?: boolean; required?: boolean }

/** A command's flags and arguments. Declare one `as const satisfies CommandSpec` so FlagsOf can type its flags. */
export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: readonly FlagSpec[];
  examples?: readonly string[];
  /** Paragraphs after the examples, for what a flag table cannot say (e.g. how distributed runs fit together). */
  notes?: readonly string[];
  positionals?: readonly PositionalSpec[];
}

/** What a flag of type T holds once parsed. */
type ValueOfType<T extends FlagType> = T extends 'int' | 'number' ? number : T extends 'boolean' ? boolean : string;
/** A flag's parsed value: one of its choices, or by its type. */
type ValueOf<F extends FlagSpec> = F extends { choices: readonly (infer C extends string)[] } ? C : ValueOfType<F['type']>;
/** Whether a parsed flag always has a value: it has a default or is required. */
type AlwaysSet<F extends FlagSpec> = F extends { default: string | number | boolean } ? true : F extends { required: true } ? true : false;

/**
 * The parsed flags of a command spec, keyed by flag name: 'int' and 'number' flags are numbers, 'boolean' flags
 * booleans, the rest strings (or the union of their choices); `| undefined` unless the flag has a default or is
 * required. For a spec typed only as CommandSpec this is Record<string, FlagValue>.
 */
export type FlagsOf<S extends Pick<CommandSpec, 'flags'>> = {
  [F in S['flags'][number] as F['name']]: AlwaysSet<F> extends true ? ValueOf<F> : ValueOf<F> | undefined;
};

export interface ParsedArgs<Flags = Record<string, FlagValue>> { flags: Flags; positionals: string[]; help: boolean }

/** Bad command-line input. The message is one line that names the flag; exit code 2. */
export class UsageError extends Error {
  readonly exitCode: number = 2;
  override name = 'UsageError';
}

const isHelpFlag = (arg: string) => arg === '-h' || arg === '--help';
// '-' (stdin by convention) and negative numbers such as -1 or -.5 are values, not flags.
const looksLikeFlag = (arg: string) => arg.startsWith('-') && arg !== '-' && !/^-\.?\d/.test(arg);

/** Which flag `arg` names, whether it was the --no- form, and any `=value` glued to it. */
function lookUpFlag(spec: CommandSpec, arg: string): { flag: FlagSpec; negated: boolean; inline?: string } {
  const long = arg.startsWith('--');
  const body = arg.slice(long ? 2 : 1);
  const eq = body.indexOf('=');
  const key = eq < 0 ? body : body.slice(0, eq);
  const inline = eq < 0 ? undefined : body.slice(eq + 1);
  const direct = spec.flags.find((f) => (long ? f.name === key : f.alias === key));
  if (direct) return { flag: direct, negated: false, inline };
  const negated = long && key.startsWith('no-') ? spec.flags.find((f) => f.type === 'boolean' && f.name === key.slice(3)) : undefined;
  if (negated) return { flag: negated, negated: true, inline };
  const names = spec.flags.flatMap((f) => (f.type === 'boolean' ? [f.name, `no-${f.name}`] : [f.name]));
  const near = closest(key, names);
  throw new UsageError(`unknown flag ${long ? '--' : '-'}${key}${near ? ` (did you mean --${near}?)` : ''}`);
}

function booleanValue(flag: FlagSpec, negated: boolean, inline: string | undefined): boolean {
  if (inline === undefined) return !negated;
  if (negated) throw new UsageError(`--no-${flag.name} takes no value`);
  if (inline === 'true' || inline === 'false') return inline === 'true';
  throw new UsageError(`--${flag.name}: expected true or false, got '${inline}'`);
}

/** Turns the raw text of a value flag into its typed value, enforcing type, choices and range. */
function convert(flag: FlagSpec, raw: string): string | number {
  const name = `--${flag.name}`;
  let value: string | number = raw;
  if (flag.type === 'int') {
    // Plain digits only: '1.5' and '1e3' are more likely typos than intent for counts and seeds.
    const kind = flag.min !== undefined && flag.min > 0 ? 'a positive integer' : flag.min === 0 ? 'a non-negative integer' : 'an integer';
    if (!/^-?\d+$/.test(raw)) throw new UsageError(`${name}: expected ${kind}, got '${raw}'`);
    value = Number(raw);
    if (!Number.isSafeInteger(value)) throw new UsageError(`${name}: ${raw} is too large`);
  } else if (flag.type === 'number') {
    // A strict decimal form, so ' 1', '0x10' and 'Infinity' are refused rather than silently read.
    value = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(value)) throw new UsageError(`${name}: expected a number, got '${raw}'`);
  } else if (raw === '') {
    throw new UsageError(`${name}: expected a non-empty value`);
  }
  if (flag.choices && !flag.choices.includes(String(value))) throw new UsageError(`${name}: '${raw}' is not one of ${flag.choices.join(', ')}`);
  if (typeof value === 'number' && flag.min !== undefined && value < flag.min) throw new UsageError(`${name}: must be at least ${flag.min}, got ${raw}`);
  if (typeof value === 'number' && flag.max !== undefined && value > flag.max) throw new UsageError(`${name}: must be at most ${flag.max}, got ${raw}`);
  return value;
}

function parseStrict(spec: CommandSpec, argv: string[]): ParsedArgs {
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (isHelpFlag(arg)) help = true;
    else if (!looksLikeFlag(arg)) positionals.push(arg);
    else {
      const { flag, negated, inline } = lookUpFlag(spec, arg);
      if (flags[flag.name] !== undefined) throw new UsageError(`--${flag.name} given twice`);
      if (flag.type === 'boolean') {
        flags[flag.name] = booleanValue(flag, negated, inline);
        continue;
      }
      // A following flag is not taken as the value: `--out --seed 3` is a forgotten value, not a folder
      // called '--seed'. A value that really starts with '-' can be given as --name=-value.
      if (inline === undefined && (i + 1 >= argv.length || looksLikeFlag(argv[i + 1]))) throw new UsageError(`--${flag.name} needs a value`);
      flags[flag.name] = convert(flag, inline ?? argv[++i]);
    }
  }
  if (!help) {
    const missing = spec.flags.find((f) => f.required && flags[f.name] === undefined);
    if (missing) throw new UsageError(`--${missing.name} is required`);
    const expected = spec.positionals ?? [];
    const required = expected.filter((p) => p.required);
    if (positionals.length < required.length) throw new UsageError(`missing ${required[positionals.length].name}`);
    if (!expected.some((p) => p.variadic) && positionals.length > expected.length) throw new UsageError(`unexpected argument '${positionals[expected.length]}'`);
  }
  for (const f of spec.flags) if (flags[f.name] === undefined && f.default !== undefined) flags[f.name] = f.default;
  return { flags, positionals, help };
}

/**
 * Parses `argv` (the words after the command name) against `spec`; throws UsageError on bad input. The flags are
 * typed from the spec (FlagsOf): parseStrict has converted every value to its flag's type and choices, filled in
 * defaults and checked required flags, which is what that type promises (except when `help` is set: then
 * required flags may be missing, and nothing should run).
 */
export function parseArgs<S extends CommandSpec>(spec: S, argv: string[]): ParsedArgs<FlagsOf<S>> {
  let parsed: ParsedArgs;
  try {
    parsed = parseStrict(spec, argv);
  } catch (err) {
    // --help wins over mistakes elsewhere on the line: whoever typed it wants the flags, not an error.
    const flagWords = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
    if (!(err instanceof UsageError && flagWords.some(isHelpFlag))) throw err;
    parsed = parseStrict(spec, ['--help']);
  }
  return parsed as ParsedArgs<FlagsOf<S>>;
}

// Help is laid out for 80 columns; a flag label wider than MAX_LABEL puts its text on the next line.
const HELP_WIDTH = 80, MAX_LABEL = 32;

/** Greedy word wrap; a word longer than the width gets a line of its own. */
function wrap(text: string, width: number): string[] {
  const lines = [''];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last && last.length + 1 + word.length > width) lines.push(word);
    else lines[lines.length - 1] = last ? `${last} ${word}` : word;
  }
  return lines;
}

/** Two aligned columns; a label too wide for the column puts its text on the next line. */
function table(rows: [string, string][]): string[] {
  const column = Math.min(MAX_LABEL, Math.max(0, ...rows.map(([label]) => label.length)));
  const indent = ' '.repeat(column + 4);
  return rows.flatMap(([label, text]) => {
    const [first, ...rest] = wrap(text, Math.max(20, HELP_WIDTH - indent.length));
    const head = label.length > column ? [`  ${label}`, indent + first] : [`  ${label.padEnd(column)}  ${first}`];
    return [...head, ...rest.map((l) => indent + l)];
  });
}

/** A row of the flag table: `-o, --out FILE` and its help with choices, default and required noted. */
function flagRow(f: FlagSpec): [string, string] {
  const value = f.type === 'boolean' ? '' : ` ${f.placeholder ?? (f.choices ? f.choices.join('|') : f.type.toUpperCase())}`;
  const notes = [
    // Choices are noted unless the label (no placeholder) or the help text already lists them.
    f.choices && f.placeholder && !f.choices.every((c) => f.help.includes(c)) ? `one of ${f.choices.join(', ')}` : '',
    f.default !== undefined ? `default: ${f.default}` : '',
    f.required ? 'required' : '',
  ].filter(Boolean);
  return [`${f.alias ? `-${f.alias}, ` : '    '}--${f.name}${value}`, notes.length ? `${f.help} (${notes.join('; ')})` : f.help];
}

/** A command's --help text: usage, summary, arguments, the flag table and examples. */
export function formatHelp(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, '', ...wrap(spec.summary, HELP_WIDTH), ''];
  if (spec.positionals?.length) {
    const rows = spec.positionals.map((p): [string, string] => [p.variadic ? `${p.name}...` : p.name, p.required ? `${p.help} (required)` : p.help]);
    lines.push('arguments:', ...table(rows), '');
  }
  lines.push('flags:', ...table([...spec.flags.map(flagRow), ['-h, --help', 'show this help']]));
  if (spec.examples?.length) lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  for (const note of spec.notes ?? []) lines.push('', ...wrap(note, HELP_WIDTH));
  return lines.join('\n') + '\n';
}

/** 'batch-size' → 'batchSize'. */
function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}

export interface CliIO { out: (s: string) => void; err: (s: string) => void }

/** A command: its spec, and what it runs with the flags parsed against that spec. */
export interface CliCommand<S extends CommandSpec = CommandSpec> {
  spec: S;
  run(flags: FlagsOf<S>, positionals: string[]): Promise<number | void>;
}

/** Pairs a spec with its run function, which must take the flags typed from that very spec. */
export function defineCommand<S extends CommandSpec>(spec: S, run: (flags: FlagsOf<S>, positionals: string[]) => Promise<number | void>): CliCommand<S> {
  return { spec, run };
}

const processIO: CliIO = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

function globalHelp(commands: Record<string, CliCommand>, program: string): string {
  const rows = Object.entries(commands).map(([name, { spec }]): [string, string] => [name, spec.summary]);
  return [`usage: ${program} <command> [flags]`, '', 'commands:', ...table(rows), '', `run '${program} <command> --help' for a command's flags`].join('\n') + '\n';
}

/** One line for the user; the stack only when GANFORGE_DEBUG=1, since it helps us, not them. */
function describeFailure(thrown: unknown): string {
  if (!(thrown instanceof Error)) return String(thrown);
  if (process.env.GANFORGE_DEBUG === '1' && thrown.stack) return thrown.stack;
  return thrown.message.split('\n')[0] || thrown.name;
}

/**
 * Names library options (config keys such as `lrG`, options such as `classIndex`) as `spec`'s user types them:
 * the flag that sets the option ('--lr-g'), or the option's own name quoted where the command has no such flag.
 * The one place where library names become flags: OptionError messages and alarm remedies go through it.
 */
export function flagNamer(spec: CommandSpec): OptionNamer {
  return (option) => {
    const flag = spec.flags.find((f) => (f.key ?? camelCase(f.name)) === option);
    return flag ? `--${flag.name}` : `'${option}'`;
  };
}

function exitCodeOf(thrown: unknown): number {
  if (thrown instanceof OptionError) return 2;
  const code = (thrown as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 255 ? code : 1;
}

/**
 * Runs the command named by argv[0] and returns the exit code without exiting, so callers and tests
 * decide what happens next: 0 success, 1 failure, 2 bad usage (or an error's own `exitCode`).
 * No arguments prints the command list and returns 2; `--help`, `-h` and `help` print it and return 0.
 */
export async function runCli(commands: Record<string, CliCommand>, argv: string[], programName = 'ganforge', io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  const known = (word: string | undefined) => (word !== undefined && Object.hasOwn(commands, word) ? commands[word] : undefined);
  const unknown = (word: string) => {
    const near = closest(word, Object.keys(commands));
    io.err(`${programName}: unknown command '${word}'${near ? ` (did you mean '${near}'?)` : ''}; run '${programName} --help' for the list\n`);
    return 2;
  };
  if (name === undefined || isHelpFlag(name) || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined; // `ganforge help train` is `ganforge train --help`
    if (topic !== undefined && !known(topic)) return unknown(topic);
    io.out(topic !== undefined ? formatHelp(known(topic)!.spec) : globalHelp(commands, programName));
    return name === undefined ? 2 : 0;
  }
  const command = known(name);
  if (!command) return unknown(name);
  try {
    const parsed = parseArgs(command.spec, rest);
    if (parsed.help) {
      io.out(formatHelp(command.spec));
      return 0;
    }
    return (await command.run(parsed.flags, parsed.positionals)) ?? 0;
  } catch (thrown) {
    // Library errors about an option name it as the library does; the user sees the flag they typed.
    const message = thrown instanceof OptionError && process.env.GANFORGE_DEBUG !== '1' ? thrown.messageFor(flagNamer(command.spec)) : describeFailure(thrown);
    io.err(`${programName} ${name}: ${message}\n`);
    return exitCodeOf(thrown);
  }
}
