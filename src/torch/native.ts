// Loads the native addon (native/, built by `npm install` or `npm run build:native`) and types its surface.
// Only src/torch/ imports this file: everything else goes through Tensor.
import * as fs from 'fs';
import * as path from 'path';

/** An opaque reference to one native tensor. Owned by exactly one Tensor. */
export type Handle = { readonly __tensorHandle: unique symbol };
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';
export type Reduction = 'mean' | 'sum' | 'none';
export type AnyTypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
type H = Handle;
type Operand = H | number;

export interface NativeAddon {
  // creation (shape, dtype?, device?)
  zeros(shape: number[], dtype?: DType, device?: string): H;
  ones(shape: number[], dtype?: DType, device?: string): H;
  full(shape: number[], value: number, dtype?: DType, device?: string): H;
  randn(shape: number[], dtype?: DType, device?: string): H;
  rand(shape: number[], dtype?: DType, device?: string): H;
  randint(low: number, high: number, shape: number[], device?: string): H;
  arange(start: number, end: number, step: number, dtype?: DType, device?: string): H;
  randperm(n: number, seed?: number): H;
  fromTypedArray(data: AnyTypedArray, shape: number[], dtype?: DType): H;
  toTypedArray(t: H): AnyTypedArray;
  item(t: H): number;
  // facts and conversion
  shape(t: H): number[];
  dtype(t: H): DType;
  device(t: H): string;
  to(t: H, dtype?: DType, device?: string): H;
  clone(t: H): H;
  contiguous(t: H): H;
  // in-place fills
  uniform_(t: H, low: number, high: number): void;
  normal_(t: H, mean: number, std: number): void;
  fill_(t: H, value: number): void;
  copy_(dst: H, src: H): void;
  // random state, memory, threads
  manualSeed(seed: number): void;
  rngState(): Uint8Array;
  setRngState(state: Uint8Array): void;
  memory(): { liveTensors: number; bytes: number };
  dispose(t: H): void;
  isTensor(value: unknown): boolean;
  setNumThreads(n: number): void;
  numThreads(): number;
  cudaAvailable(): boolean;
  version(): string;
  // elementwise
  neg(t: H): H;
  abs(t: H): H;
  exp(t: H): H;
  log(t: H): H;
  sqrt(t: H): H;
  square(t: H): H;
  floor(t: H): H;
  round(t: H): H;
  tanh(t: H): H;
  sigmoid(t: H): H;
  relu(t: H): H;
  isFinite(t: H): H;
  add(a: H, b: Operand): H;
  sub(a: H, b: Operand): H;
  mul(a: H, b: Operand): H;
  div(a: H, b: Operand): H;
  pow(a: H, b: Operand): H;
  eq(a: H, b: Operand): H;
  ne(a: H, b: Operand): H;
  lt(a: H, b: Operand): H;
  le(a: H, b: Operand): H;
  gt(a: H, b: Operand): H;
  ge(a: H, b: Operand): H;
  maximum(a: H, b: H): H;
  minimum(a: H, b: H): H;
  matmul(a: H, b: H): H;
  leakyRelu(t: H, slope: number): H;
  softmax(t: H, dim: number): H;
  logSoftmax(t: H, dim: number): H;
  clamp(t: H, min?: number, max?: number): H;
  linear(x: H, weight: H, bias?: H): H;
  where(condition: H, a: H, b: H): H;
  // reductions
  sum(t: H, dims?: number[], keepdim?: boolean): H;
  mean(t: H, dims?: number[], keepdim?: boolean): H;
  var(t: H, dims: number[] | undefined, unbiased: boolean, keepdim?: boolean): H;
  max(t: H): H;
  max(t: H, dim: number, keepdim?: boolean): [H, H];
  min(t: H): H;
  min(t: H, dim: number, keepdim?: boolean): [H, H];
  argmax(t: H, dim?: number, keepdim?: boolean): H;
  allTrue(t: H): boolean;
  topk(t: H, k: number, dim: number, largest: boolean): [H, H];
  linalgEigh(t: H): [H, H];
  cdist(a: H, b: H): H;
  // shape and indexing
  reshape(t: H, shape: number[]): H;
  view(t: H, shape: number[]): H;
  flatten(t: H, startDim: number, endDim: number): H;
  transpose(t: H, dim0: number, dim1: number): H;
  permute(t: H, dims: number[]): H;
  unsqueeze(t: H, dim: number): H;
  squeeze(t: H, dim?: number): H;
  expand(t: H, shape: number[]): H;
  narrow(t: H, dim: number, start: number, length: number): H;
  select(t: H, dim: number, index: number): H;
  indexSelect(t: H, dim: number, index: H): H;
  gather(t: H, dim: number, index: H): H;
  cat(tensors: H[], dim: number): H;
  stack(tensors: H[], dim: number): H;
  // nn functions
  bceWithLogits(logits: H, target: H, reduction?: Reduction): H;
  bce(probabilities: H, target: H, reduction?: Reduction): H;
  mse(input: H, target: H, reduction?: Reduction): H;
  crossEntropy(logits: H, classes: H, reduction?: Reduction, labelSmoothing?: number): H;
  dropout(t: H, p: number, training: boolean): H;
  // convolution, normalisation, pooling, resampling ([h, w] pairs)
  conv2d(x: H, weight: H, bias: H | undefined, stride: number[], padding: number[], dilation: number[], groups: number): H;
  convTranspose2d(
    x: H, weight: H, bias: H | undefined, stride: number[], padding: number[], outputPadding: number[], groups: number, dilation: number[],
  ): H;
  batchNorm(x: H, weight: H | undefined, bias: H | undefined, runningMean: H | undefined, runningVar: H | undefined,
    training: boolean, momentum: number, eps: number): H;
  instanceNorm(x: H, weight: H | undefined, bias: H | undefined, runningMean: H | undefined, runningVar: H | undefined,
    useInputStats: boolean, momentum: number, eps: number): H;
  layerNorm(x: H, normalizedShape: number[], weight: H | undefined, bias: H | undefined, eps: number): H;
  maxPool2d(x: H, kernel: number[], stride: number[], padding: number[], dilation: number[], ceilMode: boolean): H;
  avgPool2d(x: H, kernel: number[], stride: number[], padding: number[], ceilMode: boolean, countIncludePad: boolean): H;
  upsampleBilinear2d(x: H, outputSize: number[], alignCorners: boolean): H;
  upsampleNearest2d(x: H, outputSize: number[]): H;
  embedding(weight: H, indices: H): H;
  pad(x: H, pad: number[], mode?: 'constant' | 'reflect' | 'replicate', value?: number): H;
  // autograd
  setRequiresGrad(t: H, flag: boolean): void;
  requiresGrad(t: H): boolean;
  isLeaf(t: H): boolean;
  detach(t: H): H;
  grad(t: H): H | null;
  clearGrads(params: H[]): void;
  backward(t: H, gradient?: H, retainGraph?: boolean, createGraph?: boolean): void;
  autogradGrad(outputs: H[], inputs: H[], gradOutputs: H[] | null, retainGraph: boolean | undefined, createGraph: boolean): (H | null)[];
  gradEnabled(): boolean;
  setGradEnabled(flag: boolean): void;
  // optimizers
  adamStep(
    params: H[], expAvg: H[], expAvgSq: H[], maxExpAvgSq: H[], steps: Float64Array,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, amsgrad: boolean, fused: boolean,
  ): void;
  emaUpdate(averages: H[], params: H[], decay: number): void;
  sgdStep(
    params: H[], momentumBuffers: H[], steps: Float64Array,
    lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean,
  ): void;
}

function findAddon(): string {
  // Walk up from this file to the package root (dist/src/torch → root), where node-gyp puts build/.
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'build', 'Release', 'ganforge.node');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(
    'the ganforge native addon is not built: run `npm install` (or `npm run build:native`) in the ganforge folder',
  );
}

export const native: NativeAddon = require(findAddon());

// Thread settings, chosen on purpose (see bench/README.md): one intra-op thread and OpenBLAS's own threads is
// the fastest mix on small CPUs; more intra-op threads oversubscribe the cores that OpenBLAS already uses.
// GANFORGE_THREADS overrides the intra-op count everywhere (see also setNumThreads and model families' `threads`).
export const THREADS_OVERRIDE = Number(process.env.GANFORGE_THREADS) || null;
native.setNumThreads(THREADS_OVERRIDE ?? 1);
