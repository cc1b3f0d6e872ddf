// Alarms during training: the failures GAN users fight, noticed as they happen rather than found in the
// grids afterwards. Each alarm says what was seen and what to try.
//   discriminator-wins  D(G(z)) → 0 while D(x) → 1 and Loss_G climbs: G is starved of gradient.
//   divergence          a loss jumps far beyond its recent range.
//   mode-collapse       two evaluations in a row find classes missing or the class spread collapsed.
import type { OptionNamer } from '../errors';
import type { Coverage } from './coverage';

export type AlarmKind = 'discriminator-wins' | 'divergence' | 'mode-collapse';

export interface Alarm {
  step: number;
  alarm: AlarmKind;
  message: string;
  /** What to try, naming config keys as they are (lrD, emaDecay); see alarmRemedy for other spellings. */
  remedy: string;
}

export interface StepRecord {
  step: number;
  loss_d: number;
  loss_g: number;
  d_x: number;
  d_g_z: number;
}

// Remedies name the config keys to change through `name`, so each front end shows its own spelling (the CLI: flags).
const REMEDIES: Record<AlarmKind, (name: OptionNamer) => string> = {
  'discriminator-wins': (name) => `lower D's learning rate (${name('lrD')}), smooth real labels (${name('labelSmoothing')} 0.1), keep the non-saturating loss, or weaken D (${name('width')})`,
  divergence: (name) => `lower the learning rates (${name('lr')}), use ${name('loss')} wgan-gp or hinge, or a smaller β1 (${name('beta1')} 0.5)`,
  'mode-collapse': (name) => `${name('loss')} hinge or wgan-gp, a lower learning rate, a larger batch, ${name('dSteps')} 2, or sample from a weight average (${name('emaDecay')} 0.999)`,
};

/** What to try against an alarm, with each config key it mentions named by `name` (by default the key itself). */
export function alarmRemedy(kind: AlarmKind, name: OptionNamer = (key) => key): string {
  return REMEDIES[kind](name);
}

const WINDOW = 20;

export class AlarmMonitor {
  readonly #recent: StepRecord[] = [];
  readonly #active = new Set<AlarmKind>();
  #collapsedEvals = 0;

  /** `probabilistic`: D's outputs are probabilities (BCE losses), so D(x) and D(G(z)) have fixed meanings. */
  constructor(readonly probabilistic: boolean) {}

  /** Call with every metrics record; returns the alarms that start firing at this record. */
  observeStep(record: StepRecord): Alarm[] {
    const earlier = this.#recent.slice();
    this.#recent.push(record);
    if (this.#recent.length > 5 * WINDOW) this.#recent.shift();
    const window = this.#recent.slice(-WINDOW);
    const mean = (key: keyof StepRecord) => window.reduce((a, r) => a + r[key], 0) / window.length;
    const fired: Alarm[] = [];

    // Thresholds from real runs: healthy DCGANs pass through D(G(z)) ≈ 0.05, Loss_G ≈ 3.2 early on and recover,
    // so the alarm waits for D(G(z)) below 0.02 (Loss_G above −log 0.02 ≈ 3.9) across the whole window.
    const dWins = this.probabilistic && window.length === WINDOW && mean('d_g_z') < 0.02 && mean('d_x') > 0.95 && mean('loss_g') > 4;
    this.#toggle('discriminator-wins', dWins, record.step, fired,
      `D wins: mean D(x) ${mean('d_x').toFixed(3)}, D(G(z)) ${mean('d_g_z').toFixed(3)}, Loss_G ${mean('loss_g').toFixed(2)} over the last ${WINDOW} records`);

    const typical = median(earlier.slice(-50).flatMap((r) => [Math.abs(r.loss_d), Math.abs(r.loss_g)]));
    const now = Math.max(Math.abs(record.loss_d), Math.abs(record.loss_g));
    const diverging = earlier.length >= WINDOW && now > Math.max(50, 20 * typical);
    this.#toggle('divergence', diverging, record.step, fired, `a loss reached ${now.toPrecision(3)}, against a recent median of ${typical.toPrecision(3)}`);
    return fired;
  }

  /** Call with every evaluation's class coverage. */
  observeCoverage(step: number, coverage: Coverage, classCount: number): Alarm[] {
    const collapsed = coverage.missing.length >= Math.max(2, Math.ceil(classCount / 4)) || coverage.normalizedEntropy < 0.7;
    this.#collapsedEvals = collapsed ? this.#collapsedEvals + 1 : 0;
    const fired: Alarm[] = [];
    this.#toggle('mode-collapse', this.#collapsedEvals >= 2, step, fired,
      `class spread entropy ${coverage.normalizedEntropy.toFixed(2)}; missing classes: ${coverage.missing.join(', ') || 'none'}`);
    return fired;
  }

  /** Fires on the rising edge only, so one episode gives one alarm. */
  #toggle(kind: AlarmKind, condition: boolean, step: number, fired: Alarm[], message: string): void {
    if (condition && !this.#active.has(kind)) fired.push({ step, alarm: kind, message, remedy: alarmRemedy(kind) });
    if (condition) this.#active.add(kind);
    else this.#active.delete(kind);
  }
}

function median(values: number[]): number {
  if (values.length === 0) return Infinity;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}
