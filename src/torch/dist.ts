// The collectives of native/src/dist.cc (c10d, Gloo): one process group per process. src/dist/ builds data
// parallelism on these; this file only crosses the boundary.
import { native } from './native';
import { Tensor } from './tensor';

/** DDP's default bucket: gradients are flattened into buffers of at most this many bytes, one collective each. */
export const BUCKET_BYTES = 25 * 1024 * 1024;

/** Whether this libtorch has c10d with Gloo compiled in (and the addon was built with its headers). */
export function distAvailable(): boolean {
  return native.distAvailable();
}

/** Joins the group: rank 0 hosts the rendezvous store at host:port. Every collective times out after `timeoutMs`. */
export function initProcessGroup(host: string, port: number, rank: number, worldSize: number, timeoutMs: number): void {
  native.distInit(host, port, rank, worldSize, timeoutMs);
}

export function destroyProcessGroup(): void {
  native.distDestroy();
}

/** Each tensor becomes its average over all ranks, in place (bucketed). */
export function allReduceMean(tensors: Tensor[], bucketBytes = BUCKET_BYTES): void {
  if (tensors.length > 0) native.distAllReduceMean(tensors.map((t) => t.handle), bucketBytes);
}

/** The sum of `x` over all ranks, as a differentiable op (its backward sums the gradients over ranks too). */
export function allReduceSum(x: Tensor): Tensor {
  return new Tensor(native.distAllReduceSum(x.handle));
}

/** Every rank's tensors take rank `root`'s values, in place (bucketed). */
export function broadcast(tensors: Tensor[], root = 0, bucketBytes = BUCKET_BYTES): void {
  if (tensors.length > 0) native.distBroadcast(tensors.map((t) => t.handle), root, bucketBytes);
}

export function barrier(): void {
  native.distBarrier();
}
