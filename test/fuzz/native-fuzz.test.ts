// Fuzzes every export of the native addon (issue 8): thousands of seeded calls generated from the one table of
// exports (src/torch/native-ops.ts), run by native-fuzz-driver.ts in a child process so a crash is a failed
// assertion rather than a dead test runner. Each call must return a value of its declared kind or throw a JS
// Error naming the op; the process must exit 0 with every tensor it made disposed.
//
// The child runs with GANFORGE_MAX_TENSOR_BYTES at 64 MiB: hostile sizes then meet the cap quickly instead of
// allocating gigabytes that happen to fit under a big machine's default cap.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { NATIVE_OPS } from '../../src/torch/native-ops';

const driver = path.join(__dirname, 'native-fuzz-driver.js');
const SEEDS = [1, 2, 3];
const ROUNDS = 16; // calls per export per seed

describe('native fuzz', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: every export survives ${ROUNDS} generated calls`, () => {
      const run = spawnSync(process.execPath, ['--expose-gc', driver, String(seed), String(ROUNDS)], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, GANFORGE_MAX_TENSOR_BYTES: String(64 << 20), GANFORGE_THREADS: '1' },
      });
      const output = `${run.stdout}\n${run.stderr}`.trim();
      assert.equal(run.signal, null, `the fuzz driver was killed by ${run.signal}:\n${output.slice(-3000)}`);
      assert.equal(run.status, 0, `the fuzz driver failed:\n${output.slice(-3000)}`);
      const exports = Object.keys(NATIVE_OPS).length;
      const summary = new RegExp(`native-fuzz seed=${seed}: (\\d+) calls over ${exports} exports, (\\d+) returned, (\\d+) threw; live tensors back to \\d+`);
      const match = summary.exec(run.stdout);
      assert.ok(match, `no summary line in:\n${output.slice(-2000)}`);
      assert.equal(Number(match[1]), exports * ROUNDS);
      assert.ok(Number(match[2]) > exports * ROUNDS * 0.15, 'enough calls got through the checks to reach the kernels');
      console.log(match[0]);
    });
  }
});
