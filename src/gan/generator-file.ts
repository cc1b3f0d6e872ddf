// A generator file: only the network that draws images (the moving average where the run kept one), with the
// config that builds it, how it was made and how it scored. What the zoo ships and `ganforge zoo pack` writes:
// a few MB instead of a checkpoint's generator + discriminator + optimizer state. Read as untrusted input, like
// a checkpoint: metadata parsed and checked, tensors held to the family's declared size before any model exists.
import { loadTensors, saveTensors } from '../io/tensors';
import { libtorchVersion, Tensor } from '../torch';
import { checkpointFrom, LoadedCheckpoint, readCheckpoint, section } from './checkpoint';
import { parseStoredConfig } from './config';
import { familyFor } from './registry';

const FORMAT = 'ganforge-generator';
const VERSION = '1';
/** The name its weights are stored under, whatever the run called them (G, or E for the moving average). */
export const GENERATOR_PREFIX = 'G';

/** How a generator was made and judged, as its file says. */
export interface GeneratorInfo {
  /** The training step it was taken at. */
  step: number;
  /** The command that trained it (for the zoo: reproducible from a fresh install). */
  command: string | null;
  /** The judge's scores of it (`ganforge eval --json`): FID, KID, IS, precision, recall, … */
  scores: Record<string, number>;
}

export interface LoadedGenerator extends LoadedCheckpoint {
  info: GeneratorInfo;
}

/** Writes the drawing network of the checkpoint `from` (a file) to `out`, atomically, with `info`. */
export function writeGeneratorFile(from: string, out: string, made: { command?: string; scores?: Record<string, number> }): GeneratorInfo {
  const checkpoint = readCheckpoint(from);
  try {
    const { config } = checkpoint;
    const sampler = familyFor(config).noiseSampler;
    if (!sampler) throw new Error(`${from}: model '${config.model}' does not draw images from noise; only such generators are packed`);
    const weights = section(checkpoint, `${sampler.weightsPrefix(config, false)}.`);
    const entries = new Map([...weights].map(([name, t]) => [`${GENERATOR_PREFIX}.${name}`, t] as [string, Tensor]));
    const info: GeneratorInfo = { step: checkpoint.progress.step, command: made.command ?? null, scores: made.scores ?? {} };
    saveTensors(out, entries, {
      format: FORMAT, version: VERSION, libtorch: libtorchVersion(), config: JSON.stringify(config),
      step: String(info.step), command: info.command ?? '', scores: JSON.stringify(info.scores),
    });
    return info;
  } finally {
    checkpoint.dispose();
  }
}

function parseScores(text: string | undefined, file: string): Record<string, number> {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '{}');
  } catch {
    throw new Error(`${file}: metadata 'scores' is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: metadata 'scores' is not an object`);
  const entries = Object.entries(value);
  if (entries.length > 64) throw new Error(`${file}: metadata 'scores' has ${entries.length} entries (at most 64)`);
  for (const [key, v] of entries) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${file}: score '${key.slice(0, 40)}' is not a finite number`);
  }
  return Object.fromEntries(entries) as Record<string, number>;
}

/** A generator file's network and facts, checked (see the file comment); the caller disposes it. */
function generatorFrom(file: string, tensors: Map<string, Tensor>, metadata: Record<string, string>): LoadedGenerator {
  if (metadata.version !== VERSION) throw new Error(`${file} is a version ${metadata.version} generator file; this ganforge reads version ${VERSION}`);
  let stored: unknown;
  try {
    stored = JSON.parse(metadata.config ?? '');
  } catch {
    throw new Error(`${file}: metadata 'config' is not valid JSON`);
  }
  const config = parseStoredConfig(stored, `${file}: config`);
  let family;
  try {
    family = familyFor(config);
  } catch (err) {
    throw new Error(`${file}: config: ${(err as Error).message}`);
  }
  const network = family.checkpointLayout(config).networks.get(GENERATOR_PREFIX);
  if (!family.noiseSampler || !network) throw new Error(`${file}: model '${config.model}' has no generator that draws from noise`);
  let held = 0;
  for (const [name, t] of tensors) {
    if (!name.startsWith(`${GENERATOR_PREFIX}.`)) throw new Error(`${file}: unexpected tensor '${name.slice(0, 80)}' (a generator file holds ${GENERATOR_PREFIX}.* only)`);
    if (t.dtype !== 'float32') throw new Error(`${file}: ${name.slice(0, 80)} must be float32, found ${t.dtype}`);
    held += t.numel;
  }
  if (held !== network.size) {
    throw new Error(`${file}: the generator's tensors hold ${held} values; its config's ${config.model} needs ${network.size}`);
  }
  const step = Number(metadata.step);
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`${file}: metadata 'step' must be a non-negative integer`);
  const info: GeneratorInfo = { step, command: metadata.command ? metadata.command.slice(0, 2000) : null, scores: parseScores(metadata.scores, file) };
  return { file, config, progress: { step, epoch: 1, batchInEpoch: 0, elapsedMs: 0 }, tensors, dispose: () => tensors.forEach((t) => t.dispose()), info };
}

/**
 * A file to draw images from: a training checkpoint or a generator file, told apart by its metadata. Returns
 * the checkpoint and the prefix of the weights to draw with (null: the family's choice, EMA or raw).
 */
export function readDrawable(file: string): { checkpoint: LoadedCheckpoint; prefix: string | null; info: GeneratorInfo | null } {
  const read = loadTensors(file);
  if (read.metadata.format !== FORMAT) return { checkpoint: checkpointFrom(file, read), prefix: null, info: null };
  try {
    const generator = generatorFrom(file, read.tensors, read.metadata);
    return { checkpoint: generator, prefix: GENERATOR_PREFIX, info: generator.info };
  } catch (err) {
    read.tensors.forEach((t) => t.dispose());
    throw err;
  }
}

/** A generator file's facts without keeping its tensors (for listings). */
export function readGeneratorInfo(file: string): { config: LoadedCheckpoint['config']; info: GeneratorInfo } {
  const { checkpoint, info } = readDrawable(file);
  checkpoint.dispose();
  if (!info) throw new Error(`${file} is a training checkpoint, not a generator file`);
  return { config: checkpoint.config, info };
}
