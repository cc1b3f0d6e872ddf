// Where libtorch lacks c10d/Gloo (or libgloo-dev is missing) the addon must still build. native/src/dist.cc
// picks its fallback when the headers are absent, or when GANFORGE_NO_DIST is defined: this compiles that
// fallback (syntax and types, as the build would) so it cannot rot unseen on a machine that has the headers.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { native } from '../../src/torch/native';

const root = path.join(__dirname, '..', '..', '..');

describe('building without distributed support', () => {
  it('native/src/dist.cc compiles without c10d/Gloo, and this build has them', () => {
    const node = (script: string) => execFileSync(process.execPath, ['-p', script], { cwd: root, encoding: 'utf8' }).trim();
    const torchIncludes = execFileSync(process.execPath, [path.join(root, 'native', 'find-libtorch.js'), 'include'], { encoding: 'utf8' }).trim().split(/\s+/);
    const nodeIncludes = path.join(path.dirname(process.execPath), '..', 'include', 'node');
    const args = [
      '-std=c++17', '-fsyntax-only', '-DGANFORGE_NO_DIST', '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-Wall', '-Werror',
      '-Wno-unused-parameter', '-Wno-deprecated-declarations', `-I${nodeIncludes}`, `-I${node("require('node-addon-api').include_dir")}`,
      ...torchIncludes.map((dir) => `-I${dir}`), path.join(root, 'native', 'src', 'dist.cc'),
    ];
    const compile = spawnSync('g++', args, { encoding: 'utf8', timeout: 120_000 });
    assert.equal(compile.status, 0, compile.stderr);
    assert.equal(native.distAvailable(), true, 'this machine has libgloo-dev and a c10d libtorch: the addon should use them');
  });
});
