// `ganforge train --nproc N`: N worker processes on this host, each told its place the way torchrun tells it
// (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), with the cores split between them. The launcher
// trains nothing itself: it forwards Ctrl-C once, and when one worker dies it asks the rest to stop and, after
// a grace period, kills them, so the job never hangs on a lost rank.
import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';
import * as os from 'os';

export interface LaunchOptions {
  nproc: number;
  /** The worker's command line after `node`: the CLI script and its arguments, without --nproc. */
  argv: string[];
  /** How long a worker may wait on a collective; the launcher's grace period after a failure is a bit longer. */
  timeoutMs: number;
  /** A fixed rendezvous port (MASTER_PORT); otherwise a free one is picked. */
  port?: number;
  log(line: string): void;
}

/** A TCP port nothing listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Intra-op and BLAS threads per worker: the host's cores shared out, at least one each. */
export function threadsPerWorker(nproc: number, cores = os.availableParallelism()): number {
  return Math.max(1, Math.floor(cores / nproc));
}

/** Prefixes each line a worker prints with its rank, so interleaved output stays readable. */
function relay(stream: NodeJS.ReadableStream | null, rank: number, out: NodeJS.WritableStream): void {
  let pending = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) out.write(`[rank ${rank}] ${line}\n`);
  });
  stream?.on('end', () => pending && out.write(`[rank ${rank}] ${pending}\n`));
}

/** Runs the workers to the end; resolves with the job's exit code (the first failing worker's, else 0 or 130). */
export async function launchLocal(options: LaunchOptions): Promise<number> {
  const port = options.port ?? (await freePort());
  const threads = String(threadsPerWorker(options.nproc));
  const workers: ChildProcess[] = [];
  const exited = new Map<number, number>();
  let failure: { rank: number; code: number } | null = null;
  let interrupted = false;
  let killTimer: NodeJS.Timeout | null = null;

  const signalRest = (signal: NodeJS.Signals) => {
    for (const [rank, worker] of workers.entries()) if (!exited.has(rank)) worker.kill(signal);
  };
  const onSigint = () => {
    // Workers run in their own process groups (detached), so a terminal's Ctrl-C reaches them only through
    // here, exactly once: a second SIGINT would make a worker quit without its checkpoint.
    if (interrupted) return signalRest('SIGKILL');
    interrupted = true;
    options.log('stopping all ranks after this step (Ctrl-C again to kill them at once)');
    signalRest('SIGINT');
  };
  const onSigterm = () => signalRest('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  const done = new Promise<void>((resolve) => {
    for (let rank = 0; rank < options.nproc; rank++) {
      const env = {
        ...process.env,
        RANK: String(rank), WORLD_SIZE: String(options.nproc), LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: String(options.nproc),
        MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port),
        GANFORGE_THREADS: threads, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: '1',
        GANFORGE_LAUNCHER_PID: String(process.pid),
      };
      // Rank 0 owns the terminal (progress bar, log lines); the others' output is relayed with their rank.
      const worker = spawn(process.execPath, options.argv, {
        env, detached: true, stdio: rank === 0 ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
      });
      relay(worker.stdout, rank, process.stdout);
      relay(worker.stderr, rank, process.stderr);
      options.log(`launched rank ${rank} of ${options.nproc} (pid ${worker.pid}, ${threads} threads, rendezvous 127.0.0.1:${port})`);
      workers.push(worker);
      worker.on('exit', (code, signal) => {
        const status = code ?? 128 + (signal ? os.constants.signals[signal] : 0);
        exited.set(rank, status);
        if (status !== 0 && status !== 130 && failure === null) {
          failure = { rank, code: status };
          options.log(`rank ${rank} ended with ${signal ?? `exit code ${code}`}: stopping the other ranks`);
          // The rest notice the lost rank at their next collective; SIGINT asks them to stop cleanly meanwhile,
          // and past the collective timeout nothing they do is worth waiting for.
          signalRest('SIGINT');
          killTimer = setTimeout(() => signalRest('SIGKILL'), options.timeoutMs + 5000);
        }
        if (exited.size === options.nproc) resolve();
      });
    }
  });
  try {
    await done;
  } finally {
    if (killTimer) clearTimeout(killTimer);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
  const failed = failure as { rank: number; code: number } | null;
  if (failed) return failed.code;
  return [...exited.values()].some((code) => code === 130) ? 130 : 0;
}

/**
 * In a worker the launcher started: when the launcher is gone (killed with SIGKILL, so it could not stop the
 * job), stop as after Ctrl-C, with a checkpoint, rather than train on unwatched. Polls once a second.
 */
export function stopWithLauncher(env: NodeJS.ProcessEnv = process.env): void {
  const launcher = Number(env.GANFORGE_LAUNCHER_PID);
  if (!Number.isInteger(launcher) || launcher <= 0) return;
  const timer = setInterval(() => {
    // A detached worker is re-parented when its launcher dies.
    if (process.ppid === launcher) return;
    clearInterval(timer);
    // The launcher relayed this worker's output: its pipes are broken now, and a write to them must not end
    // the worker before its checkpoint.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    process.kill(process.pid, 'SIGINT');
  }, 1000);
  timer.unref();
}
