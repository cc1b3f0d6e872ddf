// A per-class run: one unconditional model per label, each in its own run folder `OUT/class-K`, with
// `OUT/per-class.json` marking the folder and holding the class names and the config they share. Written by
// the run lifecycle (run.ts), read by sampling and scoring; the file may come from anyone, so it is checked.
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomic';
import { parseStoredConfig, TrainConfig } from './config';

const MANIFEST = 'per-class.json';
/** More classes than any labelled data set ganforge reads (IDX labels are one byte). */
const MAX_CLASSES = 256;

export interface PerClassManifest {
  /** Class names, in label order: class K trains in `class-K`. */
  classes: string[];
  /** The config every class model shares (each adds its label to the seed). */
  config: TrainConfig;
}

export function isPerClassRun(dir: string): boolean {
  return fs.existsSync(path.join(dir, MANIFEST));
}

export function perClassManifestPath(dir: string): string {
  return path.join(dir, MANIFEST);
}

/** The run folder of class `label`. */
export function classRunDir(dir: string, label: number): string {
  return path.join(dir, `class-${label}`);
}

export function writePerClassManifest(dir: string, manifest: PerClassManifest): void {
  writeFileAtomic(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
}

/** Reads and checks `DIR/per-class.json`; every problem is one line naming the file. */
export function readPerClassManifest(dir: string): PerClassManifest {
  const file = path.join(dir, MANIFEST);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not a readable per-class manifest (${(err as Error).message.split('\n')[0]})`);
  }
  const { classes, config } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (!Array.isArray(classes) || classes.length < 1 || classes.length > MAX_CLASSES || !classes.every((c) => typeof c === 'string')) {
    throw new Error(`${file}: 'classes' must be a list of 1 to ${MAX_CLASSES} class names`);
  }
  // The same checks as a checkpoint's or config.json's stored config: every key, of its type, within bounds.
  return { classes, config: parseStoredConfig(config, file) };
}
