// Training runs the studio started: `ganforge train` as child processes, spawned with an argument array (no
// shell ever sees a user's text). Stop sends SIGINT, which `train` answers by finishing the step and writing
// its checkpoint (a second SIGINT would make it quit at once, so only one is sent).
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HttpError } from './paths';

const CLI = path.join(__dirname, '..', 'cli', 'main.js');
/** The machine's cores are better spent on a few runs than shared thin by many. */
export const MAX_RUNNING = 4;
const LOG_LINES = 200;

export interface ProcessState {
  running: boolean;
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  log: string[];
}

interface Managed {
  child: ChildProcess;
  state: ProcessState;
  exited: Promise<void>;
}

export class TrainerProcesses {
  #runs = new Map<string, Managed>();

  running(): number {
    return [...this.#runs.values()].filter((m) => m.state.running).length;
  }

  state(folder: string): ProcessState | null {
    return this.#runs.get(folder)?.state ?? null;
  }

  /**
   * Starts `ganforge train ARGS` for the run in `folder`; `config` (already checked) goes to a private temp
   * file passed as --config and removed when the run ends.
   */
  start(folder: string, args: string[], config?: Record<string, unknown>): ProcessState {
    if (this.#runs.get(folder)?.state.running) throw new HttpError(409, 'this run is training already');
    if (this.running() >= MAX_RUNNING) throw new HttpError(429, `at most ${MAX_RUNNING} runs train at once from the studio`);
    let tempDir: string | null = null;
    const argv = [CLI, 'train', '--out', folder, ...args];
    if (config) {
      tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ganforge-studio-'));
      const file = path.join(tempDir, 'config.json');
      fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
      argv.push('--config', file);
    }
    // Its own process group: a Ctrl-C in the studio's terminal must not reach the run directly, since the
    // studio then stops it with one SIGINT itself, and a second would make it quit without its checkpoint.
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, detached: true });
    const state: ProcessState = { running: true, pid: child.pid ?? null, exitCode: null, signal: null, log: [] };
    const keep = (chunk: Buffer) => {
      // A progress bar redraws with \r: keep the last drawing of each line.
      for (const line of chunk.toString('utf8').split('\n')) {
        const shown = line.split('\r').at(-1)!.trimEnd();
        if (shown !== '') state.log.push(shown.slice(0, 500));
      }
      state.log.splice(0, Math.max(0, state.log.length - LOG_LINES));
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<void>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        state.running = false;
        state.exitCode = code;
        state.signal = signal;
        if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
        resolve();
      };
      child.on('exit', done);
      child.on('error', (err) => {
        state.log.push(`could not start: ${err.message}`);
        done(null, null);
      });
    });
    this.#runs.set(folder, { child, state, exited });
    return state;
  }

  /** Asks the run to stop after its step (it writes a checkpoint); resolves once it has exited. */
  async stop(folder: string): Promise<ProcessState> {
    const managed = this.#runs.get(folder);
    if (!managed?.state.running) throw new HttpError(409, 'this run is not training from this studio');
    managed.child.kill('SIGINT');
    await managed.exited;
    return managed.state;
  }

  /** On shutdown: every run stops as Ctrl-C would stop it, with its checkpoint. */
  async stopAll(): Promise<void> {
    const live = [...this.#runs.values()].filter((m) => m.state.running);
    live.forEach((m) => m.child.kill('SIGINT'));
    await Promise.all(live.map((m) => m.exited));
  }
}
