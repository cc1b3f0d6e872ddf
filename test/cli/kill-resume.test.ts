// One run killed with SIGKILL 20 times at seeded moments (half of them while a checkpoint is being written)
// and continued each time as a user would: `--resume`, or the original command again when there is nothing to
// resume yet. It must end exactly as an uninterrupted run: the same metrics and the same weights, bit for bit,
// with no temp file left anywhere in the run folder.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLI, deterministicPart, ganforge, readMetrics, tempDir } from '../helpers/fixtures';
import { pick, seededRandom } from '../helpers/hostile';
import { readParts, tinyDigitsFolder } from '../helpers/tiny-run';

const KILLS = 20;

interface Attempt {
  killed: boolean;
  status: number | null;
  stderr: string;
  /** A checkpoint temp file existed when the kill was sent. */
  midWrite: boolean;
}

/** Runs `ganforge ARGS`, killing it with SIGKILL after `delayMs`, or when the `nth` checkpoint temp file appears. */
function runAndKill(args: string[], checkpoints: string, when: { delayMs: number } | { nth: number }): Promise<Attempt> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let killed = false;
    let midWrite = false;
    const seen = new Set<string>();
    const temps = () => {
      try {
        return fs.readdirSync(checkpoints).filter((n) => n.endsWith('.tmp'));
      } catch {
        return [];
      }
    };
    const kill = () => {
      if (killed || child.exitCode !== null) return;
      midWrite = temps().length > 0;
      killed = true;
      child.kill('SIGKILL');
    };
    const timer = 'delayMs' in when ? setTimeout(kill, when.delayMs) : undefined;
    const poll = 'nth' in when ? setInterval(() => {
      for (const name of temps()) seen.add(name);
      if (seen.size >= when.nth) kill();
    }, 1) : undefined;
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ killed: killed && code === null, status: code, stderr, midWrite });
    });
  });
}

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('kill test', () => {
  it(`${KILLS} SIGKILLs over one run, each resumed: the same metrics and weights as an uninterrupted run, no temp files`, async () => {
    const data = tinyDigitsFolder(256, 8); // 8 batches of 32 per epoch
    const root = tempDir('kill-resume');
    const args = (out: string) => ['train', '--model', 'mlp', '--dataset', data, '--batch-size', '32', '--latent-dim', '8', '--grid-size', '16',
      '--steps', '96', '--checkpoint-every', '3', '--metrics-every', '1', '--out', out];
    const reference = path.join(root, 'reference');
    const straight = ganforge(args(reference));
    assert.equal(straight.status, 0, straight.stderr);

    const run = path.join(root, 'killed');
    const checkpoints = path.join(run, 'checkpoints');
    const random = seededRandom(20260101);
    let kills = 0, midWrite = 0, restarts = 0, attempts = 0;
    // Continue as a user would: --resume once there is a run to continue, else the original command.
    const next = async (when: { delayMs: number } | { nth: number }) => {
      attempts++;
      const started = fs.existsSync(path.join(run, 'config.json')) || fs.existsSync(path.join(checkpoints, 'last.safetensors'));
      if (!started) restarts++;
      return runAndKill(started ? ['train', '--out', run, '--resume'] : args(run), checkpoints, when);
    };
    while (kills < KILLS) {
      // Even kills: at the 1st–3rd checkpoint write of the session; odd: a random moment 0.2–4 s after starting.
      const when = kills % 2 === 0 ? { nth: 1 + pick(random, 3) } : { delayMs: 200 + pick(random, 3800) };
      const attempt = await next(when);
      if (attempt.killed) {
        kills++;
        if (attempt.midWrite) midWrite++;
        continue;
      }
      assert.equal(attempt.status, 0, `attempt ${attempts} failed: ${attempt.stderr}`);
      assert.fail(`the run finished after ${kills} kills: give it more steps`);
    }
    const last = await next({ delayMs: 600_000 });
    assert.equal(last.status, 0, last.stderr);
    console.log(`# ${kills} kills (${midWrite} while a checkpoint temp file existed), ${restarts} fresh starts, ${attempts} sessions`);
    assert.ok(midWrite >= 5, `only ${midWrite} kills landed mid-checkpoint-write`);

    assert.deepEqual(readMetrics(run).map(deterministicPart), readMetrics(reference).map(deterministicPart));
    const [got, want] = [run, reference].map((dir) => readParts(fs.readFileSync(path.join(dir, 'checkpoints', 'last.safetensors'))));
    assert.deepEqual([...got.tensors.keys()], [...want.tensors.keys()]);
    for (const [name, t] of got.tensors) assert.ok(Buffer.from(t.data).equals(Buffer.from(want.tensors.get(name)!.data)), `${name} differs`);
    assert.deepEqual(JSON.parse(got.metadata.progress).step, 96);
    assert.deepEqual(allFiles(run).filter((f) => path.basename(f).startsWith('.')), [], 'temp files left');
  });
});
