// Running a Python cross-check (Debian's /usr/bin/python3) from a test: the script's stdout, or null after
// skipping the test with a message when Python or the module the check needs is missing.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

export function python(t: TestContext, module: 'numpy' | 'PIL' | 'torch' | 'tensorboard', script: string, args: string[] = []): string | null {
  const result = spawnSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error || new RegExp(`No module named '${module}'`).test(result.stderr)) {
    t.skip(`no /usr/bin/python3 with ${module}: cross-check skipped`);
    return null;
  }
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}
