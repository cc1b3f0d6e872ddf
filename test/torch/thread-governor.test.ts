// The thread governor: /proc/stat parsing, the others' load worked out by hand from two readings, the policy,
// and the governor over a scripted sequence of readings (no real clock or load involved).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LoadReading, othersBusyCores, parseProcStat, readLoad, ThreadGovernor, threadsForFreeCores,
} from '../../src/torch/thread-governor';

describe('parseProcStat', () => {
  it('splits the aggregate cpu line into busy and idle ticks', () => {
    const text = 'cpu  100 5 30 400 20 1 2 3 0 0\ncpu0 50 2 15 200 10 0 1 1 0 0\nintr 12345\n';
    // busy = user 100 + nice 5 + system 30 + irq 1 + softirq 2 + steal 3; idle = idle 400 + iowait 20.
    assert.deepEqual(parseProcStat(text), { busy: 141, idle: 420 });
  });

  it("counts niced processes' ticks as idle when asked (a run at normal priority goes first)", () => {
    const text = 'cpu  100 5 30 400 20 1 2 3 0 0\n';
    // The nice column (5) moves from busy to idle; the total stays 561.
    assert.deepEqual(parseProcStat(text, true), { busy: 136, idle: 425 });
    assert.deepEqual(parseProcStat(text, false), { busy: 141, idle: 420 });
  });

  it('refuses text without a usable cpu line', () => {
    assert.equal(parseProcStat('intr 1\n'), null);
    assert.equal(parseProcStat('cpu  1 2\n'), null);
    assert.equal(parseProcStat('cpu  1 x 3 4\n'), null);
    assert.equal(parseProcStat('cpu  1 -2 3 4\n'), null);
  });

  it('reads this machine (Linux) with both parts non-negative', () => {
    const reading = readLoad();
    assert.ok(reading, 'this test runs on Linux, where /proc/stat exists');
    assert.ok(reading.machine.busy >= 0 && reading.machine.idle > 0 && reading.ownMicros > 0);
  });
});

const reading = (busy: number, idle: number, ownMicros: number): LoadReading => ({ machine: { busy, idle }, ownMicros });

describe('othersBusyCores', () => {
  it('subtracts this process from the machine', () => {
    // 1 s on 2 cores: 150 of 200 ticks busy (1.5 cores), of which this process used 0.5 s of CPU.
    assert.equal(othersBusyCores(reading(0, 0, 0), reading(150, 50, 500_000), 1000, 2), 1.5 - 0.5);
  });

  it('stays within [0, cores]', () => {
    // This process claims more CPU than the machine shows busy (tick granularity): others are 0, not negative.
    assert.equal(othersBusyCores(reading(0, 0, 0), reading(10, 190, 900_000), 1000, 2), 0);
    assert.equal(othersBusyCores(reading(0, 0, 0), reading(0, 0, 0), 1000, 2), 0, 'no ticks passed');
  });
});

describe('threadsForFreeCores', () => {
  it('keeps every wanted thread on an idle machine and gives them up as others take cores', () => {
    assert.equal(threadsForFreeCores(2, 2), 2);
    assert.equal(threadsForFreeCores(1.8, 2), 2, 'a few background ticks do not cost a thread');
    assert.equal(threadsForFreeCores(1.7, 2), 1);
    assert.equal(threadsForFreeCores(0.2, 2), 1, 'never fewer than one');
    assert.equal(threadsForFreeCores(8, 2), 2, 'never more than the family wants');
    assert.equal(threadsForFreeCores(3.8, 4), 4);
    assert.equal(threadsForFreeCores(3.1, 4), 3);
  });
});

describe('ThreadGovernor', () => {
  /** A governor over scripted readings, one per read, and a clock moved by hand. */
  function scripted(readings: LoadReading[], preferred = 2) {
    let clock = 0;
    const set: number[] = [];
    const queue = [...readings];
    const governor = new ThreadGovernor(preferred, {
      intervalMs: 1000, cores: 2, now: () => clock, read: () => queue.shift() ?? null, setThreads: (n) => set.push(n),
    });
    return { governor, set, advance: (ms: number) => { clock += ms; } };
  }

  it('drops to one thread under load and takes the second back when the machine is free again', () => {
    const { governor, set, advance } = scripted([
      reading(0, 0, 0),
      // Others hold 1.8 cores for 1 s (this process got 0.2 of a core): one thread.
      reading(200, 0, 200_000),
      // The next second the machine is busy only with this process: two threads again.
      reading(300, 100, 1_200_000),
    ]);
    assert.equal(governor.active, true);
    advance(500);
    assert.equal(governor.afterStep(), null, 'nothing is read before the interval has passed');
    advance(500);
    const down = governor.afterStep();
    assert.deepEqual(down && { from: down.from, to: down.to }, { from: 2, to: 1 });
    assert.ok(Math.abs(down!.othersBusy - 1.8) < 1e-9);
    advance(1000);
    const up = governor.afterStep();
    assert.deepEqual(up && { from: up.from, to: up.to }, { from: 1, to: 2 });
    assert.deepEqual(set, [1, 2]);
    assert.equal(governor.threads, 2);
  });

  it('changes nothing while the load stays where it was', () => {
    const { governor, set, advance } = scripted([reading(0, 0, 0), reading(100, 100, 1_000_000), reading(200, 200, 2_000_000)]);
    advance(1000);
    assert.equal(governor.afterStep(), null);
    advance(1000);
    assert.equal(governor.afterStep(), null);
    assert.deepEqual(set, []);
  });

  it('stays out of the way of a one-thread family and where the load cannot be read', () => {
    assert.equal(scripted([reading(0, 0, 0)], 1).governor.active, false);
    assert.equal(scripted([]).governor.active, false);
  });
});
