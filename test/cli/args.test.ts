import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionError } from '../../src/errors';
import { CliCommand, CommandSpec, defineCommand, FlagsOf, formatHelp, parseArgs, runCli, UsageError } from '../../src/cli/args';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'A demo command.',
  usage: 'demo [flags]',
  flags: [
    { name: 'batch-size', type: 'int', min: 1, max: 4096, default: 64, help: 'images per batch', placeholder: 'N' },
    { name: 'seed', type: 'int', min: 0, help: 'noise seed' },
    { name: 'offset', type: 'int', help: 'shift' },
    { name: 'lr', type: 'number', min: 0, max: 1, help: 'learning rate' },
    { name: 'loss', type: 'string', choices: ['bce', 'hinge'], default: 'bce', help: 'the loss' },
    { name: 'model', type: 'string', choices: ['mlp', 'dcgan'], placeholder: 'NAME', help: 'the model' },
    { name: 'resume', type: 'boolean', help: 'continue' },
    { name: 'ema', type: 'boolean', default: true, help: 'average G' },
    { name: 'out', type: 'path', alias: 'o', help: 'output', required: true },
  ],
  examples: ['demo --out x'],
};

const usageError = (argv: string[], s: CommandSpec = spec) => {
  try {
    parseArgs(s, argv);
  } catch (err) {
    assert.ok(err instanceof UsageError, `not a UsageError: ${err}`);
    return err.message;
  }
  assert.fail(`no error for ${argv.join(' ')}`);
};

describe('parseArgs: values', () => {
  it('parses every type with both --name value and --name=value', () => {
    const { flags } = parseArgs(spec, ['--batch-size', '32', '--lr=1e-3', '--loss', 'hinge', '--out=runs/a b', '--seed=0', '--resume']);
    assert.deepEqual(flags, { 'batch-size': 32, lr: 0.001, loss: 'hinge', out: 'runs/a b', seed: 0, resume: true, ema: true });
  });

  it('reads negative numbers as values and accepts decimal forms of numbers', () => {
    assert.equal(parseArgs(spec, ['-o', 'x', '--offset', '-3']).flags.offset, -3);
    assert.equal(parseArgs(spec, ['-o', 'x', '--lr', '.5']).flags.lr, 0.5);
    assert.equal(parseArgs(spec, ['-o', 'x', '--lr', '+2E-1']).flags.lr, 0.2);
  });

  it('applies defaults only to absent flags, and leaves flags without a default undefined', () => {
    const { flags } = parseArgs(spec, ['-o', 'x', '--batch-size', '8']);
    assert.equal(flags['batch-size'], 8);
    assert.equal(flags.loss, 'bce');
    assert.equal(flags.ema, true);
    assert.ok(!('lr' in flags) && !('resume' in flags));
  });

  it('booleans: --flag, --no-flag, --flag=true|false', () => {
    assert.equal(parseArgs(spec, ['-o', 'x', '--no-ema']).flags.ema, false);
    assert.equal(parseArgs(spec, ['-o', 'x', '--resume=false']).flags.resume, false);
    assert.equal(parseArgs(spec, ['-o', 'x', '--ema=true']).flags.ema, true);
  });

  it('aliases take values either way, and -- ends the flags', () => {
    assert.equal(parseArgs(spec, ['-o', 'a']).flags.out, 'a');
    assert.equal(parseArgs(spec, ['-o=b']).flags.out, 'b');
    const withFiles = { ...spec, positionals: [{ name: 'FILE', help: 'files', variadic: true }] };
    const parsed = parseArgs(withFiles, ['-o', 'x', 'a', '-', '--', '--seed', '3', '-h']);
    assert.deepEqual(parsed.positionals, ['a', '-', '--seed', '3', '-h']);
    assert.equal(parsed.flags.seed, undefined);
    assert.equal(parsed.help, false);
  });
});

describe('parseArgs: errors', () => {
  const cases: [string[], string][] = [
    [['-o', 'x', '--batch-size', 'abc'], "--batch-size: expected a positive integer, got 'abc'"],
    [['-o', 'x', '--batch-size', '1.5'], "--batch-size: expected a positive integer, got '1.5'"],
    [['-o', 'x', '--batch-size', '1e3'], "--batch-size: expected a positive integer, got '1e3'"],
    [['-o', 'x', '--seed', 'x'], "--seed: expected a non-negative integer, got 'x'"],
    [['-o', 'x', '--offset', '2.0'], "--offset: expected an integer, got '2.0'"],
    [['-o', 'x', '--seed', '99999999999999999999'], '--seed: 99999999999999999999 is too large'],
    [['-o', 'x', '--batch-size', '0'], '--batch-size: must be at least 1, got 0'],
    [['-o', 'x', '--batch-size', '5000'], '--batch-size: must be at most 4096, got 5000'],
    [['-o', 'x', '--lr', 'fast'], "--lr: expected a number, got 'fast'"],
    [['-o', 'x', '--lr', 'Infinity'], "--lr: expected a number, got 'Infinity'"],
    [['-o', 'x', '--lr', '0x10'], "--lr: expected a number, got '0x10'"],
    [['-o', 'x', '--lr', '1e999'], "--lr: expected a number, got '1e999'"],
    [['-o', 'x', '--lr', '2'], '--lr: must be at most 1, got 2'],
    [['-o', 'x', '--loss', 'wgan'], "--loss: 'wgan' is not one of bce, hinge"],
    [['-o', 'x', '--resume=yes'], "--resume: expected true or false, got 'yes'"],
    [['-o', 'x', '--no-ema=false'], '--no-ema takes no value'],
    [['-o', ''], '--out: expected a non-empty value'],
    [['-o', 'x', '--lr'], '--lr needs a value'],
    [['--out', '--resume'], '--out needs a value'],
    [['-o', 'x', '--seed', '--', '3'], '--seed needs a value'],
    [['-o', 'x', '--out', 'y'], '--out given twice'],
    [['-o', 'x', '--resume', '--no-resume'], '--resume given twice'],
    [['--zzz'], 'unknown flag --zzz'],
    [['-q'], 'unknown flag -q'],
    [['-o', 'x', '--ouput=y'], 'unknown flag --ouput (did you mean --out?)'],
    [[], '--out is required'],
    [['-o', 'x', 'extra'], "unexpected argument 'extra'"],
  ];
  for (const [argv, message] of cases) {
    it(`${argv.join(' ') || '(nothing)'} → ${message}`, () => assert.equal(usageError(argv), message));
  }

  it('suggests the nearest known flag, including --no- forms of booleans', () => {
    assert.equal(usageError(['--batch-sise', '3']), 'unknown flag --batch-sise (did you mean --batch-size?)');
    assert.equal(usageError(['--no-resum']), 'unknown flag --no-resum (did you mean --no-resume?)');
    assert.equal(usageError(['--los', 'bce']), 'unknown flag --los (did you mean --loss?)'); // loss (1 edit) beats lr (2)
    assert.equal(usageError(['--x']), 'unknown flag --x'); // 'lr' is two edits away, but from a one-letter word that is no hint
  });

  it('flag names and choices every object has (__proto__, constructor, toString, hasOwnProperty) are unknown', () => {
    for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      assert.equal(usageError(['--out', 'x', `--${word}`, '1']), `unknown flag --${word}`);
      assert.equal(usageError(['--out', 'x', `--no-${word}`]), `unknown flag --no-${word}`);
      assert.equal(usageError(['--out', 'x', `--${word}=1`]), `unknown flag --${word}`);
      assert.equal(usageError(['--out', 'x', '--model', word]), `--model: '${word}' is not one of mlp, dcgan`);
      const parsed = parseArgs(spec, ['--out', word]);
      assert.equal(parsed.flags.out, word);
      assert.ok(!Object.hasOwn(parsed.flags, word), `${word} is not a parsed flag`);
    }
  });

  it('names the first missing required positional', () => {
    const two = { ...spec, positionals: [{ name: 'SRC', help: 'from', required: true }, { name: 'DST', help: 'to', required: true }] };
    assert.equal(usageError(['-o', 'x', 'a'], two), 'missing DST');
  });
});

describe('parseArgs: --help', () => {
  it('sets help and skips required flags and arguments', () => {
    const required = { ...spec, positionals: [{ name: 'RUN', help: 'run', required: true }] };
    const parsed = parseArgs(required, ['-h']);
    assert.equal(parsed.help, true);
    assert.equal(parsed.flags['batch-size'], 64);
  });

  it('wins over mistakes elsewhere on the line', () => {
    assert.equal(parseArgs(spec, ['--epoch', '3', '--help']).help, true);
    assert.equal(parseArgs(spec, ['--batch-size', 'abc', '-h']).help, true);
  });
});

// Compile-time checks: these lines fail to compile (and the suite with them) if FlagsOf types a flag wrongly.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const typedSpec = {
  name: 'typed', summary: 'Typed flags.', usage: 'typed',
  flags: [
    { name: 'batch-size', type: 'int', default: 64, help: 'per batch' },
    { name: 'lr', type: 'number', help: 'rate' },
    { name: 'loss', type: 'string', choices: ['bce', 'hinge'], help: 'the loss' },
    { name: 'out', type: 'path', required: true, help: 'output' },
    { name: 'resume', type: 'boolean', help: 'continue' },
    { name: 'ema', type: 'boolean', default: false, help: 'average' },
  ],
} as const satisfies CommandSpec;
type TypedFlags = { 'batch-size': number; lr: number | undefined; loss: 'bce' | 'hinge' | undefined; out: string; resume: boolean | undefined; ema: boolean };
const typedExactly: Equal<FlagsOf<typeof typedSpec>, TypedFlags> = true;
const untypedSpecGivesRecord: Equal<FlagsOf<CommandSpec>, Record<string, string | number | boolean | undefined>> = true;
// @ts-expect-error a run function must take the flags of the spec it is paired with
defineCommand(typedSpec, async (flags: { seed: number }) => flags.seed);

describe('parseArgs: flags typed from an as-const spec', () => {
  it('returns values of the types FlagsOf promises', () => {
    assert.ok(typedExactly && untypedSpecGivesRecord);
    const { flags } = parseArgs(typedSpec, ['--out', 'x', '--lr', '0.5', '--loss', 'hinge']);
    const batch: number = flags['batch-size'];
    const loss: 'bce' | 'hinge' | undefined = flags.loss;
    const out: string = flags.out;
    assert.deepEqual([batch, flags.lr, loss, out, flags.resume, flags.ema], [64, 0.5, 'hinge', 'x', undefined, false]);
  });
});

describe('formatHelp', () => {
  const text = formatHelp(spec);

  it('shows usage, summary, every flag with its value name, default, choices and requiredness', () => {
    assert.match(text, /^usage: demo \[flags\]\n\nA demo command\.\n\nflags:\n/);
    assert.match(text, /\n {6}--batch-size N {2,}images per batch \(default: 64\)\n/);
    assert.match(text, /\n {6}--loss bce\|hinge {2,}the loss \(default: bce\)\n/);
    assert.match(text, /\n {6}--model NAME {2,}the model \(one of mlp, dcgan\)\n/);
    assert.match(text, /\n {6}--lr NUMBER {2,}learning rate\n/);
    const listed = formatHelp({ ...spec, flags: [{ name: 'm', type: 'string', choices: ['mlp', 'conv'], placeholder: 'NAME', help: 'mlp or conv' }] });
    assert.match(listed, /--m NAME {2,}mlp or conv\n/); // the help already names the choices: no repeat
    assert.match(text, /\n {6}--resume {2,}continue\n/);
    assert.match(text, /\n {2}-o, --out PATH {2,}output \(required\)\n/);
    assert.match(text, /\n {2}-h, --help {2,}show this help\n\nexamples:\n {2}demo --out x\n$/);
  });

  it('aligns the help column', () => {
    const starts = text.split('\n').filter((l) => /^ {2}(-\w, | {4})--/.test(l)).map((l) => l.search(/ {2}\S+( \S+)*$/));
    assert.equal(new Set(starts).size, 1, text);
  });

  it('lists arguments and wraps long text under the help column', () => {
    const long = 'word '.repeat(40).trim();
    const wide = formatHelp({ ...spec, summary: long, positionals: [{ name: 'RUN', help: 'run folders', variadic: true, required: true }], flags: [{ name: 'n', type: 'int', help: long }] });
    assert.match(wide, /\narguments:\n {2}RUN\.\.\. +run folders \(required\)\n/);
    const lines = wide.split('\n');
    assert.ok(lines.every((l) => l.length <= 80), wide);
    const flagLine = lines.findIndex((l) => l.includes('--n INT'));
    const column = lines[flagLine].indexOf('word');
    assert.equal(lines[flagLine + 1].search(/\S/), column);
    assert.ok(lines.filter((l) => /^word/.test(l)).length >= 2, 'summary wrapped');
  });
});

describe('runCli', () => {
  const capture = () => {
    const io = { outText: '', errText: '', out: (s: string) => void (io.outText += s), err: (s: string) => void (io.errText += s) };
    return io;
  };
  let received: { flags: Record<string, unknown>; positionals: string[] } | undefined;
  const commands: Record<string, CliCommand> = {
    demo: {
      spec: { ...spec, positionals: [{ name: 'X', help: 'x', variadic: true }] },
      run: async (flags, positionals) => {
        received = { flags, positionals };
        if (flags.resume) return;
        if (flags.seed === 7) return 7;
        throw new Error('it broke\n    at somewhere (file.js:1:1)');
      },
    },
    train: { spec: { ...spec, name: 'train', summary: 'Train a GAN.' }, run: async () => Promise.reject(new UsageError('--epochs or --steps, not both')) },
  };

  it('runs the command with parsed flags; a void result is 0 and a number is the exit code', async () => {
    const io = capture();
    assert.equal(await runCli(commands, ['demo', '-o', 'x', '--resume', 'a'], 'gf', io), 0);
    assert.deepEqual(received, { flags: { 'batch-size': 64, loss: 'bce', ema: true, out: 'x', resume: true }, positionals: ['a'] });
    assert.equal(await runCli(commands, ['demo', '-o', 'x', '--seed', '7'], 'gf', io), 7);
    assert.equal(io.outText + io.errText, '');
  });

  it('a failing command: exit 1 and its first message line on stderr, no stack', async () => {
    const io = capture();
    assert.equal(await runCli(commands, ['demo', '-o', 'x'], 'gf', io), 1);
    assert.equal(io.errText, 'gf demo: it broke\n');
  });

  it('GANFORGE_DEBUG=1 adds the stack', async () => {
    const io = capture();
    process.env.GANFORGE_DEBUG = '1';
    try {
      assert.equal(await runCli(commands, ['demo', '-o', 'x'], 'gf', io), 1);
    } finally {
      delete process.env.GANFORGE_DEBUG;
    }
    assert.match(io.errText, /^gf demo: Error: it broke\n[\s\S]*\n\s+at /);
  });

  it('usage errors, from parsing or from the command, exit 2 with one line', async () => {
    let io = capture();
    assert.equal(await runCli(commands, ['demo', '--bogus'], 'gf', io), 2);
    assert.equal(io.errText, 'gf demo: unknown flag --bogus\n');
    io = capture();
    assert.equal(await runCli(commands, ['train', '-o', 'x'], 'gf', io), 2);
    assert.equal(io.errText, 'gf train: --epochs or --steps, not both\n');
  });

  it('an unknown command: one line on stderr with a hint, exit 2', async () => {
    let io = capture();
    assert.equal(await runCli(commands, ['nope'], 'gf', io), 2);
    assert.equal(io.errText, "gf: unknown command 'nope'; run 'gf --help' for the list\n");
    io = capture();
    assert.equal(await runCli(commands, ['trian'], 'gf', io), 2);
    assert.equal(io.errText, "gf: unknown command 'trian' (did you mean 'train'?); run 'gf --help' for the list\n");
    io = capture();
    assert.equal(await runCli(commands, ['constructor'], 'gf', io), 2); // not mistaken for Object.prototype's
    assert.equal(io.outText, '');
    for (const word of ['__proto__', 'toString', 'hasOwnProperty']) {
      io = capture();
      assert.equal(await runCli(commands, [word], 'gf', io), 2);
      assert.equal(io.errText, `gf: unknown command '${word}'; run 'gf --help' for the list\n`);
      io = capture();
      assert.equal(await runCli(commands, ['help', word], 'gf', io), 2);
    }
  });

  it('global help for --help, -h and help (exit 0), and for no arguments (exit 2)', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], []]) {
      const io = capture();
      assert.equal(await runCli(commands, argv, 'gf', io), argv.length ? 0 : 2);
      assert.match(io.outText, /^usage: gf <command> \[flags\]\n\ncommands:\n {2}demo {3}A demo command\.\n {2}train {2}Train a GAN\.\n/);
      assert.equal(io.errText, '');
    }
  });

  it('command help for CMD --help and help CMD', async () => {
    for (const argv of [['demo', '--help'], ['help', 'demo']]) {
      const io = capture();
      assert.equal(await runCli(commands, argv, 'gf', io), 0);
      assert.equal(io.outText, formatHelp(commands.demo.spec));
    }
    const io = capture();
    assert.equal(await runCli(commands, ['help', 'nope'], 'gf', io), 2);
    assert.match(io.errText, /unknown command 'nope'/);
  });

  it('an error carrying exitCode keeps it; a thrown non-Error is printed as text', async () => {
    const io = capture();
    const failing: Record<string, CliCommand> = {
      x: { spec: { ...spec, flags: [] }, run: async () => Promise.reject(Object.assign(new Error('diverged'), { exitCode: 3 })) },
      y: { spec: { ...spec, flags: [] }, run: async () => Promise.reject('plain text') },
    };
    assert.equal(await runCli(failing, ['x'], 'gf', io), 3);
    assert.equal(await runCli(failing, ['y'], 'gf', io), 1);
    assert.equal(io.errText, 'gf x: diverged\ngf y: plain text\n');
  });

  it("a library OptionError names the command's flag for the option (camel-cased name or its key), with exit 2", async () => {
    const io = capture();
    const flags = [
      { name: 'lr-g', type: 'number' as const, help: 'x' },
      { name: 'ema', key: 'emaDecay', type: 'number' as const, help: 'x' },
    ];
    const failWith = (option: string): CliCommand => ({
      spec: { ...spec, flags }, run: async () => Promise.reject(new OptionError(option, (name) => `${name(option)} is wrong`)),
    });
    const failing: Record<string, CliCommand> = { a: failWith('lrG'), b: failWith('emaDecay'), c: failWith('gpWeight') };
    assert.equal(await runCli(failing, ['a'], 'gf', io), 2);
    assert.equal(await runCli(failing, ['b'], 'gf', io), 2);
    assert.equal(await runCli(failing, ['c'], 'gf', io), 2);
    assert.equal(io.errText, "gf a: --lr-g is wrong\ngf b: --ema is wrong\ngf c: 'gpWeight' is wrong\n");
  });
});
