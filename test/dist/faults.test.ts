// A data-parallel job ends cleanly whatever happens to it (issue 14): a rank killed mid-run ends the whole job
// within the collective timeout, never a hang, leaving a checkpoint that --resume continues; Ctrl-C stops every
// rank after the same step with a checkpoint of that step; and a checkpoint resumes at another world size with
// the losses the original world size gives.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readCheckpoint } from '../../src/gan/checkpoint';
import { ganforge, ganforgeUntil, readMetrics, tempDir } from '../helpers/fixtures';
import { tinyDigitsFolder } from '../helpers/tiny-run';

const TIMEOUT_S = 8;
const common = (data: string, out: string) => [
  'train', '--model', 'mlp', '--dataset', data, '--out', out, '--batch-size', '64', '--seed', '2', '--metrics-every', '1', '--log-every', '1000',
];

function lastStep(out: string): number {
  const records = readMetrics(out);
  return records.length ? records[records.length - 1].step : 0;
}

function checkpointStep(out: string): number {
  const checkpoint = readCheckpoint(path.join(out, 'checkpoints', 'last.safetensors'));
  try {
    return checkpoint.progress.step;
  } finally {
    checkpoint.dispose();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('data-parallel faults', () => {
  const data = tinyDigitsFolder(640, 16);

  it(`killing one rank ends the job within the ${TIMEOUT_S} s timeout with a usable checkpoint; --resume continues`, async () => {
    const out = path.join(tempDir('ddp-kill'), 'run');
    const args = [...common(data, out), '--steps', '5000', '--checkpoint-every', '5', '--nproc', '2', '--dist-timeout', String(TIMEOUT_S)];
    const job = ganforgeUntil(args, () => lastStep(out) >= 12);
    await job.isReady;
    const pids = [...job.stderr().matchAll(/launched rank (\d) of 2 \(pid (\d+)/g)].map((m) => Number(m[2]));
    assert.equal(pids.length, 2, job.stderr());
    const killedAt = Date.now();
    process.kill(pids[1], 'SIGKILL');
    const status = await job.exited;
    const seconds = (Date.now() - killedAt) / 1000;
    assert.notEqual(status, 0, 'a job that lost a rank must not report success');
    assert.ok(seconds < TIMEOUT_S + 5, `the job took ${seconds} s to end`);
    assert.ok(!alive(pids[0]), 'rank 0 outlived the job');
    assert.match(job.stderr(), /rank 1 ended with SIGKILL/);

    const step = checkpointStep(out);
    assert.ok(step >= 10 && step % 5 === 0, `checkpoint at step ${step}`);
    const resumed = ganforge(['train', '--out', out, '--resume', '--steps', String(step + 6), '--nproc', '2']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(lastStep(out), step + 6);
    assert.equal(checkpointStep(out), step + 6);
    console.log(`# killed rank 1 after step ≥ 12: job ended in ${seconds.toFixed(1)} s, checkpoint at ${step}, resumed to ${step + 6}`);
  });

  it('a hung rank (SIGSTOP) ends the job through the collective timeout, not a hang', async () => {
    const out = path.join(tempDir('ddp-hang'), 'run');
    const timeout = 4;
    const job = ganforgeUntil([...common(data, out), '--steps', '5000', '--nproc', '2', '--dist-timeout', String(timeout)], () => lastStep(out) >= 3);
    await job.isReady;
    const pids = [...job.stderr().matchAll(/launched rank (\d) of 2 \(pid (\d+)/g)].map((m) => Number(m[2]));
    const stoppedAt = Date.now();
    process.kill(pids[1], 'SIGSTOP');
    const status = await job.exited;
    const seconds = (Date.now() - stoppedAt) / 1000;
    assert.notEqual(status, 0);
    // Rank 0 gives up after the timeout; the launcher then kills the frozen rank after its grace period (the
    // timeout + 5 s); 10 s more for a loaded machine.
    console.log(`# a frozen rank ended the job in ${seconds.toFixed(1)} s (timeout ${timeout} s)`);
    assert.ok(seconds >= timeout - 0.5, `rank 0 gave up after ${seconds} s, before the ${timeout} s timeout`);
    assert.ok(seconds < 2 * timeout + 5 + 10, `the job took ${seconds} s to end`);
    assert.match(job.stderr(), /lost the other ranks/);
    assert.ok(!alive(pids[1]) && !alive(pids[0]));
  });

  it('workers whose launcher is killed stop by themselves, with a checkpoint', async () => {
    const out = path.join(tempDir('ddp-orphans'), 'run');
    const job = ganforgeUntil([...common(data, out), '--steps', '5000', '--nproc', '2'], () => lastStep(out) >= 4);
    await job.isReady;
    const pids = [...job.stderr().matchAll(/launched rank (\d) of 2 \(pid (\d+)/g)].map((m) => Number(m[2]));
    job.child.kill('SIGKILL');
    const started = Date.now();
    while (pids.some(alive) && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(!pids.some(alive), 'the workers outlived their launcher by 20 s');
    assert.equal(checkpointStep(out), lastStep(out), 'they stopped together, with a checkpoint of their last step');
  });

  it('Ctrl-C stops every rank after the same step with its checkpoint; the checkpoint resumes at world size 1 or 2 alike', async () => {
    const root = tempDir('ddp-stop');
    const out = path.join(root, 'run');
    const job = ganforgeUntil([...common(data, out), '--steps', '5000', '--nproc', '2'], () => lastStep(out) >= 6);
    await job.isReady;
    process.kill(job.child.pid!, 'SIGINT');
    const status = await job.exited;
    assert.equal(status, 130, job.stderr());
    const step = checkpointStep(out);
    assert.equal(step, lastStep(out), 'the checkpoint is of the last step recorded');

    // The same checkpoint continued by one process and by two: the same losses, to float tolerance.
    const one = path.join(root, 'one'), two = path.join(root, 'two');
    fs.cpSync(out, one, { recursive: true });
    fs.cpSync(out, two, { recursive: true });
    const to = String(step + 8);
    assert.equal(ganforge(['train', '--out', one, '--resume', '--steps', to]).status, 0);
    assert.equal(ganforge(['train', '--out', two, '--resume', '--steps', to, '--nproc', '2']).status, 0);
    const tail = (dir: string) => readMetrics(dir).filter((r) => r.step > step);
    const [a, b] = [tail(one), tail(two)];
    assert.equal(a.length, 8);
    assert.deepEqual(a.map((r) => r.step), b.map((r) => r.step));
    a.forEach((r, i) => {
      for (const key of ['loss_d', 'loss_g', 'd_x']) assert.ok(Math.abs(r[key] - b[i][key]) < 1e-4, `${key} at step ${r.step}: ${r[key]} vs ${b[i][key]}`);
    });
  });
});
