// Synchronised batch norm is gradient-correct: two ranks, each with half of a batch, must produce the output,
// the input gradient and (summed over ranks, as the gradient all-reduce then averages them) the weight and
// bias gradients of one process's BatchNorm on the whole batch, and the same running statistics.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../../src/dist/launch';
import { BatchNorm } from '../../src/nn';
import { manualSeed, noGrad, randn, Tensor } from '../../src/torch';

interface RankResult {
  y: number[]; gradX: number[]; gradWeight: number[]; gradBias: number[]; runningMean: number[]; runningVar: number[];
}

function runRank(rank: number, worldSize: number, port: number): Promise<RankResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'sync-bn-driver.js'), String(rank), String(worldSize), String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`rank ${rank} exited ${code}: ${err}`))));
  });
}

function assertClose(actual: number[], expected: number[], what: string, tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length, what);
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i]) / Math.max(1, Math.abs(expected[i]))));
  assert.ok(worst < tolerance, `${what} differs by ${worst}`);
}

describe('synchronised batch norm', () => {
  it('two ranks with half a batch each equal one BatchNorm on the whole batch: output, gradients, running statistics', async () => {
    const port = await freePort();
    const ranks = await Promise.all([runRank(0, 2, port), runRank(1, 2, port)]);

    // The reference: the same numbers (same seed, same draws) through one plain BatchNorm.
    manualSeed(7);
    const x = randn([8, 3, 2, 2]).mul(2).add(0.5).requiresGrad_();
    const r = randn([8, 3, 2, 2]);
    const layer = new BatchNorm(3, { momentum: 0.3 });
    noGrad(() => {
      layer.weight!.copy_(randn([3]));
      layer.bias!.copy_(randn([3]));
    });
    const y = layer.forward(x);
    y.mul(r).sum().backward();
    const list = (t: Tensor) => Array.from(t.toTypedArray() as Float32Array);

    assertClose([...ranks[0].y, ...ranks[1].y], list(y), 'output');
    assertClose([...ranks[0].gradX, ...ranks[1].gradX], list(x.grad!), 'input gradient');
    assertClose(ranks[0].gradWeight.map((g, i) => g + ranks[1].gradWeight[i]), list(layer.weight!.grad!), 'weight gradient');
    assertClose(ranks[0].gradBias.map((g, i) => g + ranks[1].gradBias[i]), list(layer.bias!.grad!), 'bias gradient');
    for (const rank of ranks) {
      assertClose(rank.runningMean, list(layer.runningMean!), 'running mean');
      assertClose(rank.runningVar, list(layer.runningVar!), 'running variance');
    }
    // Per-rank statistics would give another input gradient: the check has teeth.
    const half = new BatchNorm(3, { momentum: 0.3 });
    noGrad(() => {
      half.weight!.copy_(layer.weight!);
      half.bias!.copy_(layer.bias!);
    });
    const xHalf = x.detach().narrow(0, 0, 4).contiguous().requiresGrad_();
    half.forward(xHalf).mul(r.narrow(0, 0, 4)).sum().backward();
    assert.throws(() => assertClose(list(xHalf.grad!), ranks[0].gradX, 'per-rank input gradient'));
  });
});
