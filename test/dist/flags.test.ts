// Bad data-parallel settings, from flags or from the launcher's environment, are refused before anything
// loads: one line naming the problem, exit 2, and no run folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { resolveWorld } from '../../src/dist/world';
import { OptionError } from '../../src/errors';
import { ganforge, tempDir } from '../helpers/fixtures';

const CASES: { args: string[]; env?: Record<string, string>; says: RegExp }[] = [
  { args: ['--world-size', '2', '--rank', '2', '--master', '127.0.0.1:29555'], says: /rank 2 is not in 0\.\.1/ },
  { args: ['--world-size', '2', '--rank', '0'], says: /needs the rendezvous address: give --master host:port/ },
  { args: ['--world-size', '2', '--rank', '0', '--master', 'localhost:99'], says: /--master port 99 is not in 1024\.\.65535/ },
  { args: ['--world-size', '2', '--rank', '0', '--master', 'two words:1234'], says: /--master 'two words:1234' is not host:port/ },
  { args: ['--world-size', '2', '--rank', '0', '--master', 'host:'], says: /is not host:port/ },
  { args: ['--rank', '1'], says: /a rank needs a world size/ },
  { args: ['--rank', '-1'], says: /--rank/ },
  { args: ['--master', 'localhost:2000'], says: /a rank needs a world size/ },
  { args: [], env: { RANK: 'one', WORLD_SIZE: '2' }, says: /RANK=one is not a whole number/ },
  { args: [], env: { RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: '10.0.0.1', MASTER_PORT: '70000' }, says: /MASTER_ADDR:MASTER_PORT port 70000 is not in 1024\.\.65535/ },
  { args: ['--nproc', '2', '--world-size', '2', '--rank', '0', '--master', '127.0.0.1:29555'], says: /--nproc launches its own ranks/ },
  { args: ['--nproc', '0'], says: /--nproc/ },
  { args: ['--nproc', '3', '--batch-size', '64'], says: /--batch-size 64 is the global batch and must split evenly over --nproc 3/ },
  { args: ['--dist-timeout', '0'], says: /--dist-timeout/ },
];

describe('data-parallel flags', () => {
  for (const { args, env, says } of CASES) {
    it(`${[...Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`), ...args].join(' ')}: one line, exit 2`, () => {
      const out = path.join(tempDir('ddp-flags'), 'run');
      // A clean environment for the launcher's variables, so the machine's own cannot leak in.
      const clean = { RANK: '', WORLD_SIZE: '', LOCAL_RANK: '', MASTER_ADDR: '', MASTER_PORT: '', ...env };
      const run = ganforge(['train', '--model', 'mlp', '--steps', '2', '--out', out, ...args], undefined, clean);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, says);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.ok(!fs.existsSync(out), 'a refused run wrote its folder');
    });
  }
});

describe('resolveWorld as a library call', () => {
  it("names the option by its key, not by the CLI's flag", () => {
    assert.throws(
      () => resolveWorld({ worldSize: 2, rank: 0, timeoutMs: 1000 }, {}),
      (err: unknown) => err instanceof OptionError && err.option === 'master' && /give 'master' host:port/.test(err.message),
    );
    assert.throws(() => resolveWorld({ rank: 1, timeoutMs: 1000 }, {}), (err: unknown) => err instanceof OptionError && err.option === 'worldSize');
  });
});
