// Transposed 2-D convolution, routed through faster kernels where an exact reformulation exists.
//
// Why: libtorch 1.13 runs a transposed convolution on the CPU with its im2col kernel (aten::slow_conv_transpose2d),
// forward and backward, while an ordinary convolution of the same size goes to oneDNN. Profiled on DCGAN-28
// (PyTorch 1.13, 2 threads), G's 128→64 upsampling took 117 ms of a 320 ms step, and its 1×1 → 7×7 first layer
// 40 ms, for what a matrix product does in about 1 ms. Two rewrites compute the same sums in another order, so they
// agree with the transposed convolution to float rounding (test/torch/conv-transpose.test.ts checks values and
// gradients against libtorch's kernel):
//
// - One input pixel (DCGAN's z [N, Cin, 1, 1] → start×start map, no padding): every output is Σ_ci z·W, one
//   matrix product z [N, Cin] · W [Cin, Cout·kh·kw].
// - Sub-pixel convolution, where kernel − 2·padding = stride (DCGAN's k4 s2 p1, also k2 s2 p0 and stride 1): the
//   output splits into stride² phases (its pixels at (s·m + a, s·n + b)), each an ordinary convolution of the input
//   with some of W's taps; all phases are one convolution with s²·Cout output channels whose kernel is gathered
//   from W (absent taps are zero), interleaved back by a pixel shuffle. The gather is an index_select, so the
//   gradient reaches W itself and the layer's parameters and checkpoints are unchanged.
//   Derivation (one axis): output o = s·i − p + k takes x[i]·W[k]; for o = s·m + a, k = s·d + a + p with d = m − i,
//   so phase a reads x[m − d] for every d with 0 ≤ s·d + a + p < kernel. Padding x by L = max d on the left and
//   R = −min d on the right, tap t of a (L + R + 1)-wide kernel reads x[m + t − L], i.e. d = L − t.
//   It does 9/4 of the transposed convolution's multiply-adds for k4 s2 p1 (the zero taps), which oneDNN's
//   speed repays only with more than one thread: measured on 2 cores, DCGAN-28's 128→64 layer forward and
//   backward took 53 ms in libtorch's kernel and 92 ms sub-pixel with 1 thread, but 192 ms against 45 ms with 2.
//   So it is taken on the CPU with 2 or more intra-op threads (the thread governor may lower the count while a run
//   trains, and the route follows). On a CUDA device cuDNN has a proper transposed convolution: not used there.
//
// GANFORGE_PLAIN_CONV_TRANSPOSE=1 sends every call to libtorch's kernel, as PyTorch computes it: the parity test
// uses it to show bit-identical losses against the PyTorch reference (as GANFORGE_UNFUSED_ADAM=1 does for Adam).
// Padding and the convolution are called on the addon directly, not through functional.ts: functional.ts's
// convTranspose2d is this file's router, and importing it back would make the two modules a cycle.
import { native } from './native';
import { cat, numThreads, zeros } from './create';
import { Tensor } from './tensor';
import { tidy } from './scope';

type Pair = [number, number];

export interface ConvTransposeGeometry {
  stride: Pair;
  padding: Pair;
  outputPadding: Pair;
  groups: number;
  dilation: Pair;
}

/** libtorch's own transposed convolution, for the shapes no rewrite covers (and as the reference in tests). */
export function libtorchConvTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, g: ConvTransposeGeometry): Tensor {
  return new Tensor(native.convTranspose2d(x.handle, weight.handle, bias?.handle, g.stride, g.padding, g.outputPadding, g.groups, g.dilation));
}

const ALWAYS_LIBTORCH = process.env.GANFORGE_PLAIN_CONV_TRANSPOSE === '1';

export type ConvTransposeRoute = 'one-pixel' | 'sub-pixel' | 'libtorch';

/** Which route a call takes, from its shapes, geometry, device and intra-op thread count (see the top of this file). */
export function convTransposeRoute(xShape: number[], weightShape: number[], g: ConvTransposeGeometry, device: string, threads: number): ConvTransposeRoute {
  // Malformed shapes go to libtorch, which checks them and says what is wrong.
  if (ALWAYS_LIBTORCH || !isPlain(g) || xShape.length !== 4 || weightShape.length !== 4 || xShape[1] !== weightShape[0]) return 'libtorch';
  if (xShape[2] === 1 && xShape[3] === 1 && g.padding[0] === 0 && g.padding[1] === 0) return 'one-pixel';
  if (subPixelApplies(weightShape, g) && device === 'cpu' && threads > 1) return 'sub-pixel';
  return 'libtorch';
}

/** The transposed convolution, by the fastest exact route for its shape and device. */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, g: ConvTransposeGeometry): Tensor {
  switch (convTransposeRoute(x.shape, weight.shape, g, x.device, numThreads())) {
    case 'one-pixel': return onePixelConvTranspose2d(x, weight, bias);
    case 'sub-pixel': return subPixelConvTranspose2d(x, weight, bias, g.stride, g.padding);
    case 'libtorch': return libtorchConvTranspose2d(x, weight, bias, g);
  }
}

function isPlain(g: ConvTransposeGeometry): boolean {
  return g.groups === 1 && g.dilation[0] === 1 && g.dilation[1] === 1 && g.outputPadding[0] === 0 && g.outputPadding[1] === 0;
}

export function subPixelApplies(weightShape: number[], g: Pick<ConvTransposeGeometry, 'stride' | 'padding'>): boolean {
  const [, , kh, kw] = weightShape;
  return kh - 2 * g.padding[0] === g.stride[0] && kw - 2 * g.padding[1] === g.stride[1] && g.stride[0] >= 1 && g.stride[1] >= 1;
}

/** x [N, Cin, 1, 1], weight [Cin, Cout, kh, kw] → [N, Cout, kh, kw] as one matrix product. */
export function onePixelConvTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | undefined): Tensor {
  return tidy(() => {
    const [n, inChannels] = x.shape;
    const [, outChannels, kh, kw] = weight.shape;
    const y = x.reshape([n, inChannels]).matmul(weight.reshape([inChannels, outChannels * kh * kw])).reshape([n, outChannels, kh, kw]);
    return bias ? y.add(bias.reshape([1, outChannels, 1, 1])) : y;
  });
}

/** One axis of the sub-pixel form: the pads and, per phase a and tap t, W's tap index or -1 for none. */
interface AxisPlan {
  left: number;
  right: number;
  taps: number;
  /** tapOf[a][t] */
  tapOf: number[][];
}

function axisPlan(kernel: number, stride: number, padding: number): AxisPlan {
  const ds: number[] = [];
  for (let a = 0; a < stride; a++) {
    for (let d = -kernel; d <= kernel; d++) {
      const k = stride * d + a + padding;
      if (k >= 0 && k < kernel) ds.push(d);
    }
  }
  const left = Math.max(...ds);
  const right = -Math.min(...ds);
  const taps = left + right + 1;
  const tapOf = Array.from({ length: stride }, (_, a) => Array.from({ length: taps }, (_, t) => {
    const k = stride * (left - t) + a + padding;
    return k >= 0 && k < kernel ? k : -1;
  }));
  return { left, right, taps, tapOf };
}

/** Plans depend only on the geometry, of which a model has a handful: computed once each. */
const plans = new Map<string, { rows: AxisPlan; cols: AxisPlan; gather: BigInt64Array }>();

function planFor(kh: number, kw: number, stride: Pair, padding: Pair) {
  const key = `${kh},${kw},${stride},${padding}`;
  let plan = plans.get(key);
  if (!plan) {
    const rows = axisPlan(kh, stride[0], padding[0]);
    const cols = axisPlan(kw, stride[1], padding[1]);
    // Index into W's kh·kw taps flattened, with kh·kw itself meaning the appended zero; order (a, b, t, u).
    const zero = kh * kw;
    const gather: bigint[] = [];
    for (let a = 0; a < stride[0]; a++) {
      for (let b = 0; b < stride[1]; b++) {
        for (let t = 0; t < rows.taps; t++) {
          for (let u = 0; u < cols.taps; u++) {
            const k = rows.tapOf[a][t];
            const l = cols.tapOf[b][u];
            gather.push(BigInt(k < 0 || l < 0 ? zero : k * kw + l));
          }
        }
      }
    }
    plan = { rows, cols, gather: BigInt64Array.from(gather) };
    plans.set(key, plan);
  }
  return plan;
}

/** The sub-pixel form (see the top of this file); needs kernel − 2·padding = stride on both axes. */
export function subPixelConvTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, stride: Pair, padding: Pair): Tensor {
  return tidy(() => {
    const [n, inChannels, h, w] = x.shape;
    const [, outChannels, kh, kw] = weight.shape;
    const [sh, sw] = stride;
    const { rows, cols, gather } = planFor(kh, kw, stride, padding);
    const phases = sh * sw;
    // W [Cin, Cout, kh, kw] → [Cout, Cin, kh·kw + 1] with a zero tap at the end, then the gather.
    const flat = weight.permute([1, 0, 2, 3]).reshape([outChannels, inChannels, kh * kw]);
    const withZero = cat([flat, zeros([outChannels, inChannels, 1], { dtype: weight.dtype, device: weight.device })], 2);
    const onCpu = new Tensor(native.fromTypedArray(gather, [gather.length]));
    const index = weight.device === 'cpu' ? onCpu : onCpu.to({ device: weight.device });
    const kernel = withZero.indexSelect(2, index)
      .reshape([outChannels, inChannels, sh, sw, rows.taps, cols.taps])
      .permute([0, 2, 3, 1, 4, 5])
      .reshape([outChannels * phases, inChannels, rows.taps, cols.taps]);
    const phaseBias = bias?.reshape([outChannels, 1]).expand([outChannels, phases]).reshape([outChannels * phases]);
    const symmetric = rows.left === rows.right && cols.left === cols.right;
    const input = symmetric ? x : new Tensor(native.pad(x.handle, [cols.left, cols.right, rows.left, rows.right], 'constant', 0));
    const pads = symmetric ? [rows.left, cols.left] : [0, 0];
    const y = new Tensor(native.conv2d(input.handle, kernel.handle, phaseBias?.handle, [1, 1], pads, [1, 1], 1));
    // Channel co·s² + a·sw + b holds output pixel (sh·m + a, sw·q + b): interleave the phases (a pixel shuffle).
    return y.reshape([n, outChannels, sh, sw, h, w]).permute([0, 1, 4, 2, 5, 3]).reshape([n, outChannels, h * sh, w * sw]);
  });
}
