// One run killed with SIGKILL 20 times at seeded moments (half of them while a checkpoint is being written)
// and continued each time as a user would: `--resume`, or the original command again when there is nothing to
// resume yet. It must end exactly as an uninterrupted run: the same metrics and the same weights, bit for bit,
// with no temp file left anywhere in the run folder. The moments are chosen by the run's progress (a checkpoint
// write, or a step reached), not by the clock, so a slow or busy machine gets the same 20 kills as a fast one.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLI, deterministicPart, ganforge, readMetrics, tempDir } from '../helpers/fixtures';
import { pick, seededRandom } from '../helpers/hostile';
import { readParts, tinyDigitsFolder } from '../helpers/tiny-run';

const KILLS = 20;
/**
 * Long enough that 20 sessions cannot finish it: a session killed at its 1st or 2nd checkpoint write advances at
 * most 6 steps (checkpoints every 3), one killed at a step at most 3 steps past its checkpoint (+ the polling's
 * lag of a step or two): 10 × 6 + 10 × 5 = 110 < 144.
 */
const STEPS = 144;

interface Attempt {
  killed: boolean;
  status: number | null;
  stderr: string;
  /** A checkpoint temp file existed when the kill was sent. */
  midWrite: boolean;
}

type KillWhen = { nth: number } | { step: number } | { never: true };

/** The highest step in metrics.jsonl (0 when there is none yet). */
function lastRecordedStep(file: string): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  const lines = text.trimEnd().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return (JSON.parse(lines[i]) as { step: number }).step;
    } catch {
      // a line cut short by a kill: look at the one before
    }
  }
  return 0;
}

/**
 * Runs `ganforge ARGS` and kills it with SIGKILL when the `nth` checkpoint temp file of the session appears, or
 * when metrics.jsonl records step `step` (a resumed session first truncates the file to its checkpoint, so an
 * early kill there lands during start-up: also a moment worth testing).
 */
function runAndKill(args: string[], run: string, when: KillWhen): Promise<Attempt> {
  const checkpoints = path.join(run, 'checkpoints');
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
    const poll = 'never' in when ? undefined : setInterval(() => {
      if ('nth' in when) {
        for (const name of temps()) seen.add(name);
        if (seen.size >= when.nth) kill();
      } else if (lastRecordedStep(path.join(run, 'metrics.jsonl')) >= when.step) {
        kill();
      }
    }, 1);
    child.on('exit', (code) => {
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
      '--steps', String(STEPS), '--checkpoint-every', '3', '--metrics-every', '1', '--out', out];
    const reference = path.join(root, 'reference');
    const straight = ganforge(args(reference));
    assert.equal(straight.status, 0, straight.stderr);

    const run = path.join(root, 'killed');
    const checkpoints = path.join(run, 'checkpoints');
    const random = seededRandom(20260101);
    let kills = 0, midWrite = 0, restarts = 0, attempts = 0;
    // The step the next session resumes from: its checkpoint's.
    const checkpointStep = () => {
      const file = path.join(checkpoints, 'last.safetensors');
      return fs.existsSync(file) ? (JSON.parse(readParts(fs.readFileSync(file)).metadata.progress) as { step: number }).step : 0;
    };
    // Continue as a user would: --resume once there is a run to continue, else the original command.
    const next = async (when: KillWhen) => {
      attempts++;
      const started = fs.existsSync(path.join(run, 'config.json')) || fs.existsSync(path.join(checkpoints, 'last.safetensors'));
      if (!started) restarts++;
      return runAndKill(started ? ['train', '--out', run, '--resume'] : args(run), run, when);
    };
    while (kills < KILLS) {
      // Even kills: at the 1st or 2nd checkpoint write of the session; odd: once it records a step 1–3 past its checkpoint.
      const when: KillWhen = kills % 2 === 0 ? { nth: 1 + pick(random, 2) } : { step: checkpointStep() + 1 + pick(random, 3) };
      const attempt = await next(when);
      if (attempt.killed) {
        kills++;
        if (attempt.midWrite) midWrite++;
        continue;
      }
      assert.equal(attempt.status, 0, `attempt ${attempts} failed: ${attempt.stderr}`);
      assert.fail(`the run finished after ${kills} kills: give it more steps`);
    }
    const last = await next({ never: true });
    assert.equal(last.status, 0, last.stderr);
    console.log(`# ${kills} kills (${midWrite} while a checkpoint temp file existed), ${restarts} fresh starts, ${attempts} sessions`);
    assert.ok(midWrite >= 5, `only ${midWrite} kills landed mid-checkpoint-write`);

    assert.deepEqual(readMetrics(run).map(deterministicPart), readMetrics(reference).map(deterministicPart));
    const [got, want] = [run, reference].map((dir) => readParts(fs.readFileSync(path.join(dir, 'checkpoints', 'last.safetensors'))));
    assert.deepEqual([...got.tensors.keys()], [...want.tensors.keys()]);
    for (const [name, t] of got.tensors) assert.ok(Buffer.from(t.data).equals(Buffer.from(want.tensors.get(name)!.data)), `${name} differs`);
    assert.deepEqual(JSON.parse(got.metadata.progress).step, STEPS);
    assert.deepEqual(allFiles(run).filter((f) => path.basename(f).startsWith('.')), [], 'temp files left');
  });
});
