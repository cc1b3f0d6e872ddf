// Tiny runs for tests that train, kill and mutate many times: an IDX folder of small digits (MNIST
// subsampled to SIDE×SIDE), rewriting a checkpoint's metadata or tensors, and stepping a built run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeIdx } from '../../src/data/idx';
import { loadBundledMnist } from '../../src/data/mnist';
import type { FamilyRun, Scalars } from '../../src/gan/types';
import { decodeSafetensors, encodeSafetensors, RawTensor } from '../../src/io/safetensors';
import { memory } from '../../src/torch';
import { tempDir } from './fixtures';

/** `count` bundled digits subsampled to side×side (nearest pixel), as an IDX folder with labels. */
export function tinyDigitsFolder(count: number, side: number): string {
  const mnist = loadBundledMnist();
  const dir = tempDir('tiny-idx');
  const stride = Math.floor(mnist.count / count);
  const images = new Uint8Array(count * side * side);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * stride * 784;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) images[(i * side + y) * side + x] = mnist.images[at + Math.floor(((y + 0.5) * 28) / side) * 28 + Math.floor(((x + 0.5) * 28) / side)];
    }
    labels[i] = mnist.labels![i * stride];
  }
  writeIdx(path.join(dir, 'train-images-idx3-ubyte'), [count, side, side], images);
  writeIdx(path.join(dir, 'train-labels-idx1-ubyte'), [count], labels);
  return dir;
}

export interface CheckpointParts {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

export function readParts(bytes: Buffer): CheckpointParts {
  return decodeSafetensors(bytes, 'checkpoint');
}

/** The checkpoint's bytes with its parts changed by `edit` (config and progress as parsed JSON). */
export function rewriteCheckpoint(bytes: Buffer, edit: (parts: CheckpointParts & { config: Record<string, unknown>; progress: Record<string, unknown> }) => void): Buffer {
  const parts = readParts(bytes);
  const config = JSON.parse(parts.metadata.config);
  const progress = JSON.parse(parts.metadata.progress);
  const all = { ...parts, config, progress };
  edit(all);
  const metadata = { ...all.metadata, config: JSON.stringify(all.config), progress: JSON.stringify(all.progress) };
  return encodeSafetensors(all.tensors, metadata);
}

/** Copies a run folder (to mutate the copy and keep the original). */
export function copyRun(from: string, to: string): string {
  fs.cpSync(from, to, { recursive: true });
  return to;
}

/**
 * Trains `steps` steps of a built run, epoch by epoch, reading the live-tensor count after each: what every
 * family's "finite losses, flat live-tensor count" test needs.
 */
export function stepRun(run: FamilyRun, steps: number): { scalars: Scalars[]; live: number[] } {
  const scalars: Scalars[] = [];
  const live: number[] = [];
  for (let step = 0; step < steps; step++) {
    scalars.push(run.step({ step, epoch: Math.floor(step / run.batchesPerEpoch) + 1, batchInEpoch: step % run.batchesPerEpoch }));
    live.push(memory().liveTensors);
  }
  return { scalars, live };
}
