// Tools for hostile-input tests: deterministic mutations of a file's bytes, running the CLI with its peak
// memory measured, and fingerprints of a folder that prove a failed command changed nothing in it.
//
// Fuzz tests use these two ways: thousands of mutations in-process against a decoder (fast: every one must
// throw an Error with a one-line message, or decode to something valid), and a seeded handful through the
// real CLI (slow: one clear line, a non-zero exit, bounded memory, no file touched).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { CLI } from './fixtures';

// The same seeded generator (mulberry32) the generated faces use: the same seed gives the same fuzz cases on
// every machine.
import { seededRandom } from '../../src/data/faces';

export { seededRandom };

/** An integer in [0, n). */
export const pick = (random: () => number, n: number) => Math.floor(random() * n);

/** A header field of a binary format: where it sits, how wide it is (bytes) and its byte order. */
export interface Field {
  name: string;
  offset: number;
  size: 1 | 2 | 4 | 8;
  endian?: 'le' | 'be';
}

export interface Mutation {
  /** What was done, for the assertion message (e.g. 'truncate@17', 'flip@3:5', 'dims[0]=0xffffffff'). */
  name: string;
  bytes: Buffer;
}

function writeField(buffer: Buffer, field: Field, value: bigint): void {
  const bits = BigInt(field.size * 8);
  const v = value & ((1n << bits) - 1n);
  for (let i = 0; i < field.size; i++) {
    const byte = Number((v >> BigInt(8 * i)) & 0xffn);
    buffer[field.endian === 'be' ? field.offset + field.size - 1 - i : field.offset + i] = byte;
  }
}

/**
 * Mutations of `original`, all deterministic for a seed:
 * - truncation at every offset class: 0, 1, each field's start and end, powers of two, the middle, length − 1;
 * - every given header field set to its extremes (0, 1, the largest values, the sign bit) and off by one;
 * - `flips` random bit flips, half of them inside the first `headerBytes` bytes, where parsers decide things;
 * - garbage appended, and the whole file doubled.
 */
export function mutations(original: Buffer, options: { seed: number; fields?: Field[]; flips?: number; headerBytes?: number }): Mutation[] {
  const random = seededRandom(options.seed);
  const out: Mutation[] = [];
  const length = original.length;
  const cuts = new Set<number>([0, 1, Math.floor(length / 2), length - 1]);
  for (let p = 2; p < length; p *= 2) cuts.add(p);
  for (const f of options.fields ?? []) [f.offset, f.offset + f.size, f.offset + f.size + 1].forEach((c) => cuts.add(c));
  for (const cut of [...cuts].filter((c) => c >= 0 && c < length).sort((a, b) => a - b)) {
    out.push({ name: `truncate@${cut}`, bytes: Buffer.from(original.subarray(0, cut)) });
  }
  for (const f of options.fields ?? []) {
    if (f.offset + f.size > length) continue;
    const max = (1n << BigInt(f.size * 8)) - 1n;
    const current = f.endian === 'be' ? BigInt('0x' + (original.subarray(f.offset, f.offset + f.size).toString('hex') || '0'))
      : BigInt('0x' + (Buffer.from(original.subarray(f.offset, f.offset + f.size)).reverse().toString('hex') || '0'));
    for (const value of [0n, 1n, max, max - 1n, 1n << BigInt(f.size * 8 - 1), current + 1n, current - 1n, current * 2n]) {
      const bytes = Buffer.from(original);
      writeField(bytes, f, value);
      out.push({ name: `${f.name}=0x${(value & max).toString(16)}`, bytes });
    }
  }
  const flips = options.flips ?? 64;
  const headerBytes = Math.min(options.headerBytes ?? 64, length);
  for (let k = 0; k < flips && length > 0; k++) {
    const at = k % 2 === 0 && headerBytes > 0 ? pick(random, headerBytes) : pick(random, length);
    const bit = pick(random, 8);
    const bytes = Buffer.from(original);
    bytes[at] ^= 1 << bit;
    out.push({ name: `flip@${at}:${bit}`, bytes });
  }
  const garbage = Buffer.from(Array.from({ length: 37 }, () => pick(random, 256)));
  out.push({ name: 'append-garbage', bytes: Buffer.concat([original, garbage]) });
  out.push({ name: 'doubled', bytes: Buffer.concat([original, original]) });
  return out;
}

/**
 * Calls `decode(bytes)` for each mutation: it must either return (the caller then checks the result with
 * `valid`) or throw an Error whose message is one non-empty line. Anything else (a non-Error thrown, a
 * multi-line message, a native crash) fails the test, naming the mutation.
 */
export function assertEachDecodesOrFailsCleanly<T>(cases: Mutation[], decode: (bytes: Buffer) => T, valid: (result: T, m: Mutation) => void = () => undefined): { failed: number; decoded: number } {
  let failed = 0, decoded = 0;
  for (const m of cases) {
    let result: T;
    try {
      result = decode(m.bytes);
    } catch (err) {
      assert.ok(err instanceof Error, `${m.name}: threw a non-Error ${String(err)}`);
      assert.ok(err.message.trim().length > 0, `${m.name}: empty error message`);
      assert.ok(!err.message.trim().includes('\n'), `${m.name}: error message is not one line: ${err.message}`);
      failed++;
      continue;
    }
    valid(result, m);
    decoded++;
  }
  return { failed, decoded };
}

/**
 * A gzip bomb: `prefix` followed by `inflatedBytes` zero bytes (rounded up to MiB), as a chain of gzip members
 * (valid gzip, which readers inflate as one stream). About 1 KiB of file per MiB inflated, and built without
 * ever holding more than one MiB of zeros.
 */
export function gzipBomb(prefix: Buffer, inflatedBytes: number): Buffer {
  const mib = zlib.gzipSync(Buffer.alloc(1 << 20), { level: 9 });
  return Buffer.concat([zlib.gzipSync(prefix), ...Array.from({ length: Math.ceil(inflatedBytes / (1 << 20)) }, () => mib)]);
}

/** sha256 and size of every file under `dir` (relative paths), to prove a command changed nothing. */
export function folderFingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex'));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

export function assertFolderUnchanged(dir: string, before: Map<string, string>, what: string): void {
  const after = folderFingerprint(dir);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), `${what}: files were added or removed in ${dir}`);
  for (const [file, hash] of before) assert.equal(after.get(file), hash, `${what}: ${file} changed`);
}

export interface MeasuredResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the ganforge process in MiB (null when it died before reporting it). */
  maxRssMiB: number | null;
}

const PRELOAD = path.join(__dirname, 'report-max-rss.js');

/** Runs `ganforge ARGS` and reports its peak memory, read by a preload module at exit. */
export function ganforgeMeasured(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): MeasuredResult {
  const rssFile = path.join(os.tmpdir(), `ganforge-rss-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  const result = spawnSync(process.execPath, ['--require', PRELOAD, CLI, ...args], {
    cwd: options.cwd, encoding: 'utf8', timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, ...options.env, GANFORGE_MAX_RSS_FILE: rssFile },
  });
  let maxRssMiB: number | null = null;
  if (fs.existsSync(rssFile)) {
    maxRssMiB = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
    fs.rmSync(rssFile, { force: true });
  }
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, maxRssMiB };
}

/**
 * The contract for bad input through the CLI: the process ended by itself (no signal, no crash), with a
 * non-zero exit, one line on stderr matching `pattern` and no stack trace, within `maxRssMiB` of memory.
 */
export function assertCleanRefusal(result: MeasuredResult, what: string, options: { pattern?: RegExp; maxRssMiB: number }): void {
  assert.equal(result.signal, null, `${what}: killed by ${result.signal}\n${result.stderr}`);
  assert.notEqual(result.status, 0, `${what}: exited 0\n${result.stdout}`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `${what}: expected one error line, got:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at |TypeError|RangeError|SyntaxError/, `${what}: a raw error reached the user:\n${result.stderr}`);
  if (options.pattern) assert.match(lines[0], options.pattern, what);
  assert.ok(result.maxRssMiB !== null, `${what}: the process never reported its memory (did it crash?)`);
  assert.ok(result.maxRssMiB <= options.maxRssMiB, `${what}: peak memory ${result.maxRssMiB.toFixed(0)} MiB exceeds ${options.maxRssMiB} MiB`);
}
