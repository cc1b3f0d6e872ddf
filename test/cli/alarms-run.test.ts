// Alarms on real runs: the classic MLP GAN on the bundled digits collapses onto one or two classes within a few
// hundred steps (seen with several seeds), and the alarm must say so; the default DCGAN recipe spreads over all
// ten classes by then, and must stay quiet.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ganforge, tempDir } from '../helpers/fixtures';

interface RunRecord { kind?: string; step: number; alarm?: string; coverage_entropy?: number; missing_classes?: string[] }

function records(run: string): RunRecord[] {
  return fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('alarms during real training runs', { timeout: 600_000 }, () => {
  const root = tempDir('alarm-runs');

  it('fire on a collapsing MLP GAN, with a remedy, in the log and in metrics.jsonl', () => {
    const run = path.join(root, 'mlp');
    const result = ganforge(['train', '--model', 'mlp', '--steps', '400', '--eval-every', '200', '--seed', '1', '--out', run]);
    assert.equal(result.status, 0, result.stderr);
    const all = records(run);
    const evals = all.filter((r) => r.kind === 'eval');
    assert.deepEqual(evals.map((r) => r.step), [200, 400]);
    for (const e of evals) assert.ok(e.missing_classes!.length >= 5, `step ${e.step}: missing ${e.missing_classes}`);
    const alarms = all.filter((r) => r.kind === 'alarm');
    assert.deepEqual(alarms.map((a) => [a.alarm, a.step]), [['mode-collapse', 400]]);
    assert.match(result.stdout, /ALARM \[step 400\] mode-collapse: class spread entropy [\d.]+; missing classes: [\d, ]+; try: --loss hinge/);
  });

  it('stay quiet on the default recipe', () => {
    // --time-budget 0 lifts the recipe's 120 s cap, so a slow machine still runs all 400 steps.
    const run = path.join(root, 'default');
    const result = ganforge(['train', '--steps', '400', '--time-budget', '0', '--eval-every', '200', '--seed', '1', '--out', run]);
    assert.equal(result.status, 0, result.stderr);
    const all = records(run);
    const evals = all.filter((r) => r.kind === 'eval');
    assert.equal(evals.length, 2);
    for (const e of evals) assert.ok(e.coverage_entropy! > 0.8 && e.missing_classes!.length === 0, JSON.stringify(e));
    assert.deepEqual(all.filter((r) => r.kind === 'alarm'), []);
    assert.doesNotMatch(result.stdout, /ALARM/);
  });
});
