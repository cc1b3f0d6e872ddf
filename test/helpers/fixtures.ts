// Shared test fixtures: small data folders cut from the bundled MNIST, temp dirs, and running the CLI.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeIdx } from '../../src/data/idx';
import { loadBundledMnist } from '../../src/data/mnist';

export const CLI = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');

const tempDirs: string[] = [];
// Removed when the test file's process exits; GANFORGE_KEEP_TEMP=1 keeps them for a look after a failure.
process.on('exit', () => {
  if (process.env.GANFORGE_KEEP_TEMP === '1') return;
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the OS temp dir, removed when the tests in this file are done. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ganforge-${label}-`));
  tempDirs.push(dir);
  return dir;
}

/** An IDX folder holding `count` bundled digits (every k-th, so all classes appear), in MNIST's file names. */
export function mnistSubsetFolder(count: number, gzip = false): string {
  const mnist = loadBundledMnist();
  const dir = tempDir('idx');
  const stride = Math.floor(mnist.count / count);
  const pixels = mnist.height * mnist.width;
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images.set(mnist.images.subarray(i * stride * pixels, (i * stride + 1) * pixels), i * pixels);
    labels[i] = mnist.labels![i * stride];
  }
  const suffix = gzip ? '.gz' : '';
  writeIdx(path.join(dir, `train-images-idx3-ubyte${suffix}`), [count, mnist.height, mnist.width], images);
  writeIdx(path.join(dir, `train-labels-idx1-ubyte${suffix}`), [count], labels);
  return dir;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `ganforge ARGS` to completion (with `env` added to this process's environment). */
export function ganforge(args: string[], cwd?: string, env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `ganforge ARGS` and resolves once `ready()` holds (polled), returning the child to signal. */
export function ganforgeUntil(args: string[], ready: () => boolean, timeoutMs = 120_000) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const isReady = new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (ready()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`the run never got ready (exit ${child.exitCode}): ${stderr}`));
      }
    }, 20);
  });
  return { child, isReady, exited, stderr: () => stderr };
}

/** metrics.jsonl as objects. */
export function readMetrics(runDir: string): Record<string, number>[] {
  const file = path.join(runDir, 'metrics.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
}

/** The part of a metric record that must repeat exactly in a repeated or resumed run (not timings). */
export function deterministicPart(record: Record<string, number>) {
  const { step, epoch, loss_d, loss_g, d_x, d_g_z, d_g_z2 } = record;
  return { step, epoch, loss_d, loss_g, d_x, d_g_z, d_g_z2 };
}
