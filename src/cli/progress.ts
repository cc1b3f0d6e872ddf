// A progress bar for long work (training steps, generated images, extracted features).
//
// On a terminal it owns the last line and redraws it in place with '\r' and '\x1b[K' (clear to end of
// line), at most every `minIntervalMs`, so a fast loop does not spend its time writing to the screen.
// Off a terminal (CI logs, pipes, files) a redrawn line would pile up as garbage, so instead the bar
// writes a short plain line each time another `plainEveryPercent` of the work is done (default 10, so
// at most ten lines a run) and a last one at finish(); `plainEveryPercent: 0` keeps it silent there, and
// only log() lines appear.
export interface ProgressStream {
  write(s: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  total: number;
  label?: string;
  /** Where to draw; process.stderr by default, so stdout stays clean for results. */
  stream?: NodeJS.WriteStream | ProgressStream;
  /** Least time between two redraws on a terminal (default 100 ms). */
  minIntervalMs?: number;
  /** What is counted, for the rate: 'it' by default, e.g. 'img' or 'step'. */
  unit?: string;
  /** Off a terminal, print a plain line each time this much more percent is done (default 10; 0: never). */
  plainEveryPercent?: number;
  /** Milliseconds clock; tests replace it to get fixed rates and times. */
  now?: () => number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Short human durations: '0.4s', '12s', '1m05s', '1h02m'; '--' when unknown (e.g. an ETA with no rate yet). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  // Round once, up front, so 59.6 s reads '1m00s' rather than '60s' or '0m60s'.
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${pad2(whole % 60)}s`;
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}

/** Two or three significant digits: slow work ('0.25 step/s') keeps its precision, fast work no noise. */
function formatRate(perSecond: number): string {
  return perSecond >= 10 ? String(Math.round(perSecond)) : perSecond.toFixed(perSecond >= 1 ? 1 : 2);
}

export class ProgressBar {
  readonly total: number;
  readonly #label: string;
  readonly #unit: string;
  readonly #stream: ProgressStream;
  readonly #minIntervalMs: number;
  readonly #plainEveryPercent: number;
  readonly #now: () => number;
  readonly #startedMs: number;
  #done = 0;
  #status = '';
  #lastDrawMs = -Infinity;
  #visible = false; // a bar line is on screen and must be cleared before other text
  #finished = false;
  #plainStep = 0; // how many plainEveryPercent steps have been printed off a terminal
  #lastPlain = ''; // done and status of the last plain line, so finish() does not repeat it

  constructor(options: ProgressOptions) {
    if (!Number.isFinite(options.total) || options.total < 0) throw new RangeError(`ProgressBar: total must be a count, got ${options.total}`);
    this.total = options.total;
    this.#label = options.label ?? '';
    this.#unit = options.unit ?? 'it';
    this.#stream = options.stream ?? process.stderr;
    this.#minIntervalMs = options.minIntervalMs ?? 100;
    this.#plainEveryPercent = options.plainEveryPercent ?? 10;
    this.#now = options.now ?? Date.now;
    this.#startedMs = this.#now();
  }

  /** Whether the bar redraws in place (the stream is a terminal). */
  get isTerminal(): boolean {
    return this.#stream.isTTY === true;
  }

  get done(): number {
    return this.#done;
  }

  /** Advances by `n` (default 1); `status` is a short text shown at the end, e.g. 'Loss_D 1.23'. */
  tick(n = 1, status?: string): void {
    this.update(this.#done + n, status);
  }

  /** Sets how much is done. */
  update(done: number, status?: string): void {
    if (this.#finished) return;
    this.#done = Math.min(Math.max(0, done), this.total);
    if (status !== undefined) this.#status = status;
    if (this.isTerminal) {
      // Throttled, except the last step, so a finished bar always shows 100%.
      if (this.#now() - this.#lastDrawMs >= this.#minIntervalMs || this.#done === this.total) this.#draw();
    } else if (this.#plainEveryPercent > 0) {
      const step = Math.floor((100 * this.#fraction()) / this.#plainEveryPercent);
      if (step > this.#plainStep) {
        this.#plainStep = step;
        this.#writePlain();
      }
    }
  }

  /** Prints a whole line above the bar: the bar is cleared, the line written, and the bar redrawn. */
  log(line: string): void {
    const redraw = this.isTerminal && this.#visible;
    this.#stream.write(`${redraw ? '\r\x1b[K' : ''}${line}\n`);
    if (redraw) this.#draw();
  }

  /** Draws the final state and leaves it on its own line. Later calls to tick/update/finish do nothing. */
  finish(status?: string): void {
    if (this.#finished) return;
    if (status !== undefined) this.#status = status;
    this.#finished = true;
    if (this.isTerminal) {
      this.#draw();
      this.#stream.write('\n');
      this.#visible = false;
    } else if (this.#plainEveryPercent > 0 && `${this.#done}|${this.#status}` !== this.#lastPlain) {
      this.#writePlain();
    }
  }

  /** The bar as drawn on a terminal `columns` wide, kept one short of the width so it never wraps. */
  render(columns = 80): string {
    const head = this.#label ? `${this.#label} ` : '';
    const tail = this.#tail();
    const barWidth = Math.max(10, columns - head.length - tail.length - 3);
    const filled = Math.round(barWidth * this.#fraction());
    return `${head}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`.slice(0, Math.max(1, columns - 1));
  }

  #fraction(): number {
    return this.total > 0 ? this.#done / this.total : 1;
  }

  /** ' 30/100  30% 12.5 img/s 2.4s<5.6s status': counts, percent, rate, elapsed<ETA and status. */
  #tail(): string {
    const elapsed = (this.#now() - this.#startedMs) / 1000;
    const rate = elapsed > 0 ? this.#done / elapsed : 0;
    const eta = this.#done >= this.total ? 0 : rate > 0 ? (this.total - this.#done) / rate : NaN;
    const percent = String(Math.floor(100 * this.#fraction())).padStart(3);
    const status = this.#status ? ` ${this.#status}` : '';
    return ` ${this.#done}/${this.total} ${percent}% ${formatRate(rate)} ${this.#unit}/s ${formatDuration(elapsed)}<${formatDuration(eta)}${status}`;
  }

  /** Off a terminal: the label and tail on a line of their own, no bar. */
  #writePlain(): void {
    this.#lastPlain = `${this.#done}|${this.#status}`;
    this.#stream.write(`${this.#label}${this.#tail()}`.trim() + '\n');
  }

  #draw(): void {
    this.#lastDrawMs = this.#now();
    this.#stream.write(`\r\x1b[K${this.render(this.#stream.columns ?? 80)}`);
    this.#visible = true;
  }
}
