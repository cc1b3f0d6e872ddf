// The run report: one self-contained HTML page (no external files, no network) with the config, the curves
// (losses, D outputs, FID), the grids across epochs, a timelapse, the final scores and every alarm. Given
// several runs it shows them side by side, with their curves overlaid.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { RunDir } from '../gan/run-dir';
import { lineChartSvg, Series } from '../io/plot';
import { html, SafeHtml, scriptJson, trustedHtml } from './html';

interface RunData {
  name: string;
  dir: RunDir;
  config: Record<string, unknown>;
  steps: Record<string, unknown>[];
  evals: Record<string, unknown>[];
  alarms: Record<string, unknown>[];
  grids: { label: string; dataUri: string }[];
  /** A translation run's test examples (input | output | target), drawn by `ganforge eval`. */
  translationGrid: string | null;
}

const MAX_THUMBNAILS = 12;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readRun(root: string): RunData {
  const dir = new RunDir(root);
  if (!fs.existsSync(dir.configPath)) throw new Error(`${root} is not a ganforge run (no config.json)`);
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(dir.configPath, 'utf8'));
  } catch {
    throw new Error(`${dir.configPath}: not valid JSON`);
  }
  if (!isRecord(config)) throw new Error(`${dir.configPath}: expected a JSON object of config keys`);
  const grids = dir.epochGridNames().map((f) => ({
    label: `epoch ${Number(f.slice(6, -4))}`,
    dataUri: `data:image/png;base64,${fs.readFileSync(path.join(dir.samplesDir, f)).toString('base64')}`,
  }));
  if (fs.existsSync(dir.latestGridPath) && (grids.length === 0 || !fs.readFileSync(dir.latestGridPath).equals(Buffer.from(grids.at(-1)!.dataUri.split(',')[1], 'base64')))) {
    grids.push({ label: 'final', dataUri: `data:image/png;base64,${fs.readFileSync(dir.latestGridPath).toString('base64')}` });
  }
  return {
    name: path.basename(path.resolve(root)),
    dir,
    config,
    steps: dir.readMetrics() as unknown as Record<string, unknown>[],
    evals: dir.readRecordsOfKind('eval'),
    alarms: dir.readRecordsOfKind('alarm'),
    grids,
    translationGrid: fs.existsSync(dir.translationGridPath) ? `data:image/png;base64,${fs.readFileSync(dir.translationGridPath).toString('base64')}` : null,
  };
}

/** A value from a file as short text (escaped later, where it is put into the page). */
function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (Array.isArray(v)) return v.length ? v.map(fmt).join(', ') : '—';
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') return JSON.stringify(v).slice(0, 200);
  return String(v).slice(0, 200);
}

function chart(runs: RunData[], title: string, yLabel: string, pick: (r: RunData) => Series[]): SafeHtml | null {
  const series = runs.flatMap((r) => pick(r).map((s) => ({ ...s, name: runs.length > 1 ? `${r.name}: ${s.name}` : s.name })));
  if (series.every((s) => s.points.length === 0)) return null;
  // lineChartSvg escapes every text it writes and only writes finite numbers as coordinates.
  return html`<figure>${trustedHtml(lineChartSvg({ title, xLabel: 'step', yLabel, series, width: 600, height: 280 }))}</figure>`;
}

/** Points of one metric; records whose step or value is not a finite number are left out. */
function points(records: Record<string, unknown>[], key: string): Array<[number, number]> {
  return records.flatMap((r) => (typeof r.step === 'number' && typeof r[key] === 'number' && Number.isFinite(r.step) && Number.isFinite(r[key])
    ? [[r.step, r[key] as number] as [number, number]] : []));
}

function stepSeries(run: RunData, key: string, name: string): Series {
  return { name, points: points(run.steps, key) };
}

/** The share of samples in each class as bars (SVG, so the page needs no inline styles). */
function classBars(shares: number[]): SafeHtml {
  const width = 21 * shares.length;
  return html`<svg class="shares" width="${width}" height="72" viewBox="0 0 ${width} 72">${shares.map((s, i) => {
    const h = Math.max(0, Math.min(60, s * 240));
    return html`<g><title>class ${i}: ${(s * 100).toFixed(1)}%</title><rect x="${i * 21}" y="${(60 - h).toFixed(1)}" width="18" height="${h.toFixed(1)}" fill="#1f77b4"/><text x="${i * 21 + 9}" y="71" font-size="10" text-anchor="middle">${i}</text></g>`;
  })}</svg>`;
}

/** A share in [0, 1] from a file as a percentage, or a dash. */
function percent(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '—';
}

/** The scores of a translation run's test split (an eval record with task 'translation') and its examples. */
function translationScores(run: RunData, last: Record<string, unknown>): SafeHtml {
  const protocol = isRecord(last.protocol) ? last.protocol : {};
  const extractor = isRecord(protocol.extractor) ? protocol.extractor : null;
  const rows: [string, string][] = [
    ['step', fmt(last.step)], ['test images', fmt(last.test_count)], ['FID vs held-out targets', fmt(last.fid)],
    ['diversity (1: as varied as real targets)', fmt(last.diversity)], ['L1 to the targets', fmt(last.l1)],
    ['PSNR (dB)', fmt(last.psnr)], ['SSIM', fmt(last.ssim)], ['class survives translation', percent(last.class_survival)],
    ['… on the real targets (ceiling)', percent(last.class_survival_on_targets)],
  ];
  const perClass = Array.isArray(last.class_survival_per_class) ? last.class_survival_per_class.filter(isRecord) : [];
  const skipped = Array.isArray(last.skipped) ? last.skipped : [];
  const features = !extractor ? 'none' : extractor.kind === 'classifier'
    ? `ganforge CNN classifier of ${fmt(extractor.trainedOn)}, held-out accuracy ${percent(extractor.accuracy)}` : `ONNX ${fmt(extractor.file)}`;
  return html`<table>${rows.map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</table>
${perClass.length > 0 && html`<table class="per-class"><tr><th>class</th><th>expected</th><th>test images</th><th>survives</th></tr>${perClass.map((e) => html`<tr><td>${fmt(e.name)}</td><td>${fmt(e.expected)}</td><td>${fmt(e.count)}</td><td>${percent(e.share)}</td></tr>`)}</table>`}
${skipped.length > 0 && html`<ul class="muted">${skipped.map((line) => html`<li>skipped: ${typeof line === 'string' ? line.slice(0, 600) : fmt(line)}</li>`)}</ul>`}
${run.translationGrid ? html`<h3>Test examples: input | output | target</h3><img class="grid" src="${run.translationGrid}" alt="test examples: input, output, target">` : html`<p class="muted">no test examples drawn</p>`}
<p class="muted">Protocol: ${fmt(last.test_count)} test images of ${fmt(protocol.test)}; FID reference: ${fmt(protocol.targetDomain)};
features: ${features}; ${fmt(protocol.pixels)}.</p>`;
}

/** The scores of an editing run's test split (an eval record with task 'editing'): a row per attribute and value. */
function editingScores(last: Record<string, unknown>): SafeHtml {
  const attributes = Array.isArray(last.attributes) ? last.attributes.filter(isRecord) : [];
  const skipped = Array.isArray(last.skipped) ? last.skipped : [];
  const protocol = isRecord(last.protocol) ? last.protocol : {};
  const identity = (v: Record<string, unknown>) => (isRecord(v.identity) ? `${percent(v.identity.closerToSelf)} of ${fmt(v.identity.count)}` : '—');
  return html`<table class="per-class"><tr><th>edit to</th><th>asked</th><th>reached</th><th>L1</th><th>L1, own value</th><th>FID</th><th>nearer same person</th></tr>
${attributes.map((a) => html`<tr><th>${fmt(a.key)}</th><td></td><td><b>${percent(a.reached)}</b></td><td>${fmt(a.l1Changed)}</td><td></td><td></td><td></td></tr>
${(Array.isArray(a.values) ? a.values.filter(isRecord) : []).map((v) => html`<tr><td>→ ${fmt(v.value)}</td><td>${fmt(v.asked)}</td><td>${percent(v.reached)}</td><td>${fmt(v.l1Changed)}</td><td>${fmt(v.l1Kept)}</td><td>${fmt(v.fid)}</td><td>${identity(v)}</td></tr>`)}`)}</table>
${skipped.length > 0 && html`<ul class="muted">${skipped.map((line) => html`<li>skipped: ${typeof line === 'string' ? line.slice(0, 600) : fmt(line)}</li>`)}</ul>`}
<p class="muted">Protocol: ${fmt(last.test_count)} test images of ${fmt(protocol.test)}, each edited to every value; reached among the edits asking for a change, by a judge per attribute; ${fmt(protocol.pixels)}.</p>`;
}

function finalScores(run: RunData): SafeHtml {
  const last = run.evals.at(-1);
  if (!last) return html`<p class="muted">No evaluation yet: run <code>ganforge eval --checkpoint</code> on this run, or train with <code>--eval-every N</code>.</p>`;
  if (last.task === 'translation') return translationScores(run, last);
  if (last.task === 'editing') return editingScores(last);
  const protocol = isRecord(last.protocol) ? last.protocol : {};
  const extractor = isRecord(protocol.extractor) ? protocol.extractor : {};
  const rows: [string, unknown][] = [
    ['step', last.step], ['FID', last.fid], ['KID', last.kid], ['Inception-style score', last.is], ['precision', last.precision],
    ['recall', last.recall], ['coverage entropy', last.coverage_entropy], ['missing classes', last.missing_classes],
  ];
  const shares = Array.isArray(last.class_shares) && last.class_shares.every((s) => typeof s === 'number' && Number.isFinite(s)) ? last.class_shares as number[] : null;
  const features = extractor.kind === 'classifier'
    ? `ganforge CNN classifier, held-out accuracy ${typeof extractor.accuracy === 'number' ? `${(extractor.accuracy * 100).toFixed(2)}%` : '—'}`
    : `ONNX ${fmt(extractor.file)}`;
  return html`<table>${rows.map(([k, v]) => html`<tr><th>${k}</th><td>${fmt(v)}</td></tr>`)}</table>${shares && classBars(shares)}
<p class="muted">Protocol: ${fmt(protocol.sampleCount)} samples vs ${fmt(protocol.referenceCount)} reference images (${fmt(protocol.reference)});
features: ${features}.</p>`;
}

function runColumn(run: RunData, index: number): SafeHtml {
  const c = run.config;
  const keys = ['recipe', 'model', 'dataset', 'loss', 'epochs', 'steps', 'batchSize', 'lrG', 'lrD', 'beta1', 'beta2', 'dSteps', 'emaDecay', 'labelSmoothing', 'seed', 'imageShape'];
  const last = run.steps.at(-1);
  const thumbs = run.grids.filter((_, i, all) => all.length <= MAX_THUMBNAILS || i % Math.ceil(all.length / MAX_THUMBNAILS) === 0 || i === all.length - 1);
  const alarms = run.alarms.length
    ? html`<ul class="alarms">${run.alarms.map((a) => html`<li><b>step ${fmt(a.step)}: ${fmt(a.alarm)}</b> — ${fmt(a.message)}<br><span class="muted">try: ${fmt(a.remedy)}</span></li>`)}</ul>`
    : html`<p class="muted">No alarms.</p>`;
  return html`<section class="run">
<h2>${run.name}</h2>
<p class="muted">${last ? `${fmt(last.step)} steps, ${fmt(last.elapsed_s)} s` : 'no steps recorded'}</p>
<h3>Latest samples</h3>
${run.grids.length ? html`<img class="grid" src="${run.grids.at(-1)!.dataUri}" alt="latest samples">` : html`<p class="muted">no grids</p>`}
<h3>Timelapse</h3>
${run.grids.length > 1 ? html`<div class="timelapse" data-run="${index}"><img alt="timelapse"><input type="range" min="0" max="${run.grids.length - 1}" value="0"><span></span></div>` : html`<p class="muted">one grid so far</p>`}
<h3>Final scores</h3>
${finalScores(run)}
<h3>Alarms</h3>
${alarms}
<h3>Grids across epochs</h3>
<div class="thumbs">${thumbs.map((g) => html`<figure><img src="${g.dataUri}" alt="${g.label}"><figcaption>${g.label}</figcaption></figure>`)}</div>
<h3>Config</h3>
<table>${keys.filter((k) => Object.hasOwn(c, k)).map((k) => html`<tr><th>${k}</th><td>${fmt(c[k])}</td></tr>`)}</table>
</section>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; background: #fafafa; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 0; } h3 { font-size: 14px; margin: 18px 0 6px; color: #555; }
.runs { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 20px; }
.run { background: white; padding: 16px; border: 1px solid #ddd; border-radius: 6px; }
.grid { width: 100%; max-width: 484px; image-rendering: pixelated; border: 1px solid #ccc; }
.thumbs { display: flex; flex-wrap: wrap; gap: 6px; } .thumbs figure { margin: 0; text-align: center; font-size: 11px; }
.thumbs img { width: 96px; image-rendering: pixelated; }
.timelapse img { width: 100%; max-width: 320px; display: block; image-rendering: pixelated; } .timelapse input { width: 240px; }
table { border-collapse: collapse; } th { text-align: left; padding: 2px 12px 2px 0; font-weight: 600; } td { padding: 2px 0; }
.muted { color: #777; } .alarms li { margin-bottom: 6px; color: #a33; }
.shares { display: block; margin-top: 8px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; } figure { margin: 0; }
`;

/** The timelapse: a slider over each run's grids, playing once on load. Its frames come from a JSON script element. */
const SCRIPT = `
const frames = JSON.parse(document.getElementById('frames').textContent);
document.querySelectorAll('.timelapse').forEach((box) => {
  const list = frames[Number(box.dataset.run)];
  const img = box.querySelector('img'), slider = box.querySelector('input'), label = box.querySelector('span');
  const show = (i) => { img.src = list[i].src; label.textContent = ' ' + list[i].label; slider.value = i; };
  slider.addEventListener('input', () => show(Number(slider.value)));
  let i = 0;
  show(0);
  const timer = setInterval(() => { i += 1; if (i >= list.length) { clearInterval(timer); return; } show(i); }, 400);
});
`;

const sha256 = (text: string) => `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: nothing from anywhere (no network, no frames, no forms), images only
 * as data: URIs, and only the page's own style element and script, by hash; so markup that slipped into
 * the page from a run's files could neither run script nor load anything.
 */
export const REPORT_CSP = `default-src 'none'; img-src data:; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}; base-uri 'none'; form-action 'none'`;

/** Builds the page for one or more run folders. */
export function buildReport(roots: string[]): string {
  const runs = roots.map(readRun);
  const framesByRun = runs.map((r) => r.grids.map((g) => ({ label: g.label, src: g.dataUri })));
  const title = runs.length === 1 ? `ganforge report: ${runs[0].name}` : `ganforge report: ${runs.map((r) => r.name).join(' vs ')}`;
  const fidPoints = (r: RunData) => points(r.evals, 'fid');
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<title>${title}</title>
<style>${trustedHtml(STYLE)}</style></head><body>
<h1>${title}</h1>
<p class="muted">Written by ganforge from metrics.jsonl, config.json and samples/ (${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC).</p>
<div class="charts">
${chart(runs, 'Losses', 'loss', (r) => [stepSeries(r, 'loss_d', 'Loss_D'), stepSeries(r, 'loss_g', 'Loss_G')])}
${chart(runs, 'Discriminator outputs (BCE losses: probabilities, equilibrium 0.5)', 'mean D output', (r) => [stepSeries(r, 'd_x', 'D(x)'), stepSeries(r, 'd_g_z', 'D(G(z))')])}
${chart(runs, 'FID against the held-out data (lower is better)', 'FID', (r) => [{ name: 'FID', points: fidPoints(r) }])}
</div>
<div class="runs">${runs.map(runColumn)}</div>
<script type="application/json" id="frames">${scriptJson(framesByRun)}</script>
<script>${trustedHtml(SCRIPT)}</script>
</body></html>
`;
  return page.toString();
}
