// The run report: one self-contained HTML page (no external files, no network) with the config, the curves
// (losses, D outputs, FID), the grids across epochs, a timelapse, the final scores and every alarm. Given
// several runs it shows them side by side, with their curves overlaid.
import * as fs from 'fs';
import * as path from 'path';
import { RunDir } from '../gan/run-dir';
import { escapeXml, lineChartSvg, Series } from '../io/plot';

interface RunData {
  name: string;
  dir: RunDir;
  config: Record<string, unknown>;
  steps: Record<string, number>[];
  evals: Record<string, unknown>[];
  alarms: Record<string, unknown>[];
  grids: { label: string; dataUri: string }[];
}

const MAX_THUMBNAILS = 12;

function readRun(root: string): RunData {
  const dir = new RunDir(root);
  if (!fs.existsSync(dir.configPath)) throw new Error(`${root} is not a ganforge run (no config.json)`);
  const epochGrids = fs.existsSync(dir.samplesDir)
    ? fs.readdirSync(dir.samplesDir).filter((f) => /^epoch-\d+\.png$/.test(f)).sort()
    : [];
  const grids = epochGrids.map((f) => ({
    label: `epoch ${Number(f.slice(6, 10))}`,
    dataUri: `data:image/png;base64,${fs.readFileSync(path.join(dir.samplesDir, f)).toString('base64')}`,
  }));
  if (fs.existsSync(dir.latestGridPath) && (grids.length === 0 || !fs.readFileSync(dir.latestGridPath).equals(Buffer.from(grids.at(-1)!.dataUri.split(',')[1], 'base64')))) {
    grids.push({ label: 'final', dataUri: `data:image/png;base64,${fs.readFileSync(dir.latestGridPath).toString('base64')}` });
  }
  return {
    name: path.basename(path.resolve(root)),
    dir,
    config: JSON.parse(fs.readFileSync(dir.configPath, 'utf8')),
    steps: dir.readMetrics() as unknown as Record<string, number>[],
    evals: dir.readRecordsOfKind('eval'),
    alarms: dir.readRecordsOfKind('alarm'),
    grids,
  };
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (Array.isArray(v)) return v.length ? v.join(', ') : '—';
  return v === null || v === undefined ? '—' : String(v);
}

function chart(runs: RunData[], title: string, yLabel: string, pick: (r: RunData) => Series[]): string {
  const series = runs.flatMap((r) => pick(r).map((s) => ({ ...s, name: runs.length > 1 ? `${r.name}: ${s.name}` : s.name })));
  if (series.every((s) => s.points.length === 0)) return '';
  return `<figure>${lineChartSvg({ title, xLabel: 'step', yLabel, series, width: 600, height: 280 })}</figure>`;
}

function stepSeries(run: RunData, key: string, name: string): Series {
  return { name, points: run.steps.map((r) => [r.step, r[key]] as [number, number]) };
}

function finalScores(run: RunData): string {
  const last = run.evals.at(-1);
  if (!last) return '<p class="muted">No evaluation yet: run <code>ganforge eval --checkpoint</code> on this run, or train with <code>--eval-every N</code>.</p>';
  const protocol = last.protocol as Record<string, unknown> & { extractor: Record<string, unknown> };
  const rows: [string, unknown][] = [
    ['step', last.step], ['FID', last.fid], ['KID', last.kid], ['Inception-style score', last.is], ['precision', last.precision],
    ['recall', last.recall], ['coverage entropy', last.coverage_entropy], ['missing classes', last.missing_classes],
  ];
  const shares = last.class_shares as number[] | null;
  const bars = shares ? `<div class="shares">${shares.map((s, i) => `<div title="class ${i}: ${(s * 100).toFixed(1)}%"><span style="height:${Math.min(100, s * 400)}%"></span><em>${i}</em></div>`).join('')}</div>` : '';
  return `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${escapeXml(fmt(v))}</td></tr>`).join('')}</table>${bars}
<p class="muted">Protocol: ${escapeXml(String(protocol.sampleCount))} samples vs ${escapeXml(String(protocol.referenceCount))} reference images (${escapeXml(String(protocol.reference))});
features: ${escapeXml(protocol.extractor.kind === 'classifier' ? `ganforge CNN classifier, held-out accuracy ${((protocol.extractor.accuracy as number) * 100).toFixed(2)}%` : `ONNX ${protocol.extractor.file}`)}.</p>`;
}

function runColumn(run: RunData, index: number): string {
  const c = run.config;
  const keys = ['recipe', 'model', 'dataset', 'loss', 'epochs', 'steps', 'batchSize', 'lrG', 'lrD', 'beta1', 'beta2', 'dSteps', 'emaDecay', 'labelSmoothing', 'seed', 'imageShape'];
  const last = run.steps.at(-1);
  const thumbs = run.grids.filter((_, i, all) => all.length <= MAX_THUMBNAILS || i % Math.ceil(all.length / MAX_THUMBNAILS) === 0 || i === all.length - 1);
  const alarms = run.alarms.length
    ? `<ul class="alarms">${run.alarms.map((a) => `<li><b>step ${a.step}: ${escapeXml(String(a.alarm))}</b> — ${escapeXml(String(a.message))}<br><span class="muted">try: ${escapeXml(String(a.remedy))}</span></li>`).join('')}</ul>`
    : '<p class="muted">No alarms.</p>';
  return `<section class="run">
<h2>${escapeXml(run.name)}</h2>
<p class="muted">${last ? `${last.step} steps, ${fmt(last.elapsed_s)} s` : 'no steps recorded'}</p>
<h3>Latest samples</h3>
${run.grids.length ? `<img class="grid" src="${run.grids.at(-1)!.dataUri}" alt="latest samples">` : '<p class="muted">no grids</p>'}
<h3>Timelapse</h3>
${run.grids.length > 1 ? `<div class="timelapse" data-run="${index}"><img alt="timelapse"><input type="range" min="0" max="${run.grids.length - 1}" value="0"><span></span></div>` : '<p class="muted">one grid so far</p>'}
<h3>Final scores</h3>
${finalScores(run)}
<h3>Alarms</h3>
${alarms}
<h3>Grids across epochs</h3>
<div class="thumbs">${thumbs.map((g) => `<figure><img src="${g.dataUri}" alt="${g.label}"><figcaption>${g.label}</figcaption></figure>`).join('')}</div>
<h3>Config</h3>
<table>${keys.filter((k) => k in c).map((k) => `<tr><th>${k}</th><td>${escapeXml(fmt(c[k]))}</td></tr>`).join('')}</table>
</section>`;
}

/** Builds the page for one or more run folders. */
export function buildReport(roots: string[]): string {
  const runs = roots.map(readRun);
  const framesByRun = runs.map((r) => r.grids.map((g) => ({ label: g.label, src: g.dataUri })));
  const title = runs.length === 1 ? `ganforge report: ${runs[0].name}` : `ganforge report: ${runs.map((r) => r.name).join(' vs ')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; background: #fafafa; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 0; } h3 { font-size: 14px; margin: 18px 0 6px; color: #555; }
.runs { display: grid; grid-template-columns: repeat(${runs.length}, minmax(320px, 1fr)); gap: 20px; }
.run { background: white; padding: 16px; border: 1px solid #ddd; border-radius: 6px; }
.grid { width: 100%; max-width: 484px; image-rendering: pixelated; border: 1px solid #ccc; }
.thumbs { display: flex; flex-wrap: wrap; gap: 6px; } .thumbs figure { margin: 0; text-align: center; font-size: 11px; }
.thumbs img { width: 96px; image-rendering: pixelated; }
.timelapse img { width: 100%; max-width: 320px; display: block; image-rendering: pixelated; } .timelapse input { width: 240px; }
table { border-collapse: collapse; } th { text-align: left; padding: 2px 12px 2px 0; font-weight: 600; } td { padding: 2px 0; }
.muted { color: #777; } .alarms li { margin-bottom: 6px; color: #a33; }
.shares { display: flex; align-items: flex-end; height: 60px; gap: 3px; margin-top: 8px; }
.shares div { width: 18px; height: 100%; display: flex; flex-direction: column; justify-content: flex-end; align-items: center; }
.shares span { display: block; width: 100%; background: #1f77b4; } .shares em { font-size: 10px; font-style: normal; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; } figure { margin: 0; }
</style></head><body>
<h1>${escapeXml(title)}</h1>
<p class="muted">Written by ganforge from metrics.jsonl, config.json and samples/ (${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC).</p>
<div class="charts">
${chart(runs, 'Losses', 'loss', (r) => [stepSeries(r, 'loss_d', 'Loss_D'), stepSeries(r, 'loss_g', 'Loss_G')])}
${chart(runs, 'Discriminator outputs (BCE losses: probabilities, equilibrium 0.5)', 'mean D output', (r) => [stepSeries(r, 'd_x', 'D(x)'), stepSeries(r, 'd_g_z', 'D(G(z))')])}
${chart(runs, 'FID against the held-out data (lower is better)', 'FID', (r) => [{ name: 'FID', points: r.evals.filter((e) => typeof e.fid === 'number').map((e) => [e.step, e.fid as number] as [number, number]) }])}
</div>
<div class="runs">${runs.map(runColumn).join('\n')}</div>
<script>
// The timelapse: a slider over each run's grids, playing once on load.
const frames = ${JSON.stringify(framesByRun)};
document.querySelectorAll('.timelapse').forEach((box) => {
  const list = frames[Number(box.dataset.run)];
  const img = box.querySelector('img'), slider = box.querySelector('input'), label = box.querySelector('span');
  const show = (i) => { img.src = list[i].src; label.textContent = ' ' + list[i].label; slider.value = i; };
  slider.addEventListener('input', () => show(Number(slider.value)));
  let i = 0;
  show(0);
  const timer = setInterval(() => { i += 1; if (i >= list.length) { clearInterval(timer); return; } show(i); }, 400);
});
</script>
</body></html>
`;
}
