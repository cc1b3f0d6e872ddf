import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlarmMonitor, alarmRemedy } from '../../src/metrics/alarms';

const healthy = (step: number) => ({ step, loss_d: 1.3 + 0.05 * Math.sin(step), loss_g: 0.8 + 0.05 * Math.cos(step), d_x: 0.55, d_g_z: 0.45 });

describe('alarms', () => {
  it('stay quiet on a healthy sequence', () => {
    const monitor = new AlarmMonitor(true);
    const fired = [];
    for (let step = 1; step <= 200; step++) fired.push(...monitor.observeStep(healthy(step)));
    const balanced = { shares: new Array(10).fill(0.1), normalizedEntropy: 1, missing: [] };
    fired.push(...monitor.observeCoverage(100, balanced, 10), ...monitor.observeCoverage(200, balanced, 10));
    assert.deepEqual(fired, []);
  });

  it('discriminator-wins fires once when D(G(z)) → 0 with Loss_G high, and again only after it cleared', () => {
    const monitor = new AlarmMonitor(true);
    const winning = (step: number) => ({ step, loss_d: 0.02, loss_g: 6, d_x: 0.99, d_g_z: 0.01 });
    const fired = [];
    for (let step = 1; step <= 30; step++) fired.push(...monitor.observeStep(healthy(step)));
    for (let step = 31; step <= 80; step++) fired.push(...monitor.observeStep(winning(step)));
    assert.equal(fired.length, 1);
    assert.equal(fired[0].alarm, 'discriminator-wins');
    assert.ok(fired[0].step >= 31 && fired[0].step <= 50);
    // The record names config keys; a front end renders them its own way (the CLI: as flags).
    assert.match(fired[0].remedy, /\(lrD\)/);
    assert.equal(alarmRemedy('discriminator-wins', (key) => `<${key}>`).match(/<\w+>/g)!.join(' '), '<lrD> <labelSmoothing> <width>');
    for (let step = 81; step <= 120; step++) fired.push(...monitor.observeStep(healthy(step)));
    for (let step = 121; step <= 160; step++) fired.push(...monitor.observeStep(winning(step)));
    assert.equal(fired.filter((a) => a.alarm === 'discriminator-wins').length, 2);
    // Scores from non-BCE losses are not probabilities: no D-wins alarm from them.
    const scores = new AlarmMonitor(false);
    assert.deepEqual(Array.from({ length: 60 }, (_, i) => scores.observeStep(winning(i + 1))).flat().filter((a) => a.alarm === 'discriminator-wins'), []);
  });

  it('divergence fires when a loss leaves its recent range', () => {
    const monitor = new AlarmMonitor(false);
    const fired = [];
    for (let step = 1; step <= 40; step++) fired.push(...monitor.observeStep(healthy(step)));
    fired.push(...monitor.observeStep({ step: 41, loss_d: 1.2, loss_g: 900, d_x: 0.5, d_g_z: 0.5 }));
    assert.deepEqual(fired.map((a) => a.alarm), ['divergence']);
  });

  it('mode-collapse needs two collapsed evaluations in a row', () => {
    const monitor = new AlarmMonitor(true);
    const collapsed = { shares: [0.9, 0.1, 0, 0, 0, 0, 0, 0, 0, 0], normalizedEntropy: 0.14, missing: ['2', '3', '4', '5', '6', '7', '8', '9'] };
    const balanced = { shares: new Array(10).fill(0.1), normalizedEntropy: 1, missing: [] };
    assert.deepEqual(monitor.observeCoverage(100, collapsed, 10), []);
    assert.deepEqual(monitor.observeCoverage(200, balanced, 10), []);
    assert.deepEqual(monitor.observeCoverage(300, collapsed, 10), []);
    const fired = monitor.observeCoverage(400, collapsed, 10);
    assert.equal(fired.length, 1);
    assert.match(fired[0].message, /missing classes: 2, 3, 4, 5, 6, 7, 8, 9/);
  });
});
