// Loads the native addon (native/, built by `npm install` or `npm run build:native`) and types its surface.
// Only src/torch/ imports this file: everything else goes through Tensor.
import * as fs from 'fs';
import * as path from 'path';
import { type ArgKind, type NATIVE_OPS, type OpName, type OpSpec } from './native-ops';

/** An opaque reference to one native tensor. Owned by exactly one Tensor. */
export type Handle = { readonly __tensorHandle: unique symbol };
export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'uint8' | 'bool';
export type Reduction = 'mean' | 'sum' | 'none';
export type AnyTypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
type H = Handle;

/** The TypeScript type of one argument kind of the table in native-ops.ts. */
interface ArgTypes {
  tensor: H;
  operand: H | number;
  tensors: H[];
  int: number;
  ints: number[];
  shape: number[];
  number: number;
  bool: boolean;
  dtype: DType;
  device: string;
  reduction: Reduction;
  padMode: 'constant' | 'reflect' | 'replicate';
  typedArray: AnyTypedArray;
  float64s: Float64Array;
  bytes: Uint8Array;
  string: string;
  any: unknown;
}
interface ReturnTypes {
  tensor: H;
  'tensor|null': H | null;
  pair: [H, H];
  'tensors|null': (H | null)[];
  void: void;
  number: number;
  bool: boolean;
  string: string;
  ints: number[];
  dtype: DType;
  typedArray: AnyTypedArray;
  bytes: Uint8Array;
  memory: { liveTensors: number; bytes: number };
}
type ArgType<K> = K extends `${infer Base extends ArgKind}?` ? ArgTypes[Base] | null | undefined
  : K extends ArgKind ? ArgTypes[K] : never;
/** A nullable (`kind?`) argument may be left out when every argument after it is nullable too. */
type Params<A extends readonly unknown[]> = A extends readonly [infer First, ...infer Rest]
  ? First extends `${string}?`
    ? AllNullable<Rest> extends true ? [ArgType<First>?, ...Params<Rest>] : [ArgType<First>, ...Params<Rest>]
    : [ArgType<First>, ...Params<Rest>]
  : [];
type AllNullable<A extends readonly unknown[]> = A extends readonly [infer First, ...infer Rest]
  ? First extends `${string}?` ? AllNullable<Rest> : false
  : true;
type NativeFunction<S extends OpSpec> = (...args: Params<S['args']>) => ReturnTypes[S['returns']];

/** The addon's type, derived from the one table of exports (native-ops.ts), so the two cannot drift. */
export type NativeAddon = { readonly [K in OpName]: NativeFunction<(typeof NATIVE_OPS)[K]> };

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
