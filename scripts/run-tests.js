#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner, one file at a time
// (the native engine is shared per process and the machine has two cores). Arguments narrow the set:
// `node scripts/run-tests.js io data` runs only files whose path (below the repo root) contains "io" or "data".
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}

const root = path.join(__dirname, '..');
const filters = process.argv.slice(2);
const files = findTests(path.join(root, 'dist', 'test'))
  .filter((f) => filters.length === 0 || filters.some((word) => path.relative(root, f).includes(word)))
  .sort();
if (files.length === 0) {
  console.error('no test files found: run `npx tsc -p .` first');
  process.exit(1);
}
// Tests keep their downloads and trained classifiers in the repo's .cache/ (git-ignored), not in ~/.cache.
// One intra-op thread unless the caller says otherwise: the thread governor would otherwise move a two-thread
// family between 1 and 2 threads as the machine's load changes, which changes convolution rounding, and the
// exact-resume tests compare runs bit for bit (the governor has tests of its own, on scripted readings).
const env = {
  ...process.env,
  GANFORGE_CACHE: process.env.GANFORGE_CACHE ?? path.join(root, '.cache', 'test'),
  GANFORGE_THREADS: process.env.GANFORGE_THREADS ?? '1',
};
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
