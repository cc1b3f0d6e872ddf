#!/usr/bin/env node
// Finds libtorch for the native build. binding.gyp calls this for include dirs, libraries and defines;
// `--check` (run before node-gyp) prints where libtorch was found, or one clear message and exit 1.
//
// Resolution order (never a download):
//   1. LIBTORCH=/path: a libtorch zip from pytorch.org, or a Python torch install's `torch/` folder;
//   2. a Python torch install (`python3 -c "import torch"`), which ships include/ and lib/;
//   3. Debian's libtorch-dev (headers in /usr/include, libraries in the multiarch lib dir).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const HOW_TO_GET =
  'ganforge needs libtorch. Either set LIBTORCH to an unpacked libtorch (https://pytorch.org, CPU or CUDA) ' +
  "or a Python torch install's torch/ folder, or on Debian/Ubuntu run: " +
  'apt-get install libtorch-dev libopenblas0-pthread';

function hasHeaders(includeDir) {
  return fs.existsSync(path.join(includeDir, 'ATen', 'ATen.h')) &&
    fs.existsSync(path.join(includeDir, 'torch', 'csrc', 'api', 'include', 'torch', 'torch.h'));
}

function hasLibs(libDir) {
  return ['libtorch.so', 'libtorch_cpu.so', 'libc10.so'].every((f) => fs.existsSync(path.join(libDir, f)));
}

// A layout with include/ and lib/ side by side (libtorch zips and Python installs).
function fromRoot(root, source) {
  const include = path.join(root, 'include');
  const lib = path.join(root, 'lib');
  if (!hasHeaders(include) || !hasLibs(lib)) return null;
  return { source, include, lib };
}

function pythonTorchRoot() {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const out = execFileSync(python, ['-c', 'import os, torch; print(os.path.dirname(torch.__file__))'], {
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60000,
      });
      const root = out.toString().trim();
      if (root) return root;
    } catch {
      // No torch for this interpreter: try the next one.
    }
  }
  return null;
}

function debianLibDir() {
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib']) {
    if (hasLibs(dir)) return dir;
  }
  return null;
}

function locate() {
  if (process.env.LIBTORCH) {
    const found = fromRoot(path.resolve(process.env.LIBTORCH), 'LIBTORCH');
    if (!found) {
      throw new Error(`LIBTORCH=${process.env.LIBTORCH} has no include/ATen/ATen.h or lib/libtorch.so. ${HOW_TO_GET}`);
    }
    return found;
  }
  const pyRoot = pythonTorchRoot();
  if (pyRoot) {
    const found = fromRoot(pyRoot, `python torch (${pyRoot})`);
    if (found) return found;
  }
  const debLib = debianLibDir();
  if (debLib && hasHeaders('/usr/include')) return { source: 'Debian libtorch-dev', include: '/usr/include', lib: debLib };
  throw new Error(HOW_TO_GET);
}

// libtorch builds differ in the C++ ABI of std::string; the addon must match or it fails to load.
// Symbols of a new-ABI build mention `__cxx11`; an old-ABI build has none.
function usesCxx11Abi(libDir) {
  const bytes = fs.readFileSync(fs.realpathSync(path.join(libDir, 'libc10.so')));
  return bytes.includes(Buffer.from('__cxx11'));
}

function hasCuda(libDir) {
  return fs.existsSync(path.join(libDir, 'libtorch_cuda.so')) || fs.existsSync(path.join(libDir, 'libc10_cuda.so'));
}

function main() {
  const what = process.argv[2];
  let found;
  try {
    found = locate();
  } catch (err) {
    process.stderr.write(`ganforge: ${err.message}\n`);
    process.exit(1);
  }
  const cuda = hasCuda(found.lib);
  switch (what) {
    case '--check':
      process.stdout.write(`ganforge: building against libtorch from ${found.source}${cuda ? ' (CUDA)' : ''}\n`);
      break;
    case 'include':
      process.stdout.write([found.include, path.join(found.include, 'torch', 'csrc', 'api', 'include')].join(' '));
      break;
    case 'libs': {
      const libs = ['-L' + found.lib, '-Wl,-rpath,' + found.lib, '-ltorch', '-ltorch_cpu', '-lc10'];
      // --no-as-needed keeps libtorch_cuda linked although no symbol of it is named: it registers the CUDA kernels.
      if (cuda) libs.push('-Wl,--no-as-needed', '-ltorch_cuda', '-lc10_cuda', '-Wl,--as-needed');
      process.stdout.write(libs.join(' '));
      break;
    }
    case 'defines':
      process.stdout.write(`_GLIBCXX_USE_CXX11_ABI=${usesCxx11Abi(found.lib) ? 1 : 0}${cuda ? ' GANFORGE_CUDA=1' : ''}`);
      break;
    default:
      process.stderr.write('usage: find-libtorch.js --check | include | libs | defines\n');
      process.exit(2);
  }
}

main();
