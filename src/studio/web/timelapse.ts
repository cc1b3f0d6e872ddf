// A run's per-epoch grids (samples/epoch-NNNN.png) in order, as a timelapse: a frame slider and Play, which
// steps through them four times a second. New epochs join as their grid events arrive.
import { gridUrl } from './api';
import { h } from './dom';

const EPOCH_GRID = /^epoch-(\d+)\.png$/;

export class Timelapse {
  readonly el: HTMLElement;
  #frames: { name: string; version: number }[] = [];
  #image = h('img', { class: 'grid', id: 'timelapse-image', alt: 'a grid of the timelapse' });
  #slider = h('input', { id: 'timelapse-frame', type: 'range', min: '0', max: '0', step: '1', value: '0' });
  #label = h('span', { id: 'timelapse-label', class: 'muted' }, 'no epoch grids yet');
  #play = h('button', { id: 'timelapse-play', type: 'button' }, 'Play');
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(readonly run: string) {
    this.el = h('div', { class: 'timelapse' }, h('h2', {}, 'Timelapse (one grid per epoch)'), this.#image, h('p', {}, this.#play, ' ', this.#slider, ' ', this.#label));
    this.el.hidden = true;
    this.#slider.addEventListener('input', () => this.#show(Number(this.#slider.value)));
    this.#play.addEventListener('click', () => (this.#timer ? this.#stop() : this.#start()));
  }

  /** A grid of the run (any name: only epoch grids are kept), new or rewritten. */
  add(grid: { name: string; version: number }): void {
    if (!EPOCH_GRID.test(grid.name)) return;
    const at = this.#frames.findIndex((f) => f.name >= grid.name);
    const following = Number(this.#slider.value) === this.#frames.length - 1 || this.#frames.length === 0;
    if (at >= 0 && this.#frames[at].name === grid.name) this.#frames[at] = grid;
    else this.#frames.splice(at < 0 ? this.#frames.length : at, 0, grid);
    this.#slider.max = String(this.#frames.length - 1);
    this.el.hidden = false;
    // Watching the newest frame: stay on the newest.
    if (following && !this.#timer) this.#show(this.#frames.length - 1);
  }

  get frames(): number {
    return this.#frames.length;
  }

  #show(i: number): void {
    const frame = this.#frames[i];
    if (!frame) return;
    this.#slider.value = String(i);
    this.#image.src = gridUrl(this.run, frame.name, frame.version);
    this.#label.textContent = `epoch ${Number(EPOCH_GRID.exec(frame.name)![1])} (${i + 1} of ${this.#frames.length})`;
  }

  #start(): void {
    if (this.#frames.length < 2) return;
    this.#play.textContent = 'Pause';
    if (Number(this.#slider.value) >= this.#frames.length - 1) this.#show(0);
    this.#timer = setInterval(() => {
      if (!this.el.isConnected) return this.#stop();
      const next = Number(this.#slider.value) + 1;
      if (next < this.#frames.length) this.#show(next);
      if (next >= this.#frames.length - 1) this.#stop();
    }, 250);
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#play.textContent = 'Play';
  }
}
