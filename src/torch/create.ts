// Creating tensors, and the functions that combine several tensors into one.
import { AnyTypedArray, DType, native, THREADS_OVERRIDE } from './native';
import { Tensor } from './tensor';

export interface CreateOptions {
  dtype?: DType;
  device?: string;
}

let defaultFloat: 'float32' | 'float64' = 'float32';

/** The dtype of new floating tensors when none is given (float32; float64 for precise gradient checks). */
export function setDefaultDType(dtype: 'float32' | 'float64'): void {
  defaultFloat = dtype;
}

function checkShape(shape: number[]): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid shape [${shape.join(', ')}]`);
  }
  return shape;
}

export function zeros(shape: number[], options: CreateOptions = {}): Tensor {
  return new Tensor(native.zeros(checkShape(shape), options.dtype ?? defaultFloat, options.device));
}
export function ones(shape: number[], options: CreateOptions = {}): Tensor {
  return new Tensor(native.ones(checkShape(shape), options.dtype ?? defaultFloat, options.device));
}
export function full(shape: number[], value: number, options: CreateOptions = {}): Tensor {
  return new Tensor(native.full(checkShape(shape), value, options.dtype ?? defaultFloat, options.device));
}
/** Standard normal samples from the global generator (see manualSeed). */
export function randn(shape: number[], options: CreateOptions = {}): Tensor {
  return new Tensor(native.randn(checkShape(shape), options.dtype ?? defaultFloat, options.device));
}
/** Uniform samples in [0, 1) from the global generator. */
export function rand(shape: number[], options: CreateOptions = {}): Tensor {
  return new Tensor(native.rand(checkShape(shape), options.dtype ?? defaultFloat, options.device));
}
/** int64 samples in [low, high). */
export function randint(low: number, high: number, shape: number[], options: { device?: string } = {}): Tensor {
  return new Tensor(native.randint(low, high, checkShape(shape), options.device));
}
/** A random permutation of 0…n-1 (int64); with a seed it comes from a private generator. */
export function randperm(n: number, seed?: number): Tensor {
  return new Tensor(native.randperm(n, seed));
}
/** arange(end) or arange(start, end, step): float32 unless a dtype is given. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  return new Tensor(native.arange(start, end, step, options.dtype, options.device));
}

/**
 * A tensor from data, copied. Numbers become float32 unless dtype says otherwise; a typed array keeps its
 * element type (Uint8Array may be read as bool). The shape defaults to one dimension.
 */
export function tensor(data: number[] | AnyTypedArray, shape?: number[], dtype?: DType): Tensor {
  let array: AnyTypedArray;
  if (Array.isArray(data)) {
    switch (dtype ?? defaultFloat) {
      case 'float32': array = Float32Array.from(data); break;
      case 'float64': array = Float64Array.from(data); break;
      case 'int64': array = BigInt64Array.from(data, (v) => BigInt(Math.trunc(v))); break;
      case 'int32': array = Int32Array.from(data); break;
      case 'uint8': case 'bool': array = Uint8Array.from(data); break;
    }
  } else {
    array = data;
  }
  const dims = checkShape(shape ?? [array.length]);
  return new Tensor(native.fromTypedArray(array, dims, dtype === 'bool' ? 'bool' : undefined));
}

export function cat(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(native.cat(tensors.map((t) => t.handle), dim));
}
export function stack(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(native.stack(tensors.map((t) => t.handle), dim));
}
/** Elementwise: a where condition holds, else b. */
export function where(condition: Tensor, a: Tensor, b: Tensor): Tensor {
  return new Tensor(native.where(condition.handle, a.handle, b.handle));
}

// ---- the global random generator ----
/** Seeds the global generator: the same seed on the same CPU gives the same run, bit for bit. */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  native.manualSeed(seed);
}
/** The global generator's full state, for checkpoints. */
export function rngState(): Uint8Array {
  return native.rngState();
}
export function setRngState(state: Uint8Array): void {
  native.setRngState(state);
}

/** Sets libtorch's intra-op threads, unless GANFORGE_THREADS fixes them for the whole process. */
export function setNumThreads(n: number): void {
  native.setNumThreads(THREADS_OVERRIDE ?? n);
}
export function numThreads(): number {
  return native.numThreads();
}

/**
 * Runs `fn` with `n` intra-op threads (see setNumThreads) and puts the caller's count back afterwards, also when
 * it throws; when `fn` returns a promise, once that settles.
 */
export function withThreads<T>(n: number, fn: () => T): T {
  const before = numThreads();
  setNumThreads(n);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    setNumThreads(before);
    throw err;
  }
  if (result instanceof Promise) return result.finally(() => setNumThreads(before)) as T;
  setNumThreads(before);
  return result;
}
export function libtorchVersion(): string {
  return native.version();
}
