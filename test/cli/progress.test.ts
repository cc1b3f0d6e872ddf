import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, ProgressBar } from '../../src/cli/progress';

/** A stream that records what is written; `isTTY` decides which mode the bar picks. */
function fakeStream(isTTY: boolean, columns = 60) {
  const s = { text: '', isTTY, columns, write: (chunk: string) => ((s.text += chunk), true) };
  return s;
}

/** A clock the test moves by hand, so rates, times and throttling are exact. */
function fakeClock() {
  const clock = { ms: 0, now: () => clock.ms };
  return clock;
}

/** What a terminal would show: each '\r\x1b[K' clears the line, so only the text after the last one counts. */
function screen(text: string): string[] {
  return text.split('\n').map((line) => line.split('\r\x1b[K').at(-1)!);
}

describe('ProgressBar on a terminal', () => {
  it('redraws one line in place and leaves the final state on its own line', () => {
    const out = fakeStream(true);
    const bar = new ProgressBar({ total: 4, label: 'train', stream: out, minIntervalMs: 0 });
    bar.tick();
    bar.tick(2, 'Loss_D 1.23');
    bar.update(4, 'Loss_D 0.50');
    bar.finish();
    assert.equal(out.text.split('\r\x1b[K').length - 1, 4, 'three updates and the final draw');
    assert.match(out.text, /^\r\x1b\[Ktrain \[#+\.+\] 1\/4 {2}25% /);
    assert.deepEqual(screen(out.text).length, 2);
    assert.match(screen(out.text)[0], /^train \[#+\] 4\/4 100% .* Loss_D 0\.50$/);
    assert.equal(screen(out.text)[1], '');
  });

  it('shows counts, percent, rate, elapsed and ETA, and fits the terminal width', () => {
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 100, label: 'gen', unit: 'img', stream: fakeStream(true), now: clock.now });
    clock.ms = 2000;
    bar.update(50, 'ok');
    const line = bar.render(60);
    assert.match(line, / 50\/100 {2}50% 25 img\/s 2\.0s<2\.0s ok$/);
    assert.ok(line.length <= 59, line);
    const [, filled, empty] = line.match(/\[(#*)(\.*)\]/)!;
    assert.ok(filled.length >= 9 && Math.abs(filled.length - empty.length) <= 1, `half full at 50%: ${line}`);
    assert.equal(bar.render(120).length, 119, 'the bar grows with the terminal');
    clock.ms = 160_000;
    bar.update(75);
    assert.match(bar.render(80), / 75\/100 {2}75% 0\.47 img\/s 2m40s<53s ok$/);
  });

  it('ETA is unknown before any progress, and the status never pushes the line past the width', () => {
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 10, stream: fakeStream(true), now: clock.now });
    clock.ms = 500;
    assert.match(bar.render(), /0\/10 {3}0% 0\.00 it\/s 0\.5s<--$/);
    bar.update(1, 'x'.repeat(200));
    assert.equal(bar.render(40).length, 39);
  });

  it('redraws at most every minIntervalMs, but always draws the last step', () => {
    const clock = fakeClock();
    const out = fakeStream(true);
    const bar = new ProgressBar({ total: 10, stream: out, minIntervalMs: 100, now: clock.now });
    const draws = () => out.text.split('\r').length - 1;
    bar.tick(); // first update draws
    bar.tick();
    bar.tick();
    assert.equal(draws(), 1);
    clock.ms = 99;
    bar.tick();
    assert.equal(draws(), 1);
    clock.ms = 100;
    bar.tick();
    assert.equal(draws(), 2);
    bar.update(10);
    assert.equal(draws(), 3);
  });

  it('log() clears the bar, writes the line whole, and redraws the bar under it', () => {
    const out = fakeStream(true);
    const bar = new ProgressBar({ total: 4, label: 'train', stream: out, minIntervalMs: 0 });
    bar.log('before any bar');
    bar.tick();
    bar.log('epoch 1: Loss_D 1.0');
    bar.finish();
    assert.match(out.text, /^before any bar\n\r\x1b\[Ktrain /);
    assert.match(out.text, /1\/4 .*\r\x1b\[Kepoch 1: Loss_D 1\.0\n\r\x1b\[Ktrain \[#+\.+\] 1\/4 /);
    assert.deepEqual(screen(out.text).slice(0, 2), ['before any bar', 'epoch 1: Loss_D 1.0']);
  });

  it('ignores updates after finish(), and finish() twice', () => {
    const out = fakeStream(true);
    const bar = new ProgressBar({ total: 4, stream: out, minIntervalMs: 0 });
    bar.tick();
    bar.finish();
    const written = out.text;
    bar.tick();
    bar.finish();
    assert.equal(out.text, written);
    bar.log('after');
    assert.equal(out.text, `${written}after\n`);
  });
});

describe('ProgressBar off a terminal', () => {
  it('writes no \\r, a plain line every 10%, and log lines intact between them', () => {
    const out = fakeStream(false);
    const bar = new ProgressBar({ total: 100, label: 'sample', unit: 'img', stream: out, minIntervalMs: 0 });
    for (let i = 1; i <= 100; i++) {
      bar.tick();
      if (i === 55) bar.log('a log line');
    }
    bar.finish();
    assert.ok(!out.text.includes('\r') && !out.text.includes('\x1b'), JSON.stringify(out.text));
    const lines = out.text.trimEnd().split('\n');
    assert.equal(lines.length, 11, out.text); // 10%, 20% … 100%, and the log line; finish() adds nothing new
    assert.match(lines[0], /^sample 10\/100 {2}10% \S+ img\/s \S+<\S+$/);
    assert.equal(lines[5], 'a log line');
    assert.match(lines[10], /^sample 100\/100 100% /);
  });

  it('finish() reports where the work stopped, with its status', () => {
    const out = fakeStream(false);
    const bar = new ProgressBar({ total: 1000, stream: out });
    bar.update(150);
    bar.update(199);
    bar.finish('stopped');
    assert.deepEqual(out.text.trimEnd().split('\n').map((l) => l.split(' ')[0]), ['150/1000', '199/1000']);
    assert.match(out.text, /199\/1000 {2}19% .* stopped\n$/);
  });

  it('with plainEveryPercent: 0 writes only the log lines', () => {
    const out = fakeStream(false);
    const bar = new ProgressBar({ total: 100, stream: out, plainEveryPercent: 0 });
    for (let i = 0; i < 100; i++) bar.tick();
    bar.log('line one');
    bar.finish();
    assert.equal(out.text, 'line one\n');
  });

  it('an empty job is complete at once; a nonsense total is refused', () => {
    const out = fakeStream(false);
    new ProgressBar({ total: 0, label: 'x', stream: out }).finish();
    assert.match(out.text, /^x 0\/0 100% /);
    assert.throws(() => new ProgressBar({ total: NaN }), RangeError);
    assert.throws(() => new ProgressBar({ total: -1 }), RangeError);
  });
});

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0.0s'], [0.44, '0.4s'], [9.94, '9.9s'], [9.96, '10s'], [12.4, '12s'], [59.4, '59s'], [59.6, '1m00s'],
    [65, '1m05s'], [600, '10m00s'], [3599.6, '1h00m'], [3720, '1h02m'], [90_000, '25h00m'],
    [NaN, '--'], [Infinity, '--'], [-1, '--'],
  ];
  for (const [seconds, text] of cases) it(`${seconds} s → ${text}`, () => assert.equal(formatDuration(seconds), text));
});
