// A progress bar for long work. On a terminal it redraws one line in place (at most every 100 ms); when
// the output is not a terminal (CI logs, pipes) it draws nothing, so logs hold only real log lines.
export interface ProgressStream {
  write(s: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export class ProgressBar {
  readonly total: number;
  readonly #label: string;
  readonly #unit: string;
  readonly #stream: ProgressStream;
  readonly #minIntervalMs: number;
  readonly #started = Date.now();
  #done = 0;
  #status = '';
  #lastDraw = 0;
  #visible = false;

  constructor(options: { total: number; label?: string; unit?: string; stream?: ProgressStream; minIntervalMs?: number }) {
    this.total = Math.max(1, options.total);
    this.#label = options.label ?? '';
    this.#unit = options.unit ?? 'it';
    this.#stream = options.stream ?? process.stderr;
    this.#minIntervalMs = options.minIntervalMs ?? 100;
  }

  get isTerminal(): boolean {
    return this.#stream.isTTY === true;
  }

  tick(n = 1, status?: string): void {
    this.update(this.#done + n, status);
  }

  update(done: number, status?: string): void {
    this.#done = Math.min(done, this.total);
    if (status !== undefined) this.#status = status;
    const now = Date.now();
    if (now - this.#lastDraw >= this.#minIntervalMs || this.#done === this.total) {
      this.#lastDraw = now;
      this.#draw();
    }
  }

  /** Prints a whole line above the bar. Off a terminal it just writes the line. */
  log(line: string): void {
    if (this.isTerminal && this.#visible) this.#stream.write('\r\x1b[K');
    this.#stream.write(line + '\n');
    if (this.isTerminal && this.#visible) this.#draw();
  }

  finish(status?: string): void {
    if (status !== undefined) this.#status = status;
    if (!this.isTerminal) return;
    this.#draw();
    this.#stream.write('\n');
    this.#visible = false;
  }

  /** The bar's text, as drawn on a terminal of the given width. */
  render(columns = 80): string {
    const elapsed = (Date.now() - this.#started) / 1000;
    const rate = elapsed > 0 ? this.#done / elapsed : 0;
    const eta = rate > 0 ? (this.total - this.#done) / rate : NaN;
    const percent = Math.floor((100 * this.#done) / this.total);
    const tail = ` ${this.#done}/${this.total} ${String(percent).padStart(3)}% ${rate.toFixed(rate < 10 ? 1 : 0)} ${this.#unit}/s ` +
      `${formatDuration(elapsed)}<${formatDuration(eta)}${this.#status ? ` ${this.#status}` : ''}`;
    const head = this.#label ? `${this.#label} ` : '';
    const barWidth = Math.max(10, columns - head.length - tail.length - 3);
    const filled = Math.round((barWidth * this.#done) / this.total);
    return `${head}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`.slice(0, columns - 1);
  }

  #draw(): void {
    if (!this.isTerminal) return;
    this.#stream.write(`\r\x1b[K${this.render(this.#stream.columns ?? 80)}`);
    this.#visible = true;
  }
}
