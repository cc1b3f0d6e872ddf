// `ganforge classifier train`: trains the judge's classifier into the cache with its held-out accuracy, reuses
// it afterwards, and rejects an unknown action with one clear line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ganforge, tempDir } from '../helpers/fixtures';

describe('ganforge classifier', { timeout: 300_000 }, () => {
  const cache = tempDir('classifier-cache');
  const env = { GANFORGE_CACHE: cache };

  it('trains once, reports accuracy and the cache file, then reuses it', () => {
    const first = ganforge(['classifier', 'train', '--dataset', 'mnist', '--epochs', '1'], undefined, env);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /training the mnist-bundled classifier/);
    assert.match(first.stderr, /classifier epoch 1\/1: loss \d/);
    const accuracy = Number(/mnist-bundled classifier: ([\d.]+)% held-out accuracy/.exec(first.stdout)?.[1]);
    // One epoch on 8,000 digits: far better than chance (10%), short of the 5-epoch default's ~97%.
    assert.ok(accuracy > 85 && accuracy <= 100, `accuracy ${accuracy}% in ${first.stdout}`);
    const file = path.join(cache, 'classifiers', 'mnist-bundled.safetensors');
    assert.ok(fs.existsSync(file));
    assert.match(first.stdout, new RegExp(`cached in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    const mtime = fs.statSync(file).mtimeMs;
    const again = ganforge(['classifier', 'train', '--dataset', 'mnist'], undefined, env);
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /training the/);
    assert.match(again.stdout, new RegExp(`${accuracy.toFixed(2)}% held-out accuracy`));
    assert.equal(fs.statSync(file).mtimeMs, mtime);
  });

  it('rejects an unknown action', () => {
    const result = ganforge(['classifier', 'fit'], undefined, env);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown classifier action 'fit' \(expected train\)/);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });
});
