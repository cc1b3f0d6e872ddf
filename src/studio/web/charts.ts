// Line charts of a run's records with uPlot: x is the step, one series per metric key. Records arrive one
// at a time from the event stream; the chart redraws at most once per animation frame.
import uPlot from 'uplot';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export interface Line { label: string; key: string; kind?: 'eval' }

export class LiveChart {
  readonly el: HTMLElement;
  #plot: uPlot;
  #x: number[] = [];
  #ys: (number | null)[][];
  #pending = false;

  constructor(title: string, readonly lines: Line[], width = 560) {
    this.el = document.createElement('div');
    this.el.className = 'chart';
    this.#ys = lines.map(() => []);
    this.#plot = new uPlot({
      title, width, height: 240,
      scales: { x: { time: false } },
      series: [{ label: 'step' }, ...lines.map((l, i) => ({ label: l.label, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: true, points: { show: l.kind === 'eval' } }))],
      axes: [{ label: 'step' }, {}],
    }, [[], ...lines.map(() => [])] as unknown as uPlot.AlignedData, this.el);
  }

  /** Adds a record (a step or eval record) if it holds any of this chart's keys. */
  add(record: Record<string, unknown>): void {
    const kind = record.kind === 'eval' ? 'eval' : record.kind === undefined ? undefined : 'other';
    if (typeof record.step !== 'number' || kind === 'other') return;
    const values = this.lines.map((l) => (l.kind === kind && typeof record[l.key] === 'number' ? record[l.key] as number : null));
    if (values.every((v) => v === null)) return;
    // uPlot needs x ascending: records come in step order, except when two runs share a chart (compare).
    let at = this.#x.length;
    while (at > 0 && this.#x[at - 1] > record.step) at--;
    this.#x.splice(at, 0, record.step);
    values.forEach((v, i) => this.#ys[i].splice(at, 0, v));
    this.#redraw();
  }

  clear(): void {
    this.#x = [];
    this.#ys = this.lines.map(() => []);
    this.#redraw();
  }

  get points(): number {
    return this.#x.length;
  }

  #redraw(): void {
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => {
      this.#pending = false;
      this.#plot.setData([this.#x, ...this.#ys] as unknown as uPlot.AlignedData);
    });
  }
}

export const LOSS_LINES: Line[] = [{ label: 'Loss_D', key: 'loss_d' }, { label: 'Loss_G', key: 'loss_g' }];
export const D_LINES: Line[] = [{ label: 'D(x)', key: 'd_x' }, { label: 'D(G(z))', key: 'd_g_z' }];
export const FID_LINES: Line[] = [{ label: 'FID', key: 'fid', kind: 'eval' }];
