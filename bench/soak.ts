// `npm run soak -- [--steps 20000] [--every 500] [--warmup 2000] [--model mlp] [--out runs/soak]`: a long run of
// one model through the real CLI, watching for leaks. Every --every steps the trainer records the process's
// resident memory (rss_mib) and the live native tensors (live_tensors) in metrics.jsonl; this script prints
// them as a table, draws them (soak-memory.svg, soak-tensors.svg in --out) and says whether they stay flat
// after the warm-up: live tensors exactly, and resident memory grows by at most 5% (the median of the last five
// records against the median of the first five after the warm-up; RSS also falls and rises as the allocator
// returns memory, which is not a leak, so the range is printed but not judged). Exit 1 when they do not.
// `--run DIR` analyses an earlier soak's run folder instead of training again.
// Not a test: 20,000 MLP-GAN steps take 8–15 minutes on a 2-core machine.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../src/io/atomic';
import { lineChartSvg } from '../src/io/plot';
import { CLI, option, simdFlags } from './common';

/** Allowed growth of resident memory after the warm-up, as a fraction of its level just after it. */
const RSS_TOLERANCE = 0.05;

interface Sample { step: number; rssMiB: number; liveTensors: number; stepMs: number }

function readSamples(runDir: string): Sample[] {
  return fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((r) => r.kind === undefined && typeof r.rss_mib === 'number')
    .map((r) => ({ step: r.step as number, rssMiB: r.rss_mib as number, liveTensors: r.live_tensors as number, stepMs: r.step_ms as number }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function main(): void {
  const steps = option('steps', '20000');
  const every = option('every', '500');
  const warmup = Number(option('warmup', '2000'));
  const model = option('model', 'mlp');
  const out = path.resolve(option('out', path.join('runs', 'soak')));
  const earlier = option('run', '');
  const run = earlier ? path.resolve(earlier) : path.join(out, 'run');
  fs.mkdirSync(out, { recursive: true });
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`soak: ganforge train --model ${model} --steps ${steps} (records every ${every} steps) on ${os.cpus().length}× ${cpu} [${simdFlags()}]`);
  const started = Date.now();
  if (!earlier) {
    fs.rmSync(run, { recursive: true, force: true });
    execFileSync(process.execPath, [CLI, 'train', '--model', model, '--steps', steps, '--metrics-every', every, '--log-every', String(Number(steps) / 10), '--out', run],
      { stdio: 'inherit' });
  }
  const minutes = (Date.now() - started) / 60_000;

  const samples = readSamples(run);
  if (samples.length === 0) throw new Error(`${run}/metrics.jsonl has no rss_mib records`);
  console.log(`\n${'step'.padStart(7)}  ${'RSS MiB'.padStart(8)}  ${'live tensors'.padStart(12)}  ${'ms/step'.padStart(8)}`);
  for (const s of samples) {
    console.log(`${String(s.step).padStart(7)}  ${s.rssMiB.toFixed(1).padStart(8)}  ${String(s.liveTensors).padStart(12)}  ${s.stepMs.toFixed(1).padStart(8)}`);
  }
  const settled = samples.filter((s) => s.step > warmup);
  const rss = settled.map((s) => s.rssMiB);
  const growth = rss.length >= 10 ? median(rss.slice(-5)) / median(rss.slice(0, 5)) - 1 : NaN;
  const tensors = new Set(settled.map((s) => s.liveTensors));
  const flat = growth <= RSS_TOLERANCE && tensors.size === 1;
  console.log(`\nafter step ${warmup}: resident memory ${Math.min(...rss).toFixed(1)}–${Math.max(...rss).toFixed(1)} MiB, ` +
    `growth ${(growth * 100).toFixed(1)}% (median of the last 5 records over the first 5; allowed ${RSS_TOLERANCE * 100}%), ` +
    `live tensors ${[...tensors].join(', ')}; ${samples.at(-1)!.step} steps${earlier ? '' : ` in ${minutes.toFixed(1)} min`} → ${flat ? 'FLAT' : 'NOT FLAT'}`);

  const chart = (title: string, yLabel: string, name: string, pick: (s: Sample) => number) =>
    lineChartSvg({ title, xLabel: 'step', yLabel, series: [{ name, points: samples.map((s) => [s.step, pick(s)] as [number, number]) }] });
  writeFileAtomic(path.join(out, 'soak-memory.svg'), chart(`Resident memory over ${steps} ${model} steps`, 'MiB', 'RSS', (s) => s.rssMiB));
  writeFileAtomic(path.join(out, 'soak-tensors.svg'), chart(`Live native tensors over ${steps} ${model} steps`, 'tensors', 'live tensors', (s) => s.liveTensors));
  console.log(`charts: ${path.join(out, 'soak-memory.svg')}, ${path.join(out, 'soak-tensors.svg')}`);
  process.exitCode = flat ? 0 : 1;
}

main();
