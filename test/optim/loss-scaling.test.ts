// fp16 loss scaling (src/torch/loss-scale.ts) does not need a GPU to be checked: on the CPU, a scaled backward
// followed by an optimizer step must give the unscaled step exactly where nothing overflows, skip the update
// where a gradient does, and move the scale as torch.cuda.amp.GradScaler does.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SGD } from '../../src/optim';
import { LossScaler, memory, tensor, tidy, withLossScaling } from '../../src/torch';

/** One SGD step on loss = Σ w·x (gradient x), optionally inside a scaler; returns w afterwards. */
function stepOnce(x: number[], scaler: LossScaler | null): number[] {
  return tidy(() => {
    const w = tensor([1, 2, 3]).requiresGrad_();
    const optimizer = new SGD([w], { lr: 0.5 });
    withLossScaling(scaler, () => {
      w.mul(tensor(x)).sum().backward();
      optimizer.step();
    });
    return w.detach().toArray();
  });
}

describe('loss scaling', () => {
  it('a scaled backward and step equal the plain step (powers of two: exact)', () => {
    const plain = stepOnce([0.25, -1, 4], null);
    assert.deepEqual(plain, [1 - 0.125, 2 + 0.5, 3 - 2]);
    assert.deepEqual(stepOnce([0.25, -1, 4], new LossScaler(1024)), plain);
  });

  it('an overflowing gradient skips the update, halves the scale, and growth doubles it after clean steps', () => {
    const scaler = new LossScaler(2 ** 127, 3); // 2^127 × 4 overflows float32
    assert.deepEqual(stepOnce([0.25, -1, 4], scaler), [1, 2, 3], 'skipped: the weights are untouched');
    assert.equal(scaler.skipped, 1);
    scaler.update();
    assert.equal(scaler.scale, 2 ** 126);
    for (let k = 0; k < 3; k++) {
      stepOnce([0.25, -1, 1], scaler); // 2^126 × 1 fits
      scaler.update();
    }
    assert.equal(scaler.skipped, 1);
    assert.equal(scaler.scale, 2 ** 127, 'three clean steps (the growth interval) double the scale');
  });

  it('leaks no tensor and leaves no scaler active afterwards', () => {
    stepOnce([1, 1, 1], new LossScaler(8));
    const before = memory().liveTensors;
    for (let k = 0; k < 5; k++) stepOnce([1, 1, 1], new LossScaler(8));
    assert.equal(memory().liveTensors, before);
    // Outside withLossScaling a backward is plain again.
    assert.deepEqual(stepOnce([2, 2, 2], null), [0, 1, 2]);
  });

  it('refuses a scale that is not a positive finite number', () => {
    assert.throws(() => new LossScaler(0), /positive/);
    assert.throws(() => new LossScaler(Infinity), /positive/);
  });
});
