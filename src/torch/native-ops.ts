// The native surface, declared once: every function the addon exports, with the kind of each argument and of
// its result. Three things come from this one table and so cannot drift apart:
// - the TypeScript type of the addon (`NativeAddon` in native.ts is a mapped type over it);
// - the check that the addon exports exactly these names (test/torch/native-surface.test.ts);
// - the fuzzer's calls (test/fuzz/), which generate arguments of each kind, and of every wrong kind, per export.
// Adding an op is one line here plus its kernel and its Export(...) line in native/src/.
//
// Argument kinds (a trailing `?` means it may be null/undefined; trailing optional arguments may be left out):
//   tensor, operand (tensor or number), tensors (array of tensors), int, ints (array of ints), shape (ints that
//   size a new tensor), number, bool, dtype, device, reduction, padMode, typedArray (Float32/Float64/BigInt64/
//   Int32/Uint8Array), float64s (a Float64Array), bytes (a Uint8Array), string (a host name), any (any JS value).

export type ArgKind =
  | 'tensor' | 'operand' | 'tensors' | 'int' | 'ints' | 'shape' | 'number' | 'bool' | 'dtype' | 'device'
  | 'reduction' | 'padMode' | 'typedArray' | 'float64s' | 'bytes' | 'string' | 'any';
export type ReturnKind =
  | 'tensor' | 'tensor|null' | 'pair' | 'tensors|null' | 'void' | 'number' | 'bool' | 'string' | 'ints' | 'dtype'
  | 'typedArray' | 'bytes' | 'memory';
export interface OpSpec {
  readonly args: readonly (ArgKind | `${ArgKind}?`)[];
  readonly returns: ReturnKind;
}

const T = 'tensor';
const unary = { args: [T], returns: T } as const;
const binary = { args: [T, 'operand'], returns: T } as const;
const loss = { args: [T, T, 'reduction?'], returns: T } as const;

export const NATIVE_OPS = {
  // creation (ops_create.cc): shape, dtype?, device?
  zeros: { args: ['shape', 'dtype?', 'device?'], returns: T },
  ones: { args: ['shape', 'dtype?', 'device?'], returns: T },
  full: { args: ['shape', 'number', 'dtype?', 'device?'], returns: T },
  randn: { args: ['shape', 'dtype?', 'device?'], returns: T },
  rand: { args: ['shape', 'dtype?', 'device?'], returns: T },
  randint: { args: ['int', 'int', 'shape', 'device?'], returns: T }, // low, high, shape
  arange: { args: ['number', 'number', 'number', 'dtype?', 'device?'], returns: T }, // start, end, step
  randperm: { args: ['int', 'int?'], returns: T }, // n, seed
  fromTypedArray: { args: ['typedArray', 'shape', 'dtype?'], returns: T },
  toTypedArray: { args: [T], returns: 'typedArray' },
  item: { args: [T], returns: 'number' },
  shape: { args: [T], returns: 'ints' },
  dtype: { args: [T], returns: 'dtype' },
  device: { args: [T], returns: 'string' },
  to: { args: [T, 'dtype?', 'device?'], returns: T },
  clone: unary,
  contiguous: unary,
  uniform_: { args: [T, 'number', 'number'], returns: 'void' }, // low, high
  normal_: { args: [T, 'number', 'number'], returns: 'void' }, // mean, std
  fill_: { args: [T, 'number'], returns: 'void' },
  copy_: { args: [T, T], returns: 'void' }, // dst, src
  // runtime (runtime.cc): random state (CPU, or the named CUDA device's), memory, threads, CUDA, autocast
  manualSeed: { args: ['int'], returns: 'void' },
  rngState: { args: ['device?'], returns: 'bytes' },
  setRngState: { args: ['bytes', 'device?'], returns: 'void' },
  cudaDeviceCount: { args: [], returns: 'number' },
  setAutocast: { args: ['bool', 'dtype?'], returns: 'void' }, // enabled, float16 | bfloat16 (default)
  autocastEnabled: { args: [], returns: 'bool' },
  memory: { args: [], returns: 'memory' },
  dispose: { args: [T], returns: 'void' },
  setNumThreads: { args: ['int'], returns: 'void' },
  numThreads: { args: [], returns: 'number' },
  version: { args: [], returns: 'string' },
  // elementwise (ops_math.cc)
  neg: unary, abs: unary, exp: unary, log: unary, sqrt: unary, square: unary, floor: unary, round: unary,
  tanh: unary, sigmoid: unary, relu: unary, isFinite: unary,
  add: binary, sub: binary, mul: binary, div: binary, pow: binary,
  eq: binary, ne: binary, lt: binary, le: binary, gt: binary, ge: binary,
  maximum: { args: [T, T], returns: T },
  minimum: { args: [T, T], returns: T },
  matmul: { args: [T, T], returns: T },
  leakyRelu: { args: [T, 'number'], returns: T }, // slope
  softmax: { args: [T, 'int'], returns: T }, // dim
  logSoftmax: { args: [T, 'int'], returns: T },
  clamp: { args: [T, 'number?', 'number?'], returns: T }, // min, max
  linear: { args: [T, T, 'tensor?'], returns: T }, // x, weight, bias
  where: { args: [T, T, T], returns: T }, // condition, a, b
  // reductions (ops_math.cc): no dims reduces everything
  sum: { args: [T, 'ints?', 'bool?'], returns: T }, // dims, keepdim
  mean: { args: [T, 'ints?', 'bool?'], returns: T },
  var: { args: [T, 'ints?', 'bool', 'bool?'], returns: T }, // dims, unbiased, keepdim
  max: unary, // over all elements
  min: unary,
  maxDim: { args: [T, 'int', 'bool?'], returns: 'pair' }, // dim, keepdim → [values, indices]
  minDim: { args: [T, 'int', 'bool?'], returns: 'pair' },
  argmax: { args: [T, 'int?', 'bool?'], returns: T },
  allTrue: { args: [T], returns: 'bool' },
  topk: { args: [T, 'int', 'int', 'bool'], returns: 'pair' }, // k, dim, largest
  linalgEigh: { args: [T], returns: 'pair' },
  cdist: { args: [T, T], returns: T },
  // shape and indexing (ops_shape.cc)
  reshape: { args: [T, 'ints'], returns: T },
  view: { args: [T, 'ints'], returns: T },
  flatten: { args: [T, 'int', 'int'], returns: T }, // startDim, endDim
  transpose: { args: [T, 'int', 'int'], returns: T },
  permute: { args: [T, 'ints'], returns: T },
  unsqueeze: { args: [T, 'int'], returns: T },
  squeeze: { args: [T, 'int?'], returns: T },
  expand: { args: [T, 'ints'], returns: T },
  narrow: { args: [T, 'int', 'int', 'int'], returns: T }, // dim, start, length
  select: { args: [T, 'int', 'int'], returns: T }, // dim, index
  indexSelect: { args: [T, 'int', T], returns: T }, // dim, index
  gather: { args: [T, 'int', T], returns: T }, // dim, index
  cat: { args: ['tensors', 'int'], returns: T },
  stack: { args: ['tensors', 'int'], returns: T },
  embedding: { args: [T, T], returns: T }, // weight [num, dim], indices
  // losses and dropout (ops_loss.cc)
  bceWithLogits: loss,
  bce: loss,
  mse: loss,
  crossEntropy: { args: [T, T, 'reduction?', 'number?'], returns: T }, // logits, classes, reduction, smoothing
  dropout: { args: [T, 'number', 'bool'], returns: T }, // p, training
  // convolution (ops_conv.cc), normalisation (ops_norm.cc), resampling (ops_resample.cc); [h, w] pairs
  conv2d: { args: [T, T, 'tensor?', 'ints', 'ints', 'ints', 'int'], returns: T }, // stride, padding, dilation, groups
  convTranspose2d: { args: [T, T, 'tensor?', 'ints', 'ints', 'ints', 'int', 'ints'], returns: T }, // …outputPadding, groups, dilation
  batchNorm: { args: [T, 'tensor?', 'tensor?', 'tensor?', 'tensor?', 'bool', 'number', 'number'], returns: T },
  instanceNorm: { args: [T, 'tensor?', 'tensor?', 'tensor?', 'tensor?', 'bool', 'number', 'number'], returns: T },
  layerNorm: { args: [T, 'ints', 'tensor?', 'tensor?', 'number'], returns: T }, // normalizedShape, weight, bias, eps
  maxPool2d: { args: [T, 'ints', 'ints', 'ints', 'ints', 'bool'], returns: T }, // kernel, stride, padding, dilation, ceil
  avgPool2d: { args: [T, 'ints', 'ints', 'ints', 'bool', 'bool'], returns: T }, // kernel, stride, padding, ceil, countPad
  upsampleBilinear2d: { args: [T, 'ints', 'bool'], returns: T }, // outputSize, alignCorners
  upsampleNearest2d: { args: [T, 'ints'], returns: T },
  pad: { args: [T, 'ints', 'padMode?', 'number?'], returns: T },
  // autograd (autograd.cc)
  setRequiresGrad: { args: [T, 'bool'], returns: 'void' },
  requiresGrad: { args: [T], returns: 'bool' },
  isLeaf: { args: [T], returns: 'bool' },
  detach: unary,
  grad: { args: [T], returns: 'tensor|null' },
  clearGrads: { args: ['tensors'], returns: 'void' },
  backward: { args: [T, 'tensor?', 'bool?', 'bool?'], returns: 'void' }, // gradient, retainGraph, createGraph
  autogradGrad: { args: ['tensors', 'tensors', 'tensors?', 'bool?', 'bool'], returns: 'tensors|null' },
  gradEnabled: { args: [], returns: 'bool' },
  setGradEnabled: { args: ['bool'], returns: 'void' },
  // optimizers (optim.cc)
  // adamStep(params, expAvg, expAvgSq, maxExpAvgSq, steps, lr, beta1, beta2, eps, weightDecay, amsgrad, fused)
  adamStep: {
    args: ['tensors', 'tensors', 'tensors', 'tensors', 'float64s', 'number', 'number', 'number', 'number', 'number', 'bool', 'bool'],
    returns: 'void',
  },
  // sgdStep(params, momentumBuffers, steps, lr, momentum, dampening, weightDecay, nesterov)
  sgdStep: { args: ['tensors', 'tensors', 'float64s', 'number', 'number', 'number', 'number', 'bool'], returns: 'void' },
  emaUpdate: { args: ['tensors', 'tensors', 'number'], returns: 'void' }, // averages, params, decay
  // data-parallel collectives (dist.cc): one c10d Gloo process group per process
  distAvailable: { args: [], returns: 'bool' },
  distInit: { args: ['string', 'int', 'int', 'int', 'int'], returns: 'void' }, // masterHost, masterPort, rank, worldSize, timeoutMs
  distDestroy: { args: [], returns: 'void' },
  distAllReduceMean: { args: ['tensors', 'int'], returns: 'void' }, // in place; bucketBytes
  distAllReduceSum: unary, // differentiable sum over ranks (sync batch norm)
  distBroadcast: { args: ['tensors', 'int', 'int'], returns: 'void' }, // in place; root, bucketBytes
  distBarrier: { args: [], returns: 'void' },
} as const satisfies Record<string, OpSpec>;

export type OpName = keyof typeof NATIVE_OPS;
