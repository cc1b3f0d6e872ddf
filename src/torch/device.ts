// Where tensors live and in what precision they compute: the `--device` and `--precision` choices of every
// command, resolved against what this libtorch and machine have.
import { getDefaultDevice, setDefaultDevice } from './create';
import { native } from './native';

/** CUDA devices this process can use: 0 where libtorch was built without CUDA or no GPU is visible. */
export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

/**
 * A device request made concrete: 'auto' is the first GPU where there is one, else the CPU; 'cuda' is 'cuda:0'.
 * Throws one line when the request cannot be met (no CUDA in this build, a GPU index that is not there).
 */
export function resolveDevice(request: string): string {
  if (request === 'cpu') return 'cpu';
  const count = cudaDeviceCount();
  if (request === 'auto') return count > 0 ? 'cuda:0' : 'cpu';
  const match = /^cuda(?::(\d{1,4}))?$/.exec(request);
  if (!match) throw new RangeError(`unknown device '${request}' (expected auto, cpu, cuda or cuda:K)`);
  if (count === 0) {
    throw new RangeError(`${request} asked for, but this ganforge has no GPU to use (libtorch ${native.version()} was built without CUDA, or no GPU is visible); use cpu`);
  }
  const index = Number(match[1] ?? 0);
  if (index >= count) throw new RangeError(`${request} asked for, but only cuda:0…cuda:${count - 1} are here`);
  return `cuda:${index}`;
}

/** Resolves the request and makes it the default device of every tensor created from now on; returns it. */
export function useDevice(request: string): string {
  const device = resolveDevice(request);
  setDefaultDevice(device);
  return device;
}

export function onGpu(): boolean {
  return getDefaultDevice().startsWith('cuda');
}

/**
 * Training precision: fp32, or mixed precision on a GPU (autocast, as torch.autocast: matrix products and
 * convolutions in bfloat16 or float16, reductions and losses in float32; parameters and optimizer state stay
 * float32). fp16's narrow range needs loss scaling (see optim/loss-scaler.ts); bf16 has float32's range.
 */
export type Precision = 'fp32' | 'bf16' | 'fp16';
export const PRECISIONS: readonly Precision[] = ['fp32', 'bf16', 'fp16'];

/** Runs fn with autocast for `precision` on (nothing changes for fp32), and off again afterwards, also on throw. */
export function withPrecision<T>(precision: Precision, fn: () => T): T {
  if (precision === 'fp32') return fn();
  if (!onGpu()) throw new RangeError(`mixed precision (${precision}) runs on a GPU; on the CPU use fp32`);
  // Nested inside another autocast region (a family that autocasts part of its own step), leave it as found.
  if (native.autocastEnabled()) return fn();
  native.setAutocast(true, precision === 'bf16' ? 'bfloat16' : 'float16');
  try {
    return fn();
  } finally {
    native.setAutocast(false);
  }
}
