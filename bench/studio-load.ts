// `node dist/bench/studio-load.js [--requests 10000] [--connections 50] [--window 12]`: the studio under load
// while it trains. It starts `ganforge studio` (a separate process, as a user would) on a temp runs folder,
// starts an MLP-GAN run on the bundled MNIST through the API, keeps a live event stream open on it, and sends
// --requests GETs over --connections keep-alive connections, alternating the runs list and the run's latest
// grid. It prints errors (any status but 200, any socket error), latency percentiles and requests per second,
// and what watching costs the run: its median step time in alternating windows of --window seconds, unwatched
// and watched (a page's two event streams open), with the studio's own CPU time in each. The windows alternate
// on one run because other work on a shared machine moves step times more than watching does.
// Not a test: the numbers depend on the machine and what else runs on it.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { parseRecordLines } from '../src/gan/run-dir';
import { CLI, option } from './common';

const REQUESTS = Number(option('requests', '10000'));
const CONNECTIONS = Number(option('connections', '50'));
const WINDOW_S = Number(option('window', '12'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function stepTimes(run: string, fromStep = 0): number[] {
  const file = path.join(run, 'metrics.jsonl');
  if (!fs.existsSync(file)) return [];
  return parseRecordLines(fs.readFileSync(file, 'utf8'))
    .filter((r) => r.kind === undefined && (r.step as number) > fromStep && (r.step as number) > 20) // past warm-up
    .map((r) => r.step_ms as number);
}

function startStudio(runs: string): Promise<{ child: ChildProcess; url: URL }> {
  const child = spawn(process.execPath, [CLI, 'studio', '--runs', runs, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const url = /open (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url: new URL(url) });
    });
    child.on('exit', (code) => reject(new Error(`the studio exited (${code}) before it printed its URL`)));
  });
}

function get(agent: http.Agent, url: URL, p: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ agent, host: url.hostname, port: url.port, path: p, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

async function post(url: URL, p: string, body: unknown, headers: Record<string, string>): Promise<string> {
  const res = await fetch(new URL(p, url.origin), {
    method: 'POST', body: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json', origin: url.origin },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${p}: ${res.status} ${text}`);
  return text;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ganforge-studio-load-'));
  try {
    const runs = path.join(work, 'runs');
    const { child, url } = await startStudio(runs);
    const token = url.searchParams.get('token')!;
    const headers = { 'x-studio-token': token };
    try {
      await post(url, '/api/runs', { name: 'load', config: { model: 'mlp', dataset: 'mnist', steps: 1_000_000, metricsEvery: 1, logEvery: 1000, seed: 1 } }, headers);
      const run = path.join(runs, 'load');
      while (!fs.existsSync(path.join(run, 'samples.png')) || stepTimes(run).length < 20) await sleep(200);
      // What a page watching the run costs: its event stream and the runs list's, on and off.
      const lastStep = () => Math.max(0, ...parseRecordLines(fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')).map((r) => r.step as number));
      const cpuSeconds = () => {
        const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in ticks of USER_HZ (100 on Linux)
      };
      for (let round = 0; round < 2; round++) {
        for (const watched of [false, true]) {
          const streams = watched ? ['/api/runs/load/events', '/api/events'].map((p) => http.get({ host: url.hostname, port: url.port, path: p, headers }, (res) => res.resume())) : [];
          const from = lastStep(), cpu0 = cpuSeconds();
          await sleep(WINDOW_S * 1000);
          const times = stepTimes(run, from);
          console.log(`${watched ? 'watched  ' : 'unwatched'}: median step ${median(times).toFixed(1)} ms over ${times.length} steps; studio CPU ${(cpuSeconds() - cpu0).toFixed(2)} s in ${WINDOW_S} s`);
          streams.forEach((w) => w.destroy());
        }
      }
      const watchers = ['/api/runs/load/events', '/api/events'].map((p) => http.get({ host: url.hostname, port: url.port, path: p, headers }, (res) => res.resume()));
      const fromStep = lastStep();

      const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
      const paths = ['/api/runs', '/api/runs/load/grids/samples.png'];
      const latencies: number[] = [];
      let errors = 0, next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
        while (next < REQUESTS) {
          const p = paths[next++ % paths.length];
          const t0 = performance.now();
          try {
            if ((await get(agent, url, p, headers)) !== 200) errors++;
          } catch {
            errors++;
          }
          latencies.push(performance.now() - t0);
        }
      }));
      const seconds = (performance.now() - started) / 1000;
      agent.destroy();
      const underLoad = median(stepTimes(run, fromStep));
      watchers.forEach((w) => w.destroy());
      await post(url, '/api/runs/load/stop', {}, headers);

      latencies.sort((a, b) => a - b);
      const ms = (v: number) => `${v.toFixed(1)} ms`;
      console.log(`${latencies.length} requests over ${CONNECTIONS} connections in ${seconds.toFixed(1)} s (${(latencies.length / seconds).toFixed(0)}/s) while training: ${errors} errors`);
      console.log(`latency p50 ${ms(percentile(latencies, 50))}, p90 ${ms(percentile(latencies, 90))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1)!)}`);
      console.log(`median step while the studio answers the load: ${underLoad.toFixed(1)} ms (the load client shares the cores)`);
      if (errors > 0) process.exitCode = 1;
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
