// A small typed flag parser shared by every command: `--name value`, `--name=value`, `--flag`/`--no-flag`,
// one-letter aliases, choices and ranges, and errors that name the flag (with a did-you-mean).
export type FlagType = 'string' | 'int' | 'number' | 'boolean' | 'path';
export type FlagValue = string | number | boolean | undefined;

export interface FlagSpec {
  name: string;
  type: FlagType;
  help: string;
  default?: string | number | boolean;
  choices?: readonly string[];
  min?: number;
  max?: number;
  required?: boolean;
  placeholder?: string;
  alias?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec[];
  examples?: string[];
  positionals?: { name: string; help: string; variadic?: boolean; required?: boolean }[];
}

/** Bad command-line input: the message is one line that names the flag. Exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function convert(flag: FlagSpec, raw: string): FlagValue {
  const name = `--${flag.name}`;
  let value: string | number;
  switch (flag.type) {
    case 'int':
      if (!/^-?\d+$/.test(raw)) throw new UsageError(`${name}: expected an integer, got '${raw}'`);
      value = Number(raw);
      break;
    case 'number':
      value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${name}: expected a number, got '${raw}'`);
      break;
    default:
      if (raw === '') throw new UsageError(`${name}: expected a value`);
      value = raw;
  }
  if (flag.choices && !flag.choices.includes(String(value))) {
    throw new UsageError(`${name}: '${raw}' is not one of ${flag.choices.join(', ')}`);
  }
  if (typeof value === 'number') {
    if (flag.min !== undefined && value < flag.min) throw new UsageError(`${name}: must be at least ${flag.min}, got ${raw}`);
    if (flag.max !== undefined && value > flag.max) throw new UsageError(`${name}: must be at most ${flag.max}, got ${raw}`);
  }
  return value;
}

export function parseArgs(spec: CommandSpec, argv: string[]): { flags: Record<string, FlagValue>; positionals: string[]; help: boolean } {
  const byName = new Map(spec.flags.map((f) => [f.name, f]));
  const byAlias = new Map(spec.flags.filter((f) => f.alias).map((f) => [f.alias!, f]));
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const [key, inline] = long ? splitOnce(arg.slice(2)) : [arg.slice(1), undefined];
    let flag = long ? byName.get(key) : byAlias.get(key);
    let negated = false;
    if (!flag && long && key.startsWith('no-') && byName.get(key.slice(3))?.type === 'boolean') {
      flag = byName.get(key.slice(3));
      negated = true;
    }
    if (!flag) {
      const near = spec.flags.map((f) => f.name).filter((n) => editDistance(n, key) <= 2);
      throw new UsageError(`unknown flag ${arg.split('=')[0]}${near.length ? ` (did you mean --${near[0]}?)` : ''}`);
    }
    if (flags[flag.name] !== undefined) throw new UsageError(`--${flag.name} given twice`);
    if (flag.type === 'boolean') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) throw new UsageError(`--${flag.name}: expected true or false, got '${inline}'`);
      flags[flag.name] = negated ? false : inline !== 'false';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`--${flag.name} needs a value`);
    flags[flag.name] = convert(flag, raw);
  }
  if (!help) {
    for (const flag of spec.flags) {
      if (flags[flag.name] === undefined && flag.required) throw new UsageError(`--${flag.name} is required`);
      if (flags[flag.name] === undefined && flag.default !== undefined) flags[flag.name] = flag.default;
    }
    const required = (spec.positionals ?? []).filter((p) => p.required);
    if (positionals.length < required.length) throw new UsageError(`missing ${required[positionals.length].name}`);
    const variadic = (spec.positionals ?? []).some((p) => p.variadic);
    if (!variadic && positionals.length > (spec.positionals ?? []).length) throw new UsageError(`unexpected argument '${positionals[(spec.positionals ?? []).length]}'`);
  }
  return { flags, positionals, help };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

export function formatHelp(spec: CommandSpec): string {
  const left = (f: FlagSpec) => {
    const alias = f.alias ? `-${f.alias}, ` : '    ';
    const value = f.type === 'boolean' ? '' : ` ${f.placeholder ?? (f.choices ? f.choices.join('|') : f.type.toUpperCase())}`;
    return `  ${alias}--${f.name}${value}`;
  };
  const width = Math.min(40, Math.max(...spec.flags.map((f) => left(f).length)) + 2);
  const lines = [`usage: ${spec.usage}`, '', spec.summary, ''];
  if (spec.positionals?.length) {
    lines.push('arguments:');
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(width - 2)}${p.help}`);
    lines.push('');
  }
  lines.push('flags:');
  for (const f of spec.flags) {
    const extras = [
      f.choices && !f.placeholder ? '' : f.choices ? `one of ${f.choices.join(', ')}` : '',
      f.default !== undefined ? `default: ${f.default}` : '',
      f.required ? 'required' : '',
    ].filter(Boolean);
    const text = `${f.help}${extras.length ? ` (${extras.join('; ')})` : ''}`;
    const l = left(f);
    lines.push(l.length >= width ? `${l}\n${' '.repeat(width)}${text}` : `${l.padEnd(width)}${text}`);
  }
  lines.push(`  ${'-h, --help'.padEnd(width - 2)}show this help`);
  if (spec.examples?.length) lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

export function camelFlags(flags: Record<string, FlagValue>): Record<string, FlagValue> {
  return Object.fromEntries(Object.entries(flags).map(([k, v]) => [k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

type CommandTable = Record<string, {
  spec: CommandSpec;
  run: (flags: Record<string, FlagValue>, positionals: string[]) => Promise<number | void>;
}>;

/** Dispatches `argv` to a command; returns the exit code (0 ok, 1 failure, 2 usage) without exiting. */
export async function runCli(commands: CommandTable, argv: string[], programName = 'ganforge', io?: CliIO): Promise<number> {
  const out = io?.out ?? ((s: string) => process.stdout.write(s));
  const err = io?.err ?? ((s: string) => process.stderr.write(s));
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const width = Math.max(...Object.keys(commands).map((c) => c.length)) + 2;
    out(`usage: ${programName} <command> [flags]\n\ncommands:\n` +
      Object.entries(commands).map(([c, { spec }]) => `  ${c.padEnd(width)}${spec.summary}`).join('\n') +
      `\n\nrun '${programName} <command> --help' for a command's flags\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    err(`${programName}: unknown command '${name}' (run '${programName} --help')\n`);
    return 2;
  }
  try {
    const parsed = parseArgs(command.spec, rest);
    if (parsed.help) {
      out(formatHelp(command.spec));
      return 0;
    }
    return (await command.run(parsed.flags, parsed.positionals)) ?? 0;
  } catch (e) {
    const error = e as Error & { exitCode?: number };
    const message = process.env.GANFORGE_DEBUG === '1' ? error.stack ?? error.message : error.message.split('\n')[0];
    err(`${programName} ${name}: ${message}\n`);
    return typeof error.exitCode === 'number' ? error.exitCode : error instanceof UsageError ? 2 : 1;
  }
}
