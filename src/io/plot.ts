// Line charts as self-contained SVG: loss curves and D outputs over a run, readable in any browser, README
// or HTML report without a plotting library.
export interface Series {
  name: string;
  points: Array<[number, number]>;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel?: string;
  series: Series[];
  /** Pixels; default 720. */
  width?: number;
  /** Pixels; default 360. */
  height?: number;
  /**
   * A logarithmic y axis, for values spanning decades (FID falls from over 1,000 to 30 in a run): points with
   * y ≤ 0 are left out, ticks fall at 1, 2 and 5 × 10^k.
   */
  logY?: boolean;
}

// Matplotlib's default cycle: colours people already read as "series 1, 2, 3…".
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** An SVG polyline with more points than a chart has pixels only makes the file big. */
const MAX_POINTS = 2000;

/** Escapes text for XML content and double-quoted attributes, dropping characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Tick values at 1, 2 or 5 × 10^k inside [lo, hi], about `count` steps apart. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(hi - lo)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * (1 - 1e-9))!;
  const ticks: number[] = [];
  // Multiples of the step, computed from an index so rounding errors do not pile up.
  // The bounds are in units of the step, so a range ending near ±1.8e308 cannot overflow into an endless loop.
  const last = Math.floor(hi / step + 1e-9);
  for (let k = Math.ceil(lo / step - 1e-9); k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Ticks for a logarithmic axis over [lo, hi] (values, not logarithms): 1, 2 and 5 × 10^k, or only 10^k over many decades. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi >= lo) || !Number.isFinite(hi)) return [];
  const first = Math.floor(Math.log10(lo));
  const last = Math.ceil(Math.log10(hi));
  const mantissas = last - first > 4 ? [1] : [1, 2, 5];
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** k).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

/**
 * Keeps at most about MAX_POINTS points: splits the series into buckets and keeps each bucket's lowest and
 * highest point, in x order, so a single spike (a loss blow-up) still shows at full height.
 */
export function downsample(points: Array<[number, number]>, maxPoints = MAX_POINTS): Array<[number, number]> {
  if (points.length <= maxPoints) return points;
  const bucket = Math.ceil(points.length / Math.floor(maxPoints / 2));
  const out: Array<[number, number]> = [];
  for (let start = 0; start < points.length; start += bucket) {
    let min = points[start], max = points[start];
    for (let i = start + 1; i < Math.min(start + bucket, points.length); i++) {
      if (points[i][1] < min[1]) min = points[i];
      if (points[i][1] > max[1]) max = points[i];
    }
    if (min === max) out.push(min);
    else out.push(...(min[0] <= max[0] ? [min, max] : [max, min]));
  }
  return out;
}

/** Short tick labels: whole numbers as they are (step counts), very large or small values in e-notation. */
function formatTick(v: number): string {
  if (v === 0) return '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v);
  if (Math.abs(v) >= 1e7 || Math.abs(v) < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

/** A data value for a label: four significant digits, e-notation when very large or small. */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e7 || Math.abs(v) < 1e-3) return v.toExponential(3).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

function extent(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // A flat line (or a single point) still needs a non-empty axis: ±10% around the value (±1 around 0, or
  // when 10% of it is too small to be a number), kept inside the finite doubles.
  if (hi === lo) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return [Math.max(-Number.MAX_VALUE, lo - pad), Math.min(Number.MAX_VALUE, hi + pad)];
  }
  return [lo, hi];
}

/** One SVG document: axes with round tick values, one line per series (a dot if it has one point), a legend. */
export function lineChartSvg(options: ChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 360;
  const margin = { left: 64, right: 150, top: 36, bottom: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  if (!(plotW > 0 && plotH > 0)) throw new Error(`chart: ${width}×${height} leaves no room to plot`);
  // Points come from files: anything but two finite numbers (NaN, Infinity, a string) is left out.
  const logY = options.logY === true;
  const series = options.series.map((s) => ({
    name: String(s.name),
    points: downsample(s.points.filter((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!logY || p[1] > 0))),
  }));
  const all = series.flatMap((s) => s.points);
  const [xMin, xMax] = extent(all.map((p) => p[0]));
  // On a log axis positions are taken in log10 y; the ticks and labels stay values.
  const position = (y: number) => (logY ? Math.log10(y) : y);
  const [yMin, yMax] = extent(all.map((p) => position(p[1])));
  // Halved before subtracting, so that values near ±1.8e308 cannot overflow into Infinity and then NaN.
  const fraction = (v: number, lo: number, hi: number) => (v / 2 - lo / 2) / (hi / 2 - lo / 2);
  const sx = (x: number) => (margin.left + fraction(x, xMin, xMax) * plotW).toFixed(1);
  const sy = (y: number) => (margin.top + (1 - fraction(position(y), yMin, yMax)) * plotH).toFixed(1);
  const yTicks = logY ? logTicks(10 ** yMin, 10 ** yMax) : niceTicks(yMin, yMax);
  const bottom = margin.top + plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="22" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const t of yTicks) {
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${(Number(sy(t)) + 4).toFixed(1)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const t of niceTicks(xMin, xMax)) {
    parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${bottom}" y2="${bottom + 5}" stroke="#333"/>`);
    parts.push(`<text x="${sx(t)}" y="${bottom + 18}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) {
    const label = logY ? `${options.yLabel} (log scale)` : options.yLabel;
    parts.push(`<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text>`);
  }
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    if (s.points.length === 1) {
      // One point (a single evaluation): a marker big enough to see, and its value beside it.
      const [x, y] = s.points[0];
      const cx = Number(sx(x)), cy = Number(sy(y));
      parts.push(`<circle cx="${cx}" cy="${cy}" r="5" fill="${colour}" stroke="white" stroke-width="1.5"/>`);
      const rightHalf = cx > margin.left + plotW / 2;
      parts.push(`<text x="${(rightHalf ? cx - 9 : cx + 9).toFixed(1)}" y="${(cy - 8).toFixed(1)}" text-anchor="${rightHalf ? 'end' : 'start'}" fill="${colour}">${formatValue(y)}</text>`);
    } else if (s.points.length > 1) {
      const coordinates = s.points.map(([x, y]) => `${sx(x)},${sy(y)}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" stroke-linejoin="round" points="${coordinates}"/>`);
    }
    const ly = margin.top + 10 + i * 20;
    const lx = width - margin.right + 14;
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 30}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
