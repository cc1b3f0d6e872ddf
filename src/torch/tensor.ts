// Tensor: the one TypeScript owner of one native tensor. Methods never modify `this` unless their name ends
// in `_` (as in PyTorch); every other method returns a new Tensor that the caller owns.
import { AnyTypedArray, DType, Handle, native } from './native';
import { backwardSeed } from './loss-scale';
import { adopt, markScoped, ScopedTensor } from './scope';

export type Operand = Tensor | number;

function operand(x: Operand): Handle | number {
  return typeof x === 'number' ? x : x.handle;
}

function wrap(h: Handle): Tensor {
  return new Tensor(h);
}

function normDim(dim: number, ndim: number): number {
  return dim < 0 ? dim + ndim : dim;
}

export class Tensor implements ScopedTensor, Disposable {
  #handle: Handle | null;
  #shape: number[] | null = null;
  scope: Set<ScopedTensor> | null = null;

  /** Wraps a native handle; use the creation functions (zeros, randn, tensor, …) rather than this. */
  constructor(handle: Handle) {
    this.#handle = handle;
    markScoped(this);
    adopt(this);
  }

  get handle(): Handle {
    if (this.#handle === null) throw new Error('tensor used after dispose()');
    return this.#handle;
  }

  get isDisposed(): boolean {
    return this.#handle === null;
  }

  /** Frees the native tensor now. Safe to call twice. */
  dispose(): void {
    if (this.#handle === null) return;
    native.dispose(this.#handle);
    this.#handle = null;
    this.scope?.delete(this);
    this.scope = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- facts ----
  get shape(): number[] {
    this.#shape ??= native.shape(this.handle);
    return this.#shape.slice();
  }
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  get dtype(): DType {
    return native.dtype(this.handle);
  }
  get device(): string {
    return native.device(this.handle);
  }
  toString(): string {
    return this.isDisposed ? 'Tensor(disposed)' : `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype})`;
  }

  // ---- reading data out ----
  /** The data as a fresh typed array, row-major (int64 → BigInt64Array, bool → Uint8Array). */
  toTypedArray(): AnyTypedArray {
    return native.toTypedArray(this.handle);
  }
  toFloat32Array(): Float32Array {
    if (this.dtype === 'float32') return native.toTypedArray(this.handle) as Float32Array;
    const h = native.to(this.handle, 'float32');
    try {
      return native.toTypedArray(h) as Float32Array;
    } finally {
      native.dispose(h);
    }
  }
  /** The data as plain numbers (int64 values beyond 2^53 lose precision). */
  toArray(): number[] {
    const data = this.toTypedArray();
    return data instanceof BigInt64Array ? Array.from(data, Number) : Array.from(data as ArrayLike<number>);
  }
  item(): number {
    return native.item(this.handle);
  }

  // ---- conversion and copies ----
  to(options: { dtype?: DType; device?: string }): Tensor {
    return wrap(native.to(this.handle, options.dtype, options.device));
  }
  clone(): Tensor {
    return wrap(native.clone(this.handle));
  }
  contiguous(): Tensor {
    return wrap(native.contiguous(this.handle));
  }

  // ---- elementwise ----
  neg(): Tensor { return wrap(native.neg(this.handle)); }
  abs(): Tensor { return wrap(native.abs(this.handle)); }
  exp(): Tensor { return wrap(native.exp(this.handle)); }
  log(): Tensor { return wrap(native.log(this.handle)); }
  sqrt(): Tensor { return wrap(native.sqrt(this.handle)); }
  square(): Tensor { return wrap(native.square(this.handle)); }
  floor(): Tensor { return wrap(native.floor(this.handle)); }
  round(): Tensor { return wrap(native.round(this.handle)); }
  tanh(): Tensor { return wrap(native.tanh(this.handle)); }
  sigmoid(): Tensor { return wrap(native.sigmoid(this.handle)); }
  relu(): Tensor { return wrap(native.relu(this.handle)); }
  leakyRelu(negativeSlope = 0.01): Tensor { return wrap(native.leakyRelu(this.handle, negativeSlope)); }
  softmax(dim: number): Tensor { return wrap(native.softmax(this.handle, dim)); }
  logSoftmax(dim: number): Tensor { return wrap(native.logSoftmax(this.handle, dim)); }
  clamp(min?: number, max?: number): Tensor { return wrap(native.clamp(this.handle, min, max)); }
  isFinite(): Tensor { return wrap(native.isFinite(this.handle)); }
  /** True when every element is finite (no NaN or ±Inf). */
  allFinite(): boolean {
    const h = native.isFinite(this.handle);
    try {
      return native.allTrue(h);
    } finally {
      native.dispose(h);
    }
  }

  add(other: Operand): Tensor { return wrap(native.add(this.handle, operand(other))); }
  sub(other: Operand): Tensor { return wrap(native.sub(this.handle, operand(other))); }
  mul(other: Operand): Tensor { return wrap(native.mul(this.handle, operand(other))); }
  div(other: Operand): Tensor { return wrap(native.div(this.handle, operand(other))); }
  pow(exponent: Operand): Tensor { return wrap(native.pow(this.handle, operand(exponent))); }
  eq(other: Operand): Tensor { return wrap(native.eq(this.handle, operand(other))); }
  ne(other: Operand): Tensor { return wrap(native.ne(this.handle, operand(other))); }
  lt(other: Operand): Tensor { return wrap(native.lt(this.handle, operand(other))); }
  le(other: Operand): Tensor { return wrap(native.le(this.handle, operand(other))); }
  gt(other: Operand): Tensor { return wrap(native.gt(this.handle, operand(other))); }
  ge(other: Operand): Tensor { return wrap(native.ge(this.handle, operand(other))); }
  maximum(other: Tensor): Tensor { return wrap(native.maximum(this.handle, other.handle)); }
  minimum(other: Tensor): Tensor { return wrap(native.minimum(this.handle, other.handle)); }
  matmul(other: Tensor): Tensor { return wrap(native.matmul(this.handle, other.handle)); }

  // ---- reductions (no dims: over everything) ----
  sum(dims?: number[], keepdim = false): Tensor { return wrap(native.sum(this.handle, dims, keepdim)); }
  mean(dims?: number[], keepdim = false): Tensor { return wrap(native.mean(this.handle, dims, keepdim)); }
  variance(dims?: number[], options: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor {
    return wrap(native.var(this.handle, dims, options.unbiased ?? true, options.keepdim ?? false));
  }
  max(): Tensor { return wrap(native.max(this.handle)); }
  min(): Tensor { return wrap(native.min(this.handle)); }
  /** Largest values along dim and where they are. */
  maxAlong(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.maxDim(this.handle, dim, keepdim);
    return { values: wrap(values), indices: wrap(indices) };
  }
  minAlong(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.minDim(this.handle, dim, keepdim);
    return { values: wrap(values), indices: wrap(indices) };
  }
  argmax(dim?: number, keepdim = false): Tensor { return wrap(native.argmax(this.handle, dim, keepdim)); }
  /** The k largest (or smallest) values along dim, sorted, and where they are. */
  topk(k: number, dim = -1, largest = true): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.topk(this.handle, k, dim, largest);
    return { values: wrap(values), indices: wrap(indices) };
  }

  // ---- shape and indexing ----
  reshape(shape: number[]): Tensor { return wrap(native.reshape(this.handle, shape)); }
  view(shape: number[]): Tensor { return wrap(native.view(this.handle, shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return wrap(native.flatten(this.handle, startDim, endDim)); }
  transpose(dim0: number, dim1: number): Tensor { return wrap(native.transpose(this.handle, dim0, dim1)); }
  permute(dims: number[]): Tensor { return wrap(native.permute(this.handle, dims)); }
  unsqueeze(dim: number): Tensor { return wrap(native.unsqueeze(this.handle, dim)); }
  squeeze(dim?: number): Tensor { return wrap(native.squeeze(this.handle, dim)); }
  expand(shape: number[]): Tensor { return wrap(native.expand(this.handle, shape)); }
  /** Elements start … start+length-1 along dim (a view). */
  narrow(dim: number, start: number, length: number): Tensor {
    return wrap(native.narrow(this.handle, normDim(dim, this.ndim), start, length));
  }
  select(dim: number, index: number): Tensor { return wrap(native.select(this.handle, dim, index)); }
  indexSelect(dim: number, index: Tensor): Tensor { return wrap(native.indexSelect(this.handle, dim, index.handle)); }
  gather(dim: number, index: Tensor): Tensor { return wrap(native.gather(this.handle, dim, index.handle)); }

  // ---- autograd ----
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  /** Marks this (leaf) tensor for gradient recording; returns this. */
  requiresGrad_(flag = true): this {
    native.setRequiresGrad(this.handle, flag);
    return this;
  }
  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }
  /** The accumulated gradient as a new Tensor, or null if none was computed. */
  get grad(): Tensor | null {
    const h = native.grad(this.handle);
    return h === null ? null : wrap(h);
  }
  /** Backpropagates from this tensor; from a scalar loss inside withLossScaling, from loss × S (see loss-scale.ts). */
  backward(gradient?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    const seed = gradient ? null : backwardSeed(this);
    try {
      native.backward(this.handle, gradient?.handle ?? seed, options.retainGraph, options.createGraph ?? false);
    } finally {
      if (seed) native.dispose(seed);
    }
  }
  detach(): Tensor { return wrap(native.detach(this.handle)); }

  // ---- in-place (for initialisation and loading; never recorded by autograd) ----
  uniform_(low: number, high: number): this {
    native.uniform_(this.handle, low, high);
    return this;
  }
  normal_(mean: number, std: number): this {
    native.normal_(this.handle, mean, std);
    return this;
  }
  fill_(value: number): this {
    native.fill_(this.handle, value);
    return this;
  }
  copy_(source: Tensor): this {
    native.copy_(this.handle, source.handle);
    return this;
  }
}
