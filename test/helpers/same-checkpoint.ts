// Resume checks shared by the family tests: a run trained in two sessions (stopped, then resumed from its
// checkpoint), and two checkpoints that must hold the same run, every tensor byte-identical.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { ImageDataset } from '../../src/data/dataset';
import { readCheckpoint } from '../../src/gan/checkpoint';
import type { TrainConfig } from '../../src/gan/config';
import { train } from '../../src/gan/trainer';
import { readMetrics } from './fixtures';

/** Every tensor of the two checkpoints is byte-identical (the metadata differs: elapsed time). */
export function assertSameTensors(a: string, b: string): void {
  const left = readCheckpoint(a);
  const right = readCheckpoint(b);
  try {
    assert.deepEqual([...left.tensors.keys()], [...right.tensors.keys()]);
    for (const [name, t] of left.tensors) {
      assert.ok(Buffer.from(t.toTypedArray().buffer).equals(Buffer.from(right.tensors.get(name)!.toTypedArray().buffer)), `${name} differs`);
    }
  } finally {
    left.dispose();
    right.dispose();
  }
}

/** Trains `config` into `out` in two sessions: stopped after `stopAfter` steps, then resumed from its checkpoint. */
export async function trainInTwoSessions(config: TrainConfig, data: ImageDataset, out: string, stopAfter: number): Promise<void> {
  let steps = 0;
  await train(config, data, out, null, { log: () => undefined, shouldStop: () => steps++ >= stopAfter });
  const checkpoint = readCheckpoint(path.join(out, 'checkpoints', 'last.safetensors'));
  assert.equal(checkpoint.progress.step, stopAfter);
  await train(config, data, out, checkpoint, { log: () => undefined });
}

/** Two run folders hold the same run: the same `keys` in every metrics record, and byte-identical checkpoints. */
export function assertSameRun(a: string, b: string, keys: readonly string[]): void {
  const pick = (r: Record<string, number>) => keys.map((k) => r[k]);
  assert.deepEqual(readMetrics(a).map(pick), readMetrics(b).map(pick));
  assertSameTensors(path.join(a, 'checkpoints', 'last.safetensors'), path.join(b, 'checkpoints', 'last.safetensors'));
}
