// The native fuzz driver: run as `node dist/test/fuzz/native-fuzz-driver.js SEED CALLS` by native-fuzz.test.ts,
// in a child process so that a crash (SIGSEGV, abort, "double free") fails the test instead of killing the runner.
//
// Every export of the addon, taken from the one table (src/torch/native-ops.ts), gets calls whose arguments are
// generated from its declared kinds: mostly plausible values (small tensors of every dtype and layout, small
// ints, valid names) so calls reach the kernels, mixed with hostile ones (NaN, ±Infinity, fractions, negative and
// huge sizes, lossy BigInts, every typed-array kind, disposed handles, foreign objects, arrays whose getters
// throw or dispose a tensor mid-call) and too few or too many arguments. Each call must return a value of its
// declared kind or throw a JS Error whose message names the op; at the end every tensor the calls returned is
// disposed and the live-tensor count must be back where it started. Exit 0 and one summary line mean it held.
import { NATIVE_OPS, type ArgKind, type OpName } from '../../src/torch/native-ops';
import { native, type Handle } from '../../src/torch/native';
import { pick, seededRandom } from '../helpers/hostile';

const seed = Number(process.argv[2] ?? 1);
const callsPerOp = Number(process.argv[3] ?? 40);
const random = seededRandom(seed);
const chance = (p: number) => random() < p;
const oneOf = <T>(items: readonly T[]): T => items[pick(random, items.length)];
const fail = (message: string): never => {
  console.error(`native-fuzz (seed ${seed}): ${message}`);
  process.exit(1);
};

// ---- the tensor pool, rebuilt often: calls mutate, dispose and attach graphs to its tensors ----
let pool: Handle[] = [];
let disposed: Handle;
function buildPool(): void {
  for (const h of pool) native.dispose(h);
  const f32 = (shape: number[]) => native.randn(shape, 'float32');
  const idx = (values: bigint[], shape: number[]) => native.fromTypedArray(new BigInt64Array(values), shape);
  const param = native.randn([64], 'float32');
  native.setRequiresGrad(param, true);
  const doubled = native.mul(param, 2);
  const loss = native.sum(doubled);
  native.backward(loss);
  const paramBig = native.randn([4096], 'float32');
  native.setRequiresGrad(paramBig, true);
  const loss2 = native.sum(paramBig);
  native.backward(loss2);
  const wide = f32([3, 4]);
  const row = native.zeros([1, 3]);
  pool = [
    f32([]), f32([3]), f32([2, 3]), f32([3, 2]), f32([1, 2, 4, 4]), f32([2, 3, 5, 5]), f32([3, 3, 3, 3]), f32([0, 3]),
    native.randn([2, 3], 'float64'), native.rand([2, 3]), native.zeros([64]), native.zeros([1]), native.zeros([128]),
    native.zeros([1, 64]), native.zeros([64], 'float64'), native.ones([4096]), native.zeros([4096]),
    native.randint(0, 3, [2]), native.randint(0, 3, [2, 3]), idx([-9n, 2n ** 40n], [2]), idx([0n, 1n, 2n], [3]),
    native.zeros([2, 3], 'bool'), native.ones([2, 3], 'uint8'), native.ones([2, 3], 'int32'),
    native.transpose(wide, 0, 1), native.expand(row, [4, 3]), wide,
    param, paramBig, loss, loss2, native.mul(param, 3), doubled, row,
  ];
  disposed = native.zeros([2]);
  native.dispose(disposed);
}

const tensorArg = (): unknown => (chance(0.05) ? disposed : oneOf(pool));

// ---- hostile values ----
const hostileNumbers = [NaN, Infinity, -Infinity, -0, 0.5, 2.5, -1, -7, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 2 ** 63, -(2 ** 63), 1e308, -1e308, 5e-324];
const hostileBigInts = [0n, -1n, 3n, 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n + 3n, 10n ** 30n];
const typedArrayKinds = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array,
  Float64Array, BigInt64Array, BigUint64Array,
] as const;
function anyTypedArray(length = pick(random, 9)): unknown {
  const Kind = oneOf(typedArrayKinds);
  const offset = chance(0.3) ? 1 : 0;
  const buffer = new ArrayBuffer((length + offset) * Kind.BYTES_PER_ELEMENT);
  const array = new Kind(buffer, offset * Kind.BYTES_PER_ELEMENT, length);
  if (chance(0.1)) return new DataView(buffer);
  if (chance(0.05)) return buffer;
  return array;
}
/** An array whose element getter throws, or disposes a pool tensor while the native side is reading arguments. */
function trappedArray(): unknown[] {
  const array = [1, 2];
  const victim = oneOf(pool);
  Object.defineProperty(array, 0, {
    get() {
      if (chance(0.5)) throw new Error('trap: getter threw');
      native.dispose(victim);
      return 1;
    },
  });
  return array;
}
function foreign(): unknown {
  const choices: (() => unknown)[] = [
    () => ({}), () => [], () => null, () => undefined, () => 'x', () => '', () => 42, () => oneOf(hostileNumbers),
    () => true, () => oneOf(hostileBigInts), () => Symbol('s'), () => () => 1, () => Object.create(null),
    () => ({ __tensorHandle: 1 }), () => new Proxy({}, {}), () => new Proxy([], {}), () => anyTypedArray(),
    () => [oneOf(pool)], () => new Date(0), () => Promise.resolve(), () => trappedArray(), () => disposed,
    () => Object.freeze([1, 2]), () => new Array(3),
  ];
  return oneOf(choices)();
}

// ---- plausible values per kind (most calls), hostile ones otherwise ----
function intValue(): number | bigint {
  if (chance(0.75)) return pick(random, 9) - 3;
  return chance(0.8) ? oneOf(hostileNumbers) : oneOf(hostileBigInts);
}
function intsValue(): unknown[] {
  const length = chance(0.02) ? 65 + pick(random, 100) : pick(random, 5);
  return Array.from({ length }, () => (chance(0.85) ? pick(random, 6) - 1 : intValue()));
}
function generate(kind: ArgKind): unknown {
  switch (kind) {
    case 'tensor': return tensorArg();
    case 'operand': return chance(0.5) ? tensorArg() : oneOf([0, 1, -2.5, ...hostileNumbers]);
    case 'tensors': {
      const list: unknown[] = Array.from({ length: pick(random, 4) }, tensorArg);
      if (chance(0.1)) list.push(foreign());
      return list;
    }
    case 'int': return intValue();
    case 'ints': return intsValue();
    case 'shape': return chance(0.8) ? Array.from({ length: pick(random, 4) }, () => pick(random, 5)) : intsValue();
    case 'number': return chance(0.7) ? oneOf([0, 1, 0.5, -1, 1e-5, 0.9, 0.999]) : oneOf(hostileNumbers);
    case 'bool': return chance(0.9) ? chance(0.5) : oneOf([0, 1, 'true', null]);
    case 'dtype': return oneOf(['float32', 'float64', 'int64', 'int32', 'uint8', 'bool', 'complex', '', 'float16']);
    case 'device': return oneOf(['cpu', 'cpu', 'cuda', 'cuda:7', 'meta', 'gpu:banana', '', 'cpu:-1']);
    case 'reduction': return oneOf(['mean', 'sum', 'none', 'avg', '']);
    case 'padMode': return oneOf(['constant', 'reflect', 'replicate', 'circular', 'zeros']);
    case 'typedArray': return anyTypedArray();
    case 'float64s': return chance(0.6) ? new Float64Array(pick(random, 4)) : anyTypedArray(pick(random, 4));
    case 'bytes': {
      const state = native.rngState();
      if (chance(0.4)) return state;
      if (chance(0.5)) return state.subarray(pick(random, 8));
      return anyTypedArray(state.length);
    }
    // Host names: none of the fuzzer's ports is a valid one (1024..65535), so no call ever connects anywhere.
    case 'string': return oneOf(['localhost', '127.0.0.1', '', 'no such host', 'x'.repeat(300)]);
    case 'any': return foreign();
  }
}

/** Coherent optimizer calls (matching lists, state of the parameter's shape or nearly), to reach the fused loops. */
function optimizerArgs(op: 'adamStep' | 'sgdStep' | 'emaUpdate'): unknown[] {
  const params = [pool[27], pool[28]]; // param [64], paramBig [4096], both with gradients
  const stateFor = (p: number) => {
    if (chance(0.6)) return p === 27 ? oneOf([pool[10], pool[10], pool[11], pool[12], pool[13], pool[14]]) : oneOf([pool[16], pool[15], pool[10]]);
    return tensorArg();
  };
  const list = () => (chance(0.9) ? [stateFor(27), stateFor(28)] : [stateFor(27)]);
  const steps = chance(0.7) ? new Float64Array(2) : chance(0.5) ? anyTypedArray(2) : new Float64Array(pick(random, 4));
  const num = () => generate('number');
  if (op === 'adamStep') return [params, list(), list(), list(), steps, 1e-3, 0.9, 0.999, 1e-8, num(), chance(0.5), chance(0.7)];
  if (op === 'sgdStep') return [params, list(), steps, 0.1, chance(0.8) ? 0.9 : 0, num(), num(), chance(0.5)];
  return [list(), params, num()];
}

// ---- checking a result against its declared kind; collecting tensors to dispose ----
const returned: Handle[] = [];
function isHandle(value: unknown, op = '?'): value is Handle {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  try {
    const shape = native.shape(value as Handle);
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`${op}: a tensor came back with shape ${shape}`);
    return true;
  } catch {
    return false;
  }
}
function checkResult(op: OpName, kind: string, value: unknown): void {
  const bad = (what: string) => fail(`${op} returned ${String(value)} for a ${kind} (${what})`);
  switch (kind) {
    case 'tensor': if (!isHandle(value, op)) bad('not a tensor'); returned.push(value as Handle); return;
    case 'tensor|null': if (value === null) return; if (!isHandle(value, op)) bad('not a tensor'); returned.push(value as Handle); return;
    case 'pair': case 'tensors|null':
      if (!Array.isArray(value) || (kind === 'pair' && value.length !== 2)) bad('not a list');
      for (const v of value as unknown[]) {
        if (v === null && kind === 'tensors|null') continue;
        if (!isHandle(v, op)) bad('an element is not a tensor');
        returned.push(v as Handle);
      }
      return;
    case 'void': if (value !== undefined) bad('not undefined'); return;
    case 'number': if (typeof value !== 'number') bad('not a number'); return;
    case 'bool': if (typeof value !== 'boolean') bad('not a boolean'); return;
    case 'string': case 'dtype': if (typeof value !== 'string') bad('not a string'); return;
    case 'ints': if (!Array.isArray(value) || !value.every(Number.isInteger)) bad('not integers'); return;
    case 'typedArray': case 'bytes': if (!ArrayBuffer.isView(value)) bad('not a typed array'); return;
    case 'memory': if (typeof (value as { liveTensors?: unknown }).liveTensors !== 'number') bad('not memory stats'); return;
    default: bad('unknown kind');
  }
}

// ---- the run ----
const ops = Object.keys(NATIVE_OPS) as OpName[];
const startLive = native.memory().liveTensors;
const threads = native.numThreads();
buildPool();
let calls = 0, returnedCount = 0, threw = 0;
const started = Date.now();
for (let round = 0; round < callsPerOp; round++) {
  for (const op of ops) {
    if (round % 4 === 0 && op === ops[0]) buildPool();
    const spec = NATIVE_OPS[op];
    let args: unknown[] = (op === 'adamStep' || op === 'sgdStep' || op === 'emaUpdate') && chance(0.6)
      ? optimizerArgs(op)
      : spec.args.map((kind) => {
        const optional = kind.endsWith('?');
        const base = kind.replace('?', '') as ArgKind;
        if (optional && chance(0.3)) return chance(0.5) ? undefined : null;
        return chance(0.9) ? generate(base) : foreign();
      });
    if (chance(0.08)) args = args.slice(0, pick(random, args.length + 1)); // too few
    else if (chance(0.05)) args = [...args, foreign(), foreign()]; // too many
    calls++;
    let value: unknown;
    try {
      value = (native[op] as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      threw++;
      if (!(error instanceof Error)) fail(`${op} threw a non-Error: ${String(error)}`);
      const message = (error as Error).message;
      if (!message.startsWith(`${op}: `) && !message.startsWith('trap: ')) fail(`${op} threw without naming the op: ${message}`);
      if (message.length > 2000) fail(`${op} threw a runaway message: ${message.slice(0, 3000)}`);
      continue;
    } finally {
      native.setGradEnabled(true); // global state a call may have flipped
      if (native.numThreads() !== threads) native.setNumThreads(threads);
    }
    returnedCount++;
    checkResult(op, spec.returns, value);
  }
  for (const h of returned.splice(0)) native.dispose(h);
}
for (const h of pool) native.dispose(h);
pool = [];
if (typeof global.gc === 'function') global.gc();
const live = native.memory().liveTensors;
// The pool's graph-only intermediates (the mul inside each loss) are freed with the graph, never counted twice:
// every handle made here is disposed, so the count must be back to where it started.
if (live !== startLive) fail(`live tensors ${live} after the run, ${startLive} before`);
console.log(
  `native-fuzz seed=${seed}: ${calls} calls over ${ops.length} exports, ${returnedCount} returned, ${threw} threw; ` +
  `live tensors back to ${live}; ${Date.now() - started} ms`,
);
