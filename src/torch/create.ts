// Creating tensors, and the functions that combine several tensors into one.
import { AnyTypedArray, DType, native, THREADS_OVERRIDE } from './native';
import { Tensor } from './tensor';

export interface CreateOptions {
  dtype?: DType;
  device?: string;
}

let defaultFloat: 'float32' | 'float64' = 'float32';
let defaultDevice = 'cpu';

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
  return new Tensor(native.zeros(checkShape(shape), options.dtype ?? defaultFloat, options.device ?? defaultDevice));
}
export function ones(shape: number[], options: CreateOptions = {}): Tensor {
  return new Tensor(native.ones(checkShape(shape), options.dtype ?? defaultFloat, options.device ?? defaultDevice));
}
export function full(shape: number[], value: number, options: CreateOptions = {}): Tensor {
  return new Tensor(native.full(checkShape(shape), value, options.dtype ?? defaultFloat, options.device ?? defaultDevice));
}
/** Standard normal samples from the global generator (see manualSeed). */
export function randn(shape: number[], options: CreateOptions = {}): Tensor {
  return new Tensor(native.randn(checkShape(shape), options.dtype ?? defaultFloat, options.device ?? defaultDevice));
}
/** Uniform samples in [0, 1) from the global generator. */
export function rand(shape: number[], options: CreateOptions = {}): Tensor {
  return new Tensor(native.rand(checkShape(shape), options.dtype ?? defaultFloat, options.device ?? defaultDevice));
}
/** int64 samples in [low, high). */
export function randint(low: number, high: number, shape: number[], options: { device?: string } = {}): Tensor {
  return new Tensor(native.randint(low, high, checkShape(shape), options.device ?? defaultDevice));
}
/**
 * A random permutation of 0…n-1 (int64); with a seed it comes from a private CPU generator (so it is the same on
 * every device), and moves to the default device.
 */
export function randperm(n: number, seed?: number): Tensor {
  return onDefaultDevice(new Tensor(native.randperm(n, seed)));
}
/** arange(end) or arange(start, end, step): float32 unless a dtype is given. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  return new Tensor(native.arange(start, end, step, options.dtype, options.device ?? defaultDevice));
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
      case 'float16': case 'bfloat16': throw new TypeError(`tensor(): make a float32 tensor and .to('${dtype}') it`);
      case 'int64': array = BigInt64Array.from(data, (v) => BigInt(Math.trunc(v))); break;
      case 'int32': array = Int32Array.from(data); break;
      case 'uint8': case 'bool': array = Uint8Array.from(data); break;
    }
  } else {
    array = data;
  }
  const dims = checkShape(shape ?? [array.length]);
  return onDefaultDevice(new Tensor(native.fromTypedArray(array, dims, dtype === 'bool' ? 'bool' : undefined)));
}

// ---- the default device ----
/**
 * Where new tensors go when no device is named: 'cpu' (the default) or 'cuda' / 'cuda:k', as PyTorch's
 * torch.set_default_device. Creation, data (tensor(), loaded files) and random draws all follow it, so a model
 * built after setDefaultDevice('cuda') trains on the GPU without any other change. See src/torch/device.ts.
 */
export function setDefaultDevice(device: string): void {
  defaultDevice = device;
}
export function getDefaultDevice(): string {
  return defaultDevice;
}
/** `t` itself on the CPU default; else its copy on the default device (t is freed). */
function onDefaultDevice(t: Tensor): Tensor {
  if (defaultDevice === 'cpu') return t;
  try {
    return t.to({ device: defaultDevice });
  } finally {
    t.dispose();
  }
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
/**
 * The state of every generator the default device draws from: the CPU's always (permutations and CPU tensors
 * use it), and the CUDA device's when tensors live there. For checkpoints and for draws that must not move the
 * training stream.
 */
export interface RandomState {
  cpu: Uint8Array;
  /** The default CUDA device's generator, when the default device is a GPU. */
  cuda?: Uint8Array;
}
export function randomState(): RandomState {
  const cpu = native.rngState();
  return defaultDevice.startsWith('cuda') ? { cpu, cuda: native.rngState(defaultDevice) } : { cpu };
}
/** Restores a randomState(); a CUDA part is restored only where tensors live on a GPU now (else it is moot). */
export function setRandomState(state: RandomState): void {
  native.setRngState(state.cpu);
  if (state.cuda && defaultDevice.startsWith('cuda')) native.setRngState(state.cuda, defaultDevice);
}
/** The byte length of the CPU generator's state (what a checkpoint's rng_state holds). */
export function cpuRandomStateBytes(): number {
  return native.rngState().length;
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
