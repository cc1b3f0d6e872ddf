// Conditional batch norm (BigGAN's): against plain batch statistics worked out in JS followed by a per-sample
// affine computed by hand from the condition, in training and eval mode, and finite-difference gradients in the
// input and the condition.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConditionalBatchNorm } from '../../src/nn';
import { manualSeed, memory, noGrad, setDefaultDType, tensor, tidy } from '../../src/torch';
import { gradcheck, values } from '../helpers/gradcheck';

const [N, C, H, W, E] = [3, 2, 2, 2, 3];
const P = H * W;

/** Per channel over N, H, W: mean and biased variance (what training-mode batch norm divides by). */
function channelStats(x: number[]): { mean: number[]; variance: number[]; unbiased: number[] } {
  const mean: number[] = [], variance: number[] = [], unbiased: number[] = [];
  for (let ch = 0; ch < C; ch++) {
    const v: number[] = [];
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) v.push(x[(n * C + ch) * P + p]);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const ss = v.reduce((a, b) => a + (b - m) ** 2, 0);
    mean.push(m);
    variance.push(ss / v.length);
    unbiased.push(ss / (v.length - 1));
  }
  return { mean, variance, unbiased };
}

/** x̂·(1 + c·Wgᵀ) + c·Wbᵀ per sample and channel, x̂ from the given statistics. */
function byHand(x: number[], cond: number[], wg: number[], wb: number[], mean: number[], variance: number[], eps: number): number[] {
  const out = new Array(x.length);
  for (let n = 0; n < N; n++) {
    for (let ch = 0; ch < C; ch++) {
      let gain = 1, bias = 0;
      for (let e = 0; e < E; e++) {
        gain += cond[n * E + e] * wg[ch * E + e];
        bias += cond[n * E + e] * wb[ch * E + e];
      }
      for (let p = 0; p < P; p++) {
        const i = (n * C + ch) * P + p;
        out[i] = ((x[i] - mean[ch]) / Math.sqrt(variance[ch] + eps)) * gain + bias;
      }
    }
  }
  return out;
}

describe('conditional batch norm (BigGAN)', () => {
  it('is batch norm without affine, then a gain 1 + linear(c) and a bias linear(c) per sample and channel', () => {
    manualSeed(11);
    const layer = new ConditionalBatchNorm(C, E);
    const x = values(N * C * P, 501).map((v, i) => v * 2 + (i % 5));
    const cond = values(N * E, 502);
    const wg = layer.gain.weight.toArray(), wb = layer.bias.weight.toArray();
    const before = memory().liveTensors;
    const got = tidy(() => layer.forward(tensor(x, [N, C, H, W]), tensor(cond, [N, E])).toArray());
    assert.equal(memory().liveTensors, before, 'no tensor left behind');
    const stats = channelStats(x);
    const expected = byHand(x, cond, wg, wb, stats.mean, stats.variance, 1e-5);
    got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-4, `[${i}] ${v} vs ${expected[i]}`));
    // Samples with other conditions get other outputs: the affine is per sample.
    assert.ok(Math.abs(got[0] - got[C * P]) > 1e-3 || Math.abs(got[1] - got[C * P + 1]) > 1e-3);

    // Eval mode normalises with the running statistics that forward moved (momentum 0.1 from 0 and 1).
    layer.eval();
    const running = { mean: stats.mean.map((m) => 0.1 * m), variance: stats.unbiased.map((v) => 0.9 + 0.1 * v) };
    assert.deepEqual(layer.bn.runningMean!.toArray().map((v) => v.toFixed(5)), running.mean.map((v) => v.toFixed(5)));
    const evaluated = tidy(() => layer.forward(tensor(x, [N, C, H, W]), tensor(cond, [N, E])).toArray());
    const expectedEval = byHand(x, cond, wg, wb, running.mean, running.variance, 1e-5);
    evaluated.forEach((v, i) => assert.ok(Math.abs(v - expectedEval[i]) < 1e-4, `eval [${i}] ${v} vs ${expectedEval[i]}`));
    assert.deepEqual(layer.namedParameters().map(([name]) => name), ['gain.weight', 'bias.weight']);
    assert.deepEqual(layer.namedBuffers().map(([name]) => name), ['bn.running_mean', 'bn.running_var']);
    layer.dispose();
  });

  it('with zero maps it is plain batch norm without affine, whatever the condition', () => {
    manualSeed(12);
    const layer = new ConditionalBatchNorm(C, E);
    noGrad(() => {
      layer.gain.weight.fill_(0);
      layer.bias.weight.fill_(0);
    });
    const x = values(N * C * P, 503);
    const got = tidy(() => layer.forward(tensor(x, [N, C, H, W]), tensor(values(N * E, 504), [N, E])).toArray());
    const stats = channelStats(x);
    got.forEach((v, i) => {
      const ch = Math.floor(i / P) % C;
      assert.ok(Math.abs(v - (x[i] - stats.mean[ch]) / Math.sqrt(stats.variance[ch] + 1e-5)) < 1e-5);
    });
    layer.dispose();
  });

  it('gradients in the input and the condition match finite differences (training mode, float64)', () => {
    manualSeed(13);
    setDefaultDType('float64');
    let layer: ConditionalBatchNorm;
    try {
      layer = new ConditionalBatchNorm(C, E);
    } finally {
      setDefaultDType('float32');
    }
    gradcheck('conditional batch norm', (x, cond) => layer.forward(x, cond), [
      { data: values(N * C * P, 505), shape: [N, C, H, W] },
      { data: values(N * E, 506), shape: [N, E] },
    ], { atol: 1e-5, rtol: 1e-4 });
    layer.dispose();
  });
});
