// --device and --precision on a machine without a GPU (as CI): a GPU asked for by name, or mixed precision on
// the CPU, is one clear line and exit 2, before any run folder is made; 'auto' and 'cpu' train on the CPU.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cudaDeviceCount } from '../../src/torch';
import { ganforge, mnistSubsetFolder, tempDir } from '../helpers/fixtures';

const skip = cudaDeviceCount() > 0 ? 'a GPU is here: these check the CPU-only answers' : false;

function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one error line, got:\n${stderr}`);
  assert.match(lines[0], pattern);
}

describe('--device and --precision without a GPU', { skip }, () => {
  const data = mnistSubsetFolder(128, false);

  for (const [args, pattern] of [
    [['--device', 'cuda'], /--device: cuda asked for, but this ganforge has no GPU to use .*use cpu/],
    [['--device', 'cuda:1'], /--device: cuda:1 asked for/],
    [['--device', 'tpu'], /--device: unknown device 'tpu' \(expected auto, cpu, cuda or cuda:K\)/],
    [['--precision', 'bf16'], /--precision bf16 \(mixed precision\) runs on a GPU; on the CPU use fp32/],
    [['--precision', 'fp8'], /--precision/],
  ] as const) {
    it(`train ${args.join(' ')}: one line, exit 2, no run folder`, () => {
      const out = path.join(tempDir('device'), 'run');
      const result = ganforge(['train', '--model', 'mlp', '--dataset', data, '--steps', '2', '--out', out, ...args]);
      assert.equal(result.status, 2, result.stderr);
      assertOneLine(result.stderr, pattern);
      assert.ok(!fs.existsSync(out), 'nothing was written');
    });
  }

  it('sample --device cuda is refused the same way', () => {
    const result = ganforge(['sample', '--checkpoint', 'nowhere', '--out', path.join(tempDir('device'), 'x.png'), '--device', 'cuda']);
    assert.equal(result.status, 2);
    assertOneLine(result.stderr, /--device: cuda asked for/);
  });

  it('translate, edit and export --device cuda are refused the same way, before reading anything', () => {
    const dir = tempDir('device');
    for (const args of [
      ['translate', '--checkpoint', 'nowhere', '--in', 'nowhere', '--out', path.join(dir, 't')],
      ['edit', '--checkpoint', 'nowhere', '--in', 'nowhere', '--set', 'class=1', '--out', path.join(dir, 'e')],
      ['export', '--checkpoint', 'nowhere', '--onnx', path.join(dir, 'x.onnx')],
    ]) {
      const result = ganforge([...args, '--device', 'cuda']);
      assert.equal(result.status, 2, `${args[0]}: ${result.stderr}`);
      assertOneLine(result.stderr, /--device: cuda asked for/);
    }
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('--device cpu and auto train on the CPU', () => {
    for (const device of ['cpu', 'auto']) {
      const out = path.join(tempDir('device'), device);
      const result = ganforge(['train', '--model', 'mlp', '--dataset', data, '--steps', '2', '--out', out, '--device', device]);
      assert.equal(result.status, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /device: cuda/);
    }
  });
});
