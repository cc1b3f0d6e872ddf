import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { camelFlags, CommandSpec, formatHelp, parseArgs, runCli, UsageError } from '../../src/cli/args';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'A demo command.',
  usage: 'demo [flags]',
  flags: [
    { name: 'batch-size', type: 'int', min: 1, default: 64, help: 'images per batch', placeholder: 'N' },
    { name: 'lr', type: 'number', min: 0, help: 'learning rate' },
    { name: 'loss', type: 'string', choices: ['a', 'b'], default: 'a', help: 'the loss' },
    { name: 'resume', type: 'boolean', help: 'continue' },
    { name: 'out', type: 'path', alias: 'o', help: 'output', required: true },
  ],
  examples: ['demo --out x'],
};

describe('parseArgs', () => {
  it('parses every type, both value syntaxes, aliases, negation and defaults', () => {
    const { flags, positionals } = parseArgs(spec, ['--batch-size', '32', '--lr=1e-3', '-o', 'runs/x', '--no-resume']);
    assert.deepEqual(flags, { 'batch-size': 32, lr: 0.001, out: 'runs/x', resume: false, loss: 'a' });
    assert.deepEqual(positionals, []);
    const withRuns = { ...spec, positionals: [{ name: 'RUN', help: 'runs', variadic: true }] };
    assert.deepEqual(parseArgs(withRuns, ['--out', 'x', 'a', 'b']).positionals, ['a', 'b']);
    assert.equal(parseArgs(spec, ['--out', 'x', '--resume']).flags.resume, true);
    assert.deepEqual(camelFlags({ 'batch-size': 3 }), { batchSize: 3 });
  });

  it('errors name the flag', () => {
    const cases: [string[], string][] = [
      [['--out', 'x', '--batch-size', 'abc'], "--batch-size: expected an integer, got 'abc'"],
      [['--out', 'x', '--batch-size', '1.5'], "--batch-size: expected an integer, got '1.5'"],
      [['--out', 'x', '--batch-size', '0'], '--batch-size: must be at least 1, got 0'],
      [['--out', 'x', '--lr', 'fast'], "--lr: expected a number, got 'fast'"],
      [['--out', 'x', '--loss', 'c'], "--loss: 'c' is not one of a, b"],
      [['--out', 'x', '--lr'], '--lr needs a value'],
      [['--out', 'x', '--out', 'y'], '--out given twice'],
      [['--batch-sise', '3'], 'unknown flag --batch-sise (did you mean --batch-size?)'],
      [['--zzz'], 'unknown flag --zzz'],
      [[], '--out is required'],
      [['--out', 'x', 'extra'], "unexpected argument 'extra'"],
    ];
    for (const [argv, message] of cases) {
      assert.throws(() => parseArgs(spec, argv), (err: Error) => err instanceof UsageError && err.message === message, argv.join(' '));
    }
  });

  it('--help skips required flags; help text lists flags, defaults and choices', () => {
    assert.equal(parseArgs(spec, ['--help']).help, true);
    const text = formatHelp(spec);
    assert.match(text, /^usage: demo \[flags\]/);
    assert.match(text, /--batch-size N\s+images per batch \(default: 64\)/);
    assert.match(text, /--loss a\|b\s+the loss \(default: a\)/);
    assert.match(text, /-o, --out PATH\s+output \(required\)/);
    assert.match(text, /examples:\n  demo --out x/);
  });
});

describe('runCli', () => {
  const capture = () => {
    const io = { outText: '', errText: '', out: (s: string) => void (io.outText += s), err: (s: string) => void (io.errText += s) };
    return io;
  };
  const commands = {
    demo: { spec, run: async (flags: Record<string, unknown>) => (flags.resume ? 0 : Promise.reject(new Error('it broke\n  at somewhere'))) },
  };

  it('exit codes: 0 ok, 1 failure (one line, no stack), 2 usage or unknown command', async () => {
    let io = capture();
    assert.equal(await runCli(commands, ['demo', '--out', 'x', '--resume'], 'gf', io), 0);
    io = capture();
    assert.equal(await runCli(commands, ['demo', '--out', 'x'], 'gf', io), 1);
    assert.equal(io.errText, 'gf demo: it broke\n');
    io = capture();
    assert.equal(await runCli(commands, ['demo', '--bogus'], 'gf', io), 2);
    assert.equal(io.errText, 'gf demo: unknown flag --bogus\n');
    io = capture();
    assert.equal(await runCli(commands, ['nope'], 'gf', io), 2);
    assert.match(io.errText, /unknown command 'nope' \(run 'gf --help'\)/);
    io = capture();
    assert.equal(await runCli(commands, ['--help'], 'gf', io), 0);
    assert.match(io.outText, /commands:\n  demo\s+A demo command\./);
    io = capture();
    assert.equal(await runCli(commands, ['demo', '--help'], 'gf', io), 0);
    assert.match(io.outText, /usage: demo/);
  });

  it('an error carrying exitCode keeps it', async () => {
    const io = capture();
    const failing = { x: { spec: { ...spec, flags: [] }, run: async () => Promise.reject(Object.assign(new Error('diverged'), { exitCode: 3 })) } };
    assert.equal(await runCli(failing, ['x'], 'gf', io), 3);
  });
});
