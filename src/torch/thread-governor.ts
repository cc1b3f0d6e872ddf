// How many intra-op threads a training run uses while other processes share the machine. A family that asks
// for two threads (the conv GAN) is ~1.7× faster with them on an idle 2-core machine, and ~1.7× slower with them
// when other work keeps the cores busy (measured: conv GAN at load 14 on 2 cores, 4,100 vs 2,365 ms/step): two
// threads that each get a fraction of a core wait on each other at every parallel loop's barrier. So the count
// follows the cores that other processes leave free, re-read every few seconds from /proc/stat (Linux): the
// machine's busy time minus this process's own CPU time is what the others use. Time of niced processes
// (/proc/stat's `nice` column) counts as free while this process is not niced itself: the scheduler runs them only
// when our threads leave a core idle (a nice-19 job gets ~1.5% of a core beside one at nice 0), so they cost our
// threads no barrier waits, and `nice -n 19 make` beside a run must not halve its threads. GANFORGE_THREADS fixes
// the count and turns this off, as does a family that wants one thread (nothing to take away).
//
// The thread count can change a convolution's float rounding (oneDNN splits its reductions by thread), so a run
// whose count changed is not bit-identical to one whose count did not; every change is logged.
import * as fs from 'fs';
import * as os from 'os';
import { numThreads, setNumThreads } from './create';
import { THREADS_OVERRIDE } from './native';

/** The machine's CPU time so far (in clock ticks, summed over cores), split into busy and idle. */
export interface CpuTimes {
  busy: number;
  idle: number;
}

/**
 * The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal …; idle and iowait count
 * as idle, the rest (guest time is already inside user) as busy, but for niced processes' time, which counts as
 * idle when `nicedIsIdle` (see the top of this file). Null when the text has no such line.
 */
export function parseProcStat(text: string, nicedIsIdle = false): CpuTimes | null {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) return null;
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 4 || fields.some((v) => !Number.isFinite(v) || v < 0)) return null;
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const other = user + system + irq + softirq + steal;
  return nicedIsIdle ? { busy: other, idle: idle + iowait + nice } : { busy: other + nice, idle: idle + iowait };
}

/** One reading: the machine's CPU times and this process's own CPU time (µs), or null where /proc/stat is not. */
export interface LoadReading {
  machine: CpuTimes;
  ownMicros: number;
}

export function readLoad(): LoadReading | null {
  let text: string;
  try {
    text = fs.readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  // A niced run's own time is in the nice column too, and it yields to everyone else's: count it all as busy.
  const machine = parseProcStat(text, os.getPriority() <= 0);
  if (!machine) return null;
  const own = process.cpuUsage();
  return { machine, ownMicros: own.user + own.system };
}

/**
 * Cores that other processes kept busy between two readings `wallMs` apart: the machine's busy share of all
 * cores, less this process's own use. Never below 0 or above `cores`.
 */
export function othersBusyCores(before: LoadReading, after: LoadReading, wallMs: number, cores: number): number {
  const busy = after.machine.busy - before.machine.busy;
  const total = busy + after.machine.idle - before.machine.idle;
  if (!(total > 0) || !(wallMs > 0)) return 0;
  const machineBusy = (busy / total) * cores;
  const own = (after.ownMicros - before.ownMicros) / 1000 / wallMs;
  return Math.min(cores, Math.max(0, machineBusy - own));
}

/**
 * The thread count for `freeCores` cores left by other processes, at most `preferred` and at least 1. A core
 * counts once it is three-quarters free, so a machine that is idle but for a few background ticks still gets
 * every thread, and one where others hold about a core gives it up.
 */
export function threadsForFreeCores(freeCores: number, preferred: number): number {
  return Math.max(1, Math.min(preferred, Math.floor(freeCores + 0.25)));
}

export interface GovernorOptions {
  /** How often the count is reconsidered (default: 5 s). */
  intervalMs?: number;
  cores?: number;
  read?: () => LoadReading | null;
  now?: () => number;
  setThreads?: (n: number) => void;
}

/** A change of the thread count, for the run's log. */
export interface ThreadChange {
  from: number;
  to: number;
  othersBusy: number;
  cores: number;
}

/**
 * Follows the free cores during a run: `afterStep()` is cheap (a clock read) until the interval has passed,
 * then reads the load once and sets the count. The first decision comes one interval in, from a full interval's
 * reading; a run starts with the family's count.
 */
export class ThreadGovernor {
  readonly #preferred: number;
  readonly #intervalMs: number;
  readonly #cores: number;
  readonly #read: () => LoadReading | null;
  readonly #now: () => number;
  readonly #setThreads: (n: number) => void;
  #current: number;
  #last: { reading: LoadReading; at: number } | null;

  constructor(preferred: number, options: GovernorOptions = {}) {
    this.#preferred = preferred;
    this.#intervalMs = options.intervalMs ?? 5000;
    this.#cores = options.cores ?? os.availableParallelism();
    this.#read = options.read ?? readLoad;
    this.#now = options.now ?? (() => performance.now());
    this.#setThreads = options.setThreads ?? setNumThreads;
    this.#current = preferred;
    const reading = this.#read();
    this.#last = reading && { reading, at: this.#now() };
  }

  /** Whether there is anything to govern: more than one thread wanted, and a load to read. */
  get active(): boolean {
    return this.#preferred > 1 && this.#last !== null;
  }

  get threads(): number {
    return this.#current;
  }

  /** Reconsiders the count when an interval has passed; returns the change, if it made one. */
  afterStep(): ThreadChange | null {
    if (!this.active) return null;
    const now = this.#now();
    const last = this.#last!;
    if (now - last.at < this.#intervalMs) return null;
    const reading = this.#read();
    if (!reading) return null;
    this.#last = { reading, at: now };
    const othersBusy = othersBusyCores(last.reading, reading, now - last.at, this.#cores);
    const wanted = threadsForFreeCores(this.#cores - othersBusy, this.#preferred);
    if (wanted === this.#current) return null;
    const change = { from: this.#current, to: wanted, othersBusy, cores: this.#cores };
    this.#current = wanted;
    this.#setThreads(wanted);
    return change;
  }
}

/**
 * The governor for a run that has just set its family's thread count; null when GANFORGE_THREADS fixes the
 * count, the family wants one thread, or the load cannot be read.
 */
export function governRunThreads(): ThreadGovernor | null {
  if (THREADS_OVERRIDE !== null) return null;
  const governor = new ThreadGovernor(numThreads());
  return governor.active ? governor : null;
}

/** The log line for a change. */
export function describeThreadChange(change: ThreadChange): string {
  const direction = change.to < change.from ? 'other processes keep' : 'other processes now keep only';
  return `threads: ${change.from} → ${change.to} (${direction} ${change.othersBusy.toFixed(1)} of ${change.cores} cores busy)`;
}
