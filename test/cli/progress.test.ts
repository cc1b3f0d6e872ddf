import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, ProgressBar } from '../../src/cli/progress';

function stream(isTTY: boolean) {
  const s = { text: '', isTTY, columns: 60, write: (chunk: string) => ((s.text += chunk), true) };
  return s;
}

describe('ProgressBar', () => {
  it('on a terminal redraws one line in place and keeps log lines above it', () => {
    const out = stream(true);
    const bar = new ProgressBar({ total: 4, label: 'train', stream: out, minIntervalMs: 0 });
    bar.tick();
    bar.log('a log line');
    bar.update(4, 'Loss 1.0');
    bar.finish();
    assert.match(out.text, /^\r\x1b\[Ktrain \[#+\.+\] 1\/4  25%/);
    assert.match(out.text, /\r\x1b\[Ka log line\n\r\x1b\[Ktrain/);
    assert.match(out.text, /4\/4 100% .* Loss 1\.0\n$/);
    assert.ok(out.text.split('\r').every((part) => part.replace(/\x1b\[K/, '').replace(/\n$/, '').length < 60));
  });

  it('off a terminal draws no bar, only the log lines', () => {
    const out = stream(false);
    const bar = new ProgressBar({ total: 100, stream: out, minIntervalMs: 0 });
    for (let i = 0; i < 100; i++) bar.tick();
    bar.log('line one');
    bar.finish();
    assert.equal(out.text, 'line one\n');
  });

  it('formats durations', () => {
    assert.equal(formatDuration(0.44), '0.4s');
    assert.equal(formatDuration(12.4), '12s');
    assert.equal(formatDuration(65), '1m05s');
    assert.equal(formatDuration(3720), '1h02m');
    assert.equal(formatDuration(NaN), '--');
  });
});
