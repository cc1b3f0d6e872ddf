// The studio's API over a runs folder: the list and a run's detail read as RunDir reads them, grids byte for
// byte, live events within a second of a write (also for writes by another process), and training started,
// stopped (with a checkpoint) and resumed through it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startStudio, Studio } from '../../src/studio/server';
import { tinyDigitsFolder } from '../helpers/tiny-run';
import { eventStream, gridPng, request, runsFixture, RunsFixture, stepRecord, writeRun } from './studio-fixtures';

describe('studio API', () => {
  let studio: Studio, fx: RunsFixture, base: string, auth: Record<string, string>;

  before(async () => {
    fx = runsFixture();
    studio = await startStudio({ runs: fx.root, port: 0 });
    base = new URL(studio.url).origin;
    auth = { cookie: `ganforge_studio_${new URL(studio.url).port}=${studio.token}` };
  });
  after(async () => studio.close());

  const getJson = async (p: string) => {
    const answer = await request(base, p, { headers: auth });
    assert.equal(answer.status, 200, `${p}: ${answer.text}`);
    return JSON.parse(answer.text);
  };
  const post = (p: string, body: unknown) => request(base, p, {
    method: 'POST', body: JSON.stringify(body),
    headers: { ...auth, 'content-type': 'application/json', 'x-studio-token': studio.token, origin: base },
  });

  it('lists runs with their last losses, latest FID, alarms and checkpoint', async () => {
    const runs = await getJson('/api/runs');
    const alpha = runs.find((r: { name: string }) => r.name === 'alpha');
    const steps = fx.records.filter((r) => r.kind === undefined);
    assert.equal(alpha.model, 'mlp');
    assert.equal(alpha.step, steps.at(-1)!.step);
    assert.equal(alpha.last.loss_d, steps.at(-1)!.loss_d);
    assert.equal(alpha.fid, fx.records.find((r) => r.kind === 'eval')!.fid);
    assert.equal(alpha.alarms, fx.records.filter((r) => r.kind === 'alarm').length);
    assert.equal(alpha.checkpoint, true);
    assert.equal(alpha.process, null);
  });

  it("gives a run's config, records and grids", async () => {
    const detail = await getJson('/api/runs/alpha');
    assert.deepEqual(detail.records, fx.records);
    assert.equal(detail.config.steps, 100);
    assert.deepEqual(detail.gridFiles, ['epoch-0001.png', 'samples.png']);
    const grid = await request(base, '/api/runs/alpha/grids/epoch-0001.png', { headers: auth });
    assert.equal(grid.headers['content-type'], 'image/png');
    assert.deepEqual(grid.body, fs.readFileSync(path.join(fx.root, 'alpha', 'samples', 'epoch-0001.png')));
    assert.equal((await request(base, '/api/runs/nope', { headers: auth })).status, 404);
  });

  it('streams each new record, grid and alarm within a second of its write', async () => {
    const run = path.join(fx.root, 'alpha');
    const stream = eventStream(base, '/api/runs/alpha/events', auth);
    try {
      const snapshot = await stream.next('snapshot');
      assert.deepEqual(snapshot.data.records, fx.records);
      const writes: [string, () => void][] = [
        ['record', () => fs.appendFileSync(path.join(run, 'metrics.jsonl'), JSON.stringify(stepRecord(40)) + '\n')],
        ['grid', () => fs.writeFileSync(path.join(run, 'samples', 'epoch-0002.png'), gridPng(30))],
        ['alarm', () => fs.appendFileSync(path.join(run, 'metrics.jsonl'), JSON.stringify({ step: 40, kind: 'alarm', alarm: 'diverged', message: 'm' }) + '\n')],
        ['eval', () => fs.appendFileSync(path.join(run, 'metrics.jsonl'), JSON.stringify({ step: 40, kind: 'eval', fid: 12 }) + '\n')],
      ];
      for (const [event, write] of writes) {
        const written = Date.now();
        write();
        const got = await stream.next(event, 3000);
        assert.ok(got.at - written < 1000, `${event} arrived after ${got.at - written} ms`);
      }
      // A record written in two pieces (a writer caught mid-line) arrives once, whole.
      fs.appendFileSync(path.join(run, 'metrics.jsonl'), '{"step": 50, "epoch": 1, "loss_d"');
      await new Promise((r) => setTimeout(r, 400));
      fs.appendFileSync(path.join(run, 'metrics.jsonl'), ': 0.5, "step_ms": 1, "elapsed_s": 1}\n');
      const whole = await stream.next('record', 3000);
      assert.deepEqual(whole.data.record, { step: 50, epoch: 1, loss_d: 0.5, step_ms: 1, elapsed_s: 1 });
      // A resume truncates metrics.jsonl: the stream says so.
      fs.writeFileSync(path.join(run, 'metrics.jsonl'), JSON.stringify(stepRecord(10)) + '\n');
      await stream.next('reset', 3000);
    } finally {
      stream.close();
    }
  });

  it('shows a run another process creates in the live runs list', async () => {
    const stream = eventStream(base, '/api/events', auth);
    try {
      const first = await stream.next('runs');
      assert.ok(!first.data.some((r: { name: string }) => r.name === 'from-cli'));
      const written = Date.now();
      writeRun(path.join(fx.root, 'from-cli'), [stepRecord(7)]);
      for (;;) {
        const next = await stream.next('runs', 3000);
        const run = next.data.find((r: { name: string }) => r.name === 'from-cli');
        if (!run) continue;
        assert.equal(run.step, 7);
        assert.ok(next.at - written < 1000, `after ${next.at - written} ms`);
        break;
      }
    } finally {
      stream.close();
    }
  });

  it('starts a run, streams it, stops it with a checkpoint and resumes it', async () => {
    const data = tinyDigitsFolder(64, 8);
    const config = { model: 'mlp', dataset: data, batchSize: 16, latentDim: 8, gridSize: 16, steps: 100000, metricsEvery: 1, logEvery: 1, seed: 3 };
    const started = await post('/api/runs', { name: 'live', config });
    assert.equal(started.status, 202, started.text);
    const stream = eventStream(base, '/api/runs/live/events', auth);
    const folder = path.join(fx.root, 'live');
    try {
      await stream.next('snapshot');
      for (let i = 0; i < 3; i++) await stream.next('record', 60_000);
      await stream.next('grid', 60_000);
      const stopped = await post('/api/runs/live/stop', {});
      assert.equal(stopped.status, 200, stopped.text);
      const state = JSON.parse(stopped.text).process;
      assert.equal(state.running, false);
      assert.equal(state.exitCode, 130, state.log.join('\n')); // train's exit code for a run stopped by SIGINT
      assert.ok(fs.existsSync(path.join(folder, 'checkpoints', 'last.safetensors')), 'stop wrote a checkpoint');
      const detail = await getJson('/api/runs/live');
      assert.equal(detail.config.dataset, data);
      const stepAtStop = detail.step;
      assert.ok(stepAtStop >= 3);

      const resumed = await post('/api/runs/live/resume', { steps: stepAtStop + 3 });
      assert.equal(resumed.status, 202, resumed.text);
      assert.equal((await post('/api/runs/live/resume', {})).status, 409, 'a run trains once at a time');
      const pid = JSON.parse(resumed.text).process.pid;
      for (;;) {
        const p = await stream.next('process', 60_000);
        if (p.data.pid === pid && !p.data.running) {
          assert.equal(p.data.exitCode, 0, p.data.log.join('\n'));
          break;
        }
      }
      assert.equal((await getJson('/api/runs/live')).step, stepAtStop + 3);
    } finally {
      stream.close();
    }
  });
});
