// Following a run as it trains: new lines of metrics.jsonl (read from where the last look ended, whole lines
// only) and new or rewritten grids, polled every POLL_MS. Polling rather than fs.watch: it sees runs that
// another process (a `ganforge train` in a terminal) writes, on every file system, and a stat every quarter
// second costs nothing next to a training step.
import * as fs from 'fs';
import { parseRecordLines, RunDir } from '../gan/run-dir';
import { gridNames, LATEST_GRID } from './grids';

export const POLL_MS = 250;

export type RunEvent =
  | { type: 'record' | 'eval' | 'alarm'; record: Record<string, unknown> }
  | { type: 'grid'; name: string; version: number }
  /** metrics.jsonl got shorter (a resume dropped records past its checkpoint): start over. */
  | { type: 'reset' };

export class RunFollower {
  #offset = 0;
  #partial = '';
  #grids = new Map<string, number>();

  constructor(readonly dir: RunDir) {}

  /** What changed since the last call (everything there is, on the first). */
  poll(): RunEvent[] {
    const events = this.newRecords();
    for (const name of gridNames(this.dir)) {
      const file = name === LATEST_GRID ? this.dir.latestGridPath : `${this.dir.samplesDir}/${name}`;
      let version: number;
      try {
        version = fs.statSync(file).mtimeMs;
      } catch {
        continue;
      }
      if (this.#grids.get(name) !== version) {
        this.#grids.set(name, version);
        events.push({ type: 'grid', name, version });
      }
    }
    return events;
  }

  /** The records appended to metrics.jsonl since the last look (after a 'reset' when it got shorter). */
  newRecords(): RunEvent[] {
    const events: RunEvent[] = [];
    let size: number;
    try {
      size = fs.statSync(this.dir.metricsPath).size;
    } catch {
      size = 0;
    }
    if (size < this.#offset) {
      this.#offset = 0;
      this.#partial = '';
      events.push({ type: 'reset' });
    }
    if (size === this.#offset) return events;
    const fd = fs.openSync(this.dir.metricsPath, 'r');
    let text: string;
    try {
      const bytes = Buffer.alloc(size - this.#offset);
      const read = fs.readSync(fd, bytes, 0, bytes.length, this.#offset);
      this.#offset += read;
      text = this.#partial + bytes.subarray(0, read).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
    // A line being written now has no newline yet: keep it for the next look.
    const end = text.lastIndexOf('\n') + 1;
    this.#partial = text.slice(end);
    for (const record of parseRecordLines(text.slice(0, end))) {
      const type = record.kind === 'eval' ? 'eval' : record.kind === 'alarm' ? 'alarm' : 'record';
      events.push({ type, record });
    }
    return events;
  }
}
