// `npm run bench:dist`: data-parallel throughput and communication on this host.
//   1. `ganforge train` at 1 and 2 processes (--nproc, cores split), global batch 64: median ms/step, images/s,
//      and sync_ms, the time per step spent in the gradient all-reduces (waiting for the other rank included);
//   2. the same two ranks started as separate "hosts" (--world-size/--rank/--master): on loopback, and, when this
//      process may create network namespaces (root, `ip netns`), in two namespaces joined by a veth pair, with
//      an optional netem shaping of the link (--netem "rate 1gbit delay 0.1ms") to stand for a real network;
//   3. the bare all-reduce (average) of float32 buffers at 2 ranks, from 256 KiB to 64 MiB, and of each model's
//      gradients, for the scaling estimate in the README.
//
//   npm run bench:dist                         mlp and dcgan, 60 and 16 timed steps
//   npm run bench:dist -- --steps 100 --models mlp --netem "rate 1gbit delay 0.1ms"
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from '../src/dist/launch';
import { modelFamily } from '../src/gan/registry';
import type { AdversarialFamily } from '../src/gan/adversarial';
import { CLI, option, ROOT, simdFlags } from './common';

const STEPS = Number(option('steps', '60'));
const MODELS = option('models', 'mlp,dcgan').split(',');
const NETEM = option('netem', '');
const WARMUP = 5;
const BATCH = 64;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function cpuFlags(): string {
  const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(info)?.[1] ?? 'unknown CPU';
  return `${model}; ${os.availableParallelism()} cores; flags ${simdFlags()}`;
}

interface Timing { stepMs: number; syncMs: number | null; imagesPerS: number }

/** Median step and sync times of a finished run (rank 0's metrics.jsonl), past the warm-up steps. */
function timing(out: string): Timing {
  const records = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.step > WARMUP);
  const stepMs = median(records.map((r) => r.step_ms));
  const sync = records.map((r) => r.sync_ms).filter((v) => v !== undefined);
  return { stepMs, syncMs: sync.length ? median(sync) : null, imagesPerS: (BATCH * 1000) / stepMs };
}

function trainArgs(model: string, steps: number, out: string): string[] {
  return ['train', '--model', model, '--dataset', 'mnist', '--steps', String(steps + WARMUP), '--batch-size', String(BATCH),
    '--metrics-every', '1', '--log-every', '100000', '--out', out, ...(model === 'dcgan' ? ['--width', '32'] : [])];
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): void {
  execFileSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
}

/** Runs `commands` (argv arrays) at once; resolves when all have exited 0. */
function together(commands: { argv: string[]; env: NodeJS.ProcessEnv }[]): Promise<void> {
  return Promise.all(commands.map(({ argv, env }) => new Promise<void>((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.slice(0, 4).join(' ')} … exited ${code}`))));
  }))).then(() => undefined);
}

const workerEnv = (threads: number) => ({ GANFORGE_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: '1' });

/** Two ranks started as two "hosts": separate processes that meet at --master, optionally inside namespaces. */
async function twoHosts(model: string, steps: number, out: string, net: Netns | null): Promise<void> {
  const port = await freePort();
  const master = net ? `${net.addresses[0]}:${port}` : `127.0.0.1:${port}`;
  const threads = Math.max(1, Math.floor(os.availableParallelism() / 2));
  await together([0, 1].map((rank) => {
    const node = [process.execPath, CLI, ...trainArgs(model, steps, out), '--world-size', '2', '--rank', String(rank), '--master', master];
    const argv = net ? ['ip', 'netns', 'exec', net.names[rank], ...node] : node;
    return { argv, env: { ...workerEnv(threads), ...(net ? { GLOO_SOCKET_IFNAME: net.devices[rank] } : {}) } };
  }));
}

interface Netns { names: string[]; devices: string[]; addresses: string[]; remove(): void }

/** Two network namespaces joined by a veth pair (10.77.0.1 ↔ 10.77.0.2), or null where this is not allowed. */
function makeNetns(): Netns | null {
  const names = ['gf-bench-h0', 'gf-bench-h1'], devices = ['gf-veth0', 'gf-veth1'], addresses = ['10.77.0.1', '10.77.0.2'];
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const remove = () => names.forEach((n) => { try { ip('netns', 'del', n); } catch { /* already gone */ } });
  try {
    remove();
    names.forEach((n) => ip('netns', 'add', n));
    ip('link', 'add', devices[0], 'type', 'veth', 'peer', 'name', devices[1]);
    for (let k = 0; k < 2; k++) {
      ip('link', 'set', devices[k], 'netns', names[k]);
      ip('-n', names[k], 'addr', 'add', `${addresses[k]}/24`, 'dev', devices[k]);
      ip('-n', names[k], 'link', 'set', devices[k], 'up');
      ip('-n', names[k], 'link', 'set', 'lo', 'up');
      if (NETEM) execFileSync('tc', ['-n', names[k], 'qdisc', 'add', 'dev', devices[k], 'root', 'netem', ...NETEM.split(/\s+/)]);
    }
    return { names, devices, addresses, remove };
  } catch (err) {
    remove();
    console.log(`(no network namespaces here: ${(err as Error).message.split('\n')[0]})`);
    return null;
  }
}

/** Median ms of the 2-rank all-reduce (average) of float32 buffers of each size. */
async function allReduceTimes(sizes: number[]): Promise<Record<string, number>> {
  const port = await freePort();
  const worker = path.join(ROOT, 'dist', 'bench', 'dist-allreduce-worker.js');
  let out = '';
  await Promise.all([0, 1].map((rank) => new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [worker, '127.0.0.1', String(port), String(rank), '2', '15', sizes.join(',')], {
      stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...workerEnv(1) },
    });
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`all-reduce worker exited ${code}`))));
  })));
  return JSON.parse(out);
}

function gradientElements(model: string): number {
  const family = modelFamily(model) as AdversarialFamily;
  const size = family.parts.stateSize({ imageShape: [1, 28, 28], latentDim: 100, numClasses: 0, width: model === 'dcgan' ? 32 : null });
  return size.generator + size.discriminator;
}

async function main(): Promise<void> {
  console.log(`ganforge data-parallel bench — ${cpuFlags()}`);
  console.log(`global batch ${BATCH}, ${STEPS} timed steps after ${WARMUP} (dcgan: a quarter), bundled MNIST 28×28\n`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ganforge-bench-dist-'));
  const net = makeNetns();
  try {
    console.log('| model | setting | ms/step | images/s | sync ms/step (gradient all-reduce) |');
    console.log('|---|---|---|---|---|');
    for (const model of MODELS) {
      const steps = model === 'dcgan' ? Math.max(4, Math.round(STEPS / 4)) : STEPS;
      const row = (setting: string, out: string) => {
        const t = timing(out);
        console.log(`| ${model} | ${setting} | ${t.stepMs.toFixed(1)} | ${t.imagesPerS.toFixed(0)} | ${t.syncMs === null ? '–' : t.syncMs.toFixed(1)} |`);
      };
      const dir = (name: string) => path.join(root, `${model}-${name}`);
      runCli(trainArgs(model, steps, dir('1')));
      row('1 process', dir('1'));
      runCli([...trainArgs(model, steps, dir('2')), '--nproc', '2']);
      row('--nproc 2 (32 images per rank)', dir('2'));
      await twoHosts(model, steps, dir('hosts'), null);
      row('2 "hosts" on loopback (--world-size/--rank/--master)', dir('hosts'));
      if (net) {
        await twoHosts(model, steps, dir('netns'), net);
        row(`2 network namespaces over veth${NETEM ? ` (netem ${NETEM})` : ''}`, dir('netns'));
      }
    }
    const sizes = [1 << 16, 1 << 18, 1 << 20, 1 << 22, 1 << 24];
    const models = MODELS.map((m) => [m, gradientElements(m)] as const);
    const times = await allReduceTimes([...sizes, ...models.map(([, n]) => n)]);
    console.log('\n| all-reduce (average), 2 ranks, loopback | MiB | ms | algorithm bandwidth 2(p−1)/p·bytes/t |');
    console.log('|---|---|---|---|');
    const line = (label: string, n: number) => {
      const mib = (n * 4) / 2 ** 20, ms = times[n];
      console.log(`| ${label} | ${mib.toFixed(1)} | ${ms.toFixed(2)} | ${((n * 4) / (ms / 1000) / 1e9).toFixed(2)} GB/s |`);
    };
    for (const n of sizes) line(`${n} floats`, n);
    for (const [model, n] of models) line(`${model}: G + D gradients (${(n / 1e6).toFixed(2)} M)`, n);
  } finally {
    net?.remove();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
