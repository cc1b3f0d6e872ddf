// The transposed convolution's faster routes (src/torch/conv-transpose.ts) against libtorch's own kernel: values and
// gradients (input, weight, bias) in float64 for the geometries each route claims, finite-difference checks of
// both routes, and that shapes no route covers still give libtorch's answer.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grad, memory, randn, Tensor, tidy } from '../../src/torch';
import {
  convTranspose2d, ConvTransposeGeometry, convTransposeRoute, libtorchConvTranspose2d, onePixelConvTranspose2d, subPixelApplies, subPixelConvTranspose2d,
} from '../../src/torch/conv-transpose';
import { gradcheck, values } from '../helpers/gradcheck';

function geometry(stride: [number, number], padding: [number, number], extra: Partial<ConvTransposeGeometry> = {}): ConvTransposeGeometry {
  return { stride, padding, outputPadding: [0, 0], groups: 1, dilation: [1, 1], ...extra };
}

/** Largest absolute difference of y and of the gradients of Σ y·U with respect to each input. */
function differences(route: (...xs: Tensor[]) => Tensor, inputs: Tensor[], g: ConvTransposeGeometry): number[] {
  return tidy(() => {
    const reference = libtorchConvTranspose2d(inputs[0], inputs[1], inputs[2], g);
    const fast = route(...inputs);
    assert.deepEqual(fast.shape, reference.shape);
    const projection = randn(reference.shape, { dtype: 'float64' });
    const gradsOf = (y: Tensor) => grad([y.mul(projection).sum()], inputs);
    const expected = gradsOf(reference);
    const actual = gradsOf(fast);
    const gap = (a: Tensor | null, b: Tensor | null) => a!.sub(b!).abs().max().item();
    return [gap(fast, reference), ...actual.map((g, i) => gap(g, expected[i]))];
  });
}

function inputsFor(n: number, cin: number, cout: number, h: number, w: number, kernel: [number, number], bias: boolean): Tensor[] {
  const made = [randn([n, cin, h, w], { dtype: 'float64' }), randn([cin, cout, ...kernel], { dtype: 'float64' })];
  if (bias) made.push(randn([cout], { dtype: 'float64' }));
  return made.map((t) => t.requiresGrad_());
}

describe('transposed convolution routes', () => {
  it('sub-pixel: equals libtorch (values and all gradients) wherever kernel − 2·padding = stride', () => {
    const cases: { kernel: [number, number]; stride: [number, number]; padding: [number, number]; bias: boolean }[] = [
      { kernel: [4, 4], stride: [2, 2], padding: [1, 1], bias: true }, // DCGAN's upsampling
      { kernel: [2, 2], stride: [2, 2], padding: [0, 0], bias: false },
      { kernel: [3, 3], stride: [1, 1], padding: [1, 1], bias: true }, // stride 1: one phase, a flipped kernel
      { kernel: [6, 6], stride: [2, 2], padding: [2, 2], bias: true },
      { kernel: [5, 5], stride: [3, 3], padding: [1, 1], bias: true }, // uneven pads on each side
      { kernel: [4, 3], stride: [2, 1], padding: [1, 1], bias: true }, // each axis its own geometry
    ];
    for (const c of cases) {
      const g = geometry(c.stride, c.padding);
      assert.ok(subPixelApplies([1, 1, ...c.kernel], g), `sub-pixel applies to ${JSON.stringify(c)}`);
      const inputs = inputsFor(2, 3, 4, 5, 6, c.kernel, c.bias);
      const gaps = differences((x, w, b) => subPixelConvTranspose2d(x, w, b, c.stride, c.padding), inputs, g);
      for (const t of inputs) t.dispose();
      for (const g of gaps) assert.ok(g < 1e-12, `${JSON.stringify(c)}: gaps ${gaps}`);
    }
  });

  it('one pixel: a matrix product equals libtorch for any stride, with and without bias', () => {
    for (const [stride, bias] of [[1, true], [2, false], [3, true]] as const) {
      const inputs = inputsFor(4, 10, 6, 1, 1, [7, 5], bias);
      const gaps = differences((x, w, b) => onePixelConvTranspose2d(x, w, b), inputs, geometry([stride, stride], [0, 0]));
      for (const t of inputs) t.dispose();
      for (const g of gaps) assert.ok(g < 1e-12, `stride ${stride}: gaps ${gaps}`);
    }
  });

  it('the router: every geometry, routed or not, gives libtorch\'s values', () => {
    const cases: { g: ConvTransposeGeometry; kernel: [number, number]; side: number }[] = [
      { g: geometry([2, 2], [1, 1]), kernel: [4, 4], side: 5 }, // sub-pixel
      { g: geometry([1, 1], [0, 0]), kernel: [7, 7], side: 1 }, // one pixel
      { g: geometry([2, 2], [1, 1], { outputPadding: [1, 1] }), kernel: [3, 3], side: 4 }, // libtorch
      { g: geometry([2, 2], [0, 0], { dilation: [2, 2] }), kernel: [3, 3], side: 4 }, // libtorch
      { g: geometry([3, 3], [0, 0]), kernel: [4, 4], side: 3 }, // kernel − 2·padding ≠ stride: libtorch
    ];
    for (const { g, kernel, side } of cases) {
      const inputs = inputsFor(2, 3, 2, side, side, kernel, true);
      const gaps = differences((x, w, b) => convTranspose2d(x, w, b, g), inputs, g);
      for (const t of inputs) t.dispose();
      for (const gap of gaps) assert.ok(gap < 1e-12, `${JSON.stringify(g)}: gaps ${gaps}`);
    }
  });

  it('the router takes each route where it pays: one pixel anywhere, sub-pixel on a CPU with 2+ threads only', () => {
    const dcganUp = geometry([2, 2], [1, 1]);
    assert.equal(convTransposeRoute([64, 100, 1, 1], [100, 128, 7, 7], geometry([1, 1], [0, 0]), 'cpu', 1), 'one-pixel');
    assert.equal(convTransposeRoute([64, 100, 1, 1], [100, 128, 7, 7], geometry([1, 1], [0, 0]), 'cuda:0', 1), 'one-pixel');
    assert.equal(convTransposeRoute([64, 128, 7, 7], [128, 64, 4, 4], dcganUp, 'cpu', 2), 'sub-pixel');
    assert.equal(convTransposeRoute([64, 128, 7, 7], [128, 64, 4, 4], dcganUp, 'cpu', 1), 'libtorch', 'one thread: libtorch\'s kernel is faster');
    assert.equal(convTransposeRoute([64, 128, 7, 7], [128, 64, 4, 4], dcganUp, 'cuda:0', 2), 'libtorch', 'cuDNN has its own');
    assert.equal(convTransposeRoute([64, 128, 7, 7], [128, 64, 4, 4], geometry([2, 2], [1, 1], { outputPadding: [1, 1] }), 'cpu', 2), 'libtorch');
    assert.equal(convTransposeRoute([64, 128, 7, 7], [128, 64, 4, 4], geometry([2, 2], [1, 1], { groups: 2 }), 'cpu', 2), 'libtorch');
    assert.equal(convTransposeRoute([64, 128, 7, 7], [128, 64, 3, 3], dcganUp, 'cpu', 2), 'libtorch', 'kernel − 2·padding ≠ stride');
    assert.equal(convTransposeRoute([64, 127, 7, 7], [128, 64, 4, 4], dcganUp, 'cpu', 2), 'libtorch', 'mismatched channels: libtorch reports it');
  });

  it('finite differences agree with both routes\' autograd', () => {
    const x = { data: values(2 * 2 * 3 * 3, 81), shape: [2, 2, 3, 3] };
    const w = { data: values(2 * 3 * 4 * 4, 82), shape: [2, 3, 4, 4] };
    const b = { data: values(3, 83), shape: [3] };
    gradcheck('sub-pixel k4 s2 p1', (xs, ws, bs) => subPixelConvTranspose2d(xs, ws, bs, [2, 2], [1, 1]), [x, w, b]);
    gradcheck('one pixel', (xs, ws, bs) => onePixelConvTranspose2d(xs, ws, bs),
      [{ data: values(2 * 2, 84), shape: [2, 2, 1, 1] }, w, b]);
  });

  it('frees every intermediate tensor', () => {
    const x = randn([2, 3, 4, 4]);
    const w = randn([3, 2, 4, 4]);
    const before = memory().liveTensors;
    for (let i = 0; i < 3; i++) subPixelConvTranspose2d(x, w, undefined, [2, 2], [1, 1]).dispose();
    onePixelConvTranspose2d(randn([2, 3, 1, 1]), w, undefined).dispose();
    // The one-pixel call's input was made inside the count: it is the only tensor left.
    assert.equal(memory().liveTensors, before + 1);
    x.dispose();
    w.dispose();
  });
});
