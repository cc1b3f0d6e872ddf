// The native surface is declared once (issue 16): src/torch/native-ops.ts lists every export with its argument
// and result kinds, NativeAddon's type is derived from that table, and this test holds the addon to it, so an
// export cannot be added, renamed or dropped on one side only.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { native } from '../../src/torch/native';
import { NATIVE_OPS } from '../../src/torch/native-ops';

const root = path.join(__dirname, '..', '..', '..');

describe('the native surface', () => {
  it('the addon exports exactly the functions the table declares', () => {
    const exported = Object.keys(native).sort();
    const declared = Object.keys(NATIVE_OPS).sort();
    assert.deepEqual(exported.filter((n) => !declared.includes(n)), [], 'exported but not declared');
    assert.deepEqual(declared.filter((n) => !exported.includes(n)), [], 'declared but not exported');
    for (const name of exported) assert.equal(typeof (native as unknown as Record<string, unknown>)[name], 'function', name);
  });

  it('every Export(...) line in native/src names a declared op, once, and every op file is in binding.gyp', () => {
    const dir = path.join(root, 'native', 'src');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cc'));
    const names: string[] = [];
    for (const file of files) {
      for (const m of fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/Export\(env, exports, "(\w+)"/g)) names.push(m[1]);
    }
    assert.deepEqual([...names].sort(), Object.keys(NATIVE_OPS).sort());
    const gyp = fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8');
    for (const file of files) assert.ok(gyp.includes(`native/src/${file}`), `${file} is missing from binding.gyp`);
  });

  it('every declared export is used by the tensor layer (no dead exports)', () => {
    const dir = path.join(root, 'src', 'torch');
    const source = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'native-ops.ts')
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    const unused = Object.keys(NATIVE_OPS).filter((name) => !new RegExp(`native\\.${name}\\b`).test(source));
    assert.deepEqual(unused, []);
  });
});
