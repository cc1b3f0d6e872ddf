// `ganforge eval` on a tiny pix2pix run, end to end through the CLI: its test split scored (FID, L1/PSNR/SSIM,
// class survival by the MNIST judge), the record appended and the examples drawn; without a classifier for the
// data the feature scores are skipped in one line; `ganforge report` shows the table, escaped.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodePng } from '../../src/io/png';
import { ganforge, tempDir } from '../helpers/fixtures';

describe('ganforge eval on a translation run', { timeout: 600_000 }, () => {
  const root = tempDir('translation-eval');
  // A folder name with markup in it: it reaches the report through the scores' protocol and must arrive escaped.
  const pairs = path.join(root, 'pairs-<i>x</i>');
  const run = path.join(root, 'run');

  it('scores the test split, appends the record and draws input | output | target', () => {
    assert.equal(ganforge(['data', 'edges2digits', '--out', pairs, '--n', '16', '--test-n', '130']).status, 0);
    const trained = ganforge(['train', '--model', 'pix2pix', '--dataset', pairs, '--image-size', '28', '--grayscale', '--width', '4',
      '--steps', '3', '--batch-size', '4', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const result = ganforge(['eval', '--checkpoint', run, '--dataset', 'mnist', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const s = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    assert.equal(s.step, 3);
    assert.equal(s.count, 130);
    assert.ok(Number.isFinite(s.fid) && s.fid > 0, `FID ${s.fid}`);
    assert.ok(Number.isFinite(s.diversity) && s.diversity > 0, `diversity ${s.diversity}`);
    assert.ok(s.l1 > 0 && s.l1 <= 2, `L1 ${s.l1}`);
    assert.ok(Number.isFinite(s.psnr) && s.psnr > 0, `PSNR ${s.psnr}`);
    assert.ok(s.ssim > -1 && s.ssim < 1, `SSIM ${s.ssim}`);
    const cs = s.classSurvival;
    assert.ok(cs.share >= 0 && cs.share <= 1);
    assert.ok(cs.onTargets > 0.85, `the judge reads ${cs.onTargets} of the real test digits`);
    assert.equal(cs.perClass.length, 10);
    assert.equal(cs.perClass.reduce((n: number, e: { count: number }) => n + e.count, 0), 130);
    assert.deepEqual(s.skipped, []);
    assert.equal(s.protocol.extractor.kind, 'classifier');

    const records = fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const last = records.at(-1);
    assert.equal(last.kind, 'eval');
    assert.equal(last.task, 'translation');
    assert.equal(last.l1, s.l1);
    assert.equal(last.ssim, s.ssim);
    assert.equal(last.class_survival, cs.share);
    assert.equal(last.diversity, s.diversity);
    // 16 examples, three 28-pixel columns each, two examples per row.
    const grid = decodePng(fs.readFileSync(path.join(run, 'translation-test.png')));
    assert.ok(grid.width > 6 * 28 && grid.width < 6 * 28 + 7 * 4 && grid.height > 8 * 28, `${grid.width}×${grid.height}`);
  });

  it('without a classifier for the data, says so in one line and scores the pixels', () => {
    const result = ganforge(['eval', '--checkpoint', run, '--no-append']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /L1\s+\d\.\d{4}\n\s+PSNR\s+\d+\.\d\d dB\n\s+SSIM\s+-?\d\.\d{4}\n/);
    assert.match(result.stdout, /skipped\s+FID, diversity, class survival: .* has 16 labelled training targets, fewer than the 128 of one batch of the judge's classifier/);
    assert.equal(fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').filter((l) => l.includes('"task":"translation"')).length, 1);
    const refused = ganforge(['eval', '--checkpoint', run, '--class', '3']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /--class applies to runs that draw from noise/);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  });

  it('the report shows the scores, the per-class table and the examples, with the folder name escaped', () => {
    const report = ganforge(['report', run]);
    assert.equal(report.status, 0, report.stderr);
    const page = fs.readFileSync(path.join(run, 'report.html'), 'utf8');
    assert.match(page, /<th>class survives translation<\/th><td>\d+\.\d\d%<\/td>/);
    assert.match(page, /<th>SSIM<\/th><td>-?\d\.\d+/);
    assert.match(page, /<th>FID vs held-out targets<\/th><td>\d/);
    assert.match(page, /<th>diversity \(1: as varied as real targets\)<\/th><td>\d/);
    assert.match(page, /<table class="per-class"><tr><th>class<\/th>/);
    assert.match(page, /Test examples: input \| output \| target<\/h3><img class="grid" src="data:image\/png;base64,/);
    assert.ok(page.includes('pairs-&lt;i&gt;x&lt;/i&gt;'), 'the folder name is escaped');
    assert.ok(!page.includes('<i>x</i>'));
  });
});
