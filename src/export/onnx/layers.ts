// The export rule of each built-in nn layer, in the order of src/nn: what ONNX nodes compute the layer's
// forward in eval mode (the only mode an exported network runs in). Weights are read from the layer as it is:
// spectral norm's normalised weight, BatchNorm's running statistics.
import {
  AvgPool2d, BatchNorm, Conv2d, ConvTranspose2d, Dropout, effectiveWeight, Embedding, Flatten, Identity, InstanceNorm, LeakyReLU,
  Linear, MaxPool2d, Module, ReflectionPad2d, ReLU, ResidualBlock, SelfAttention, Sequential, Sigmoid, Tanh, Unflatten, Upsample,
} from '../../nn';
import type { F, Tensor } from '../../torch';
import { attr, Attribute, Value } from './graph';
import { reshapeKeepingBatch } from './reshape';
import type { LayerClass, LayerContext, LayerRule } from './table';

const pairOf = (v: F.Pair | undefined, fallback: number): [number, number] => (v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : v);
/** ONNX pads list every spatial axis' start, then every axis' end; PyTorch pads both ends alike. */
const padsOf = (padding: F.Pair | undefined) => {
  const [h, w] = pairOf(padding, 0);
  return [h, w, h, w];
};

const linear: LayerRule<Linear> = (m, x, c) => {
  const weight = effectiveWeight(m, m.weight, m.weightU);
  if (x.rank === 2) {
    const inputs: (Value | '')[] = [x, c.weight('weight', weight)];
    if (m.bias) inputs.push(c.weight('bias', m.bias));
    return c.node('Gemm', inputs, { transB: attr.int(1) }, 2);
  }
  // Gemm is 2-D only; other ranks multiply by the stored transpose, as PyTorch's exporter does.
  const product = c.node('MatMul', [x, c.weight('weight_t', weight.transpose(0, 1).contiguous())], {}, x.rank);
  return m.bias ? c.node('Add', [product, c.weight('bias', m.bias)], {}, x.rank) : product;
};

const conv2d: LayerRule<Conv2d> = (m, x, c) => {
  const weight = effectiveWeight(m, m.weight, m.weightU);
  const inputs: (Value | '')[] = [x, c.weight('weight', weight)];
  if (m.bias) inputs.push(c.weight('bias', m.bias));
  return c.node('Conv', inputs, {
    kernel_shape: attr.ints(weight.shape.slice(2)),
    strides: attr.ints(pairOf(m.options.stride, 1)),
    pads: attr.ints(padsOf(m.options.padding)),
    dilations: attr.ints(pairOf(m.options.dilation, 1)),
    group: attr.int(m.options.groups ?? 1),
  }, 4);
};

const convTranspose2d: LayerRule<ConvTranspose2d> = (m, x, c) => {
  const weight = effectiveWeight(m, m.weight, m.weightU, 1);
  const inputs: (Value | '')[] = [x, c.weight('weight', weight)];
  if (m.bias) inputs.push(c.weight('bias', m.bias));
  return c.node('ConvTranspose', inputs, {
    kernel_shape: attr.ints(weight.shape.slice(2)),
    strides: attr.ints(pairOf(m.options.stride, 1)),
    pads: attr.ints(padsOf(m.options.padding)),
    output_padding: attr.ints(pairOf(m.options.outputPadding, 0)),
    dilations: attr.ints(pairOf(m.options.dilation, 1)),
    group: attr.int(m.options.groups ?? 1),
  }, 4);
};

/** weight and bias, or 1 and 0 per channel when the layer has no affine parameters. */
function affineParameters(m: { weight: Tensor | null; bias: Tensor | null; numFeatures: number }, c: LayerContext): [Value, Value] {
  const n = m.numFeatures;
  return [
    m.weight ? c.weight('weight', m.weight) : c.weight('weight', new Float32Array(n).fill(1), [n]),
    m.bias ? c.weight('bias', m.bias) : c.weight('bias', new Float32Array(n), [n]),
  ];
}

const batchNorm: LayerRule<BatchNorm> = (m, x, c) => {
  if (!m.runningMean || !m.runningVar) {
    throw new Error(`cannot export layer '${c.path}' (BatchNorm without running statistics) to ONNX: it normalises with each batch's statistics even in eval mode`);
  }
  const [scale, bias] = affineParameters(m, c);
  const mean = c.weight('running_mean', m.runningMean);
  const variance = c.weight('running_var', m.runningVar);
  return c.node('BatchNormalization', [x, scale, bias, mean, variance], { epsilon: attr.float(m.eps) }, x.rank);
};

const instanceNorm: LayerRule<InstanceNorm> = (m, x, c) => {
  const [scale, bias] = affineParameters(m, c);
  return c.node('InstanceNormalization', [x, scale, bias], { epsilon: attr.float(m.eps) }, x.rank);
};

const pool = (op: 'MaxPool' | 'AveragePool'): LayerRule<MaxPool2d | AvgPool2d> => (m, x, c) =>
  c.node(op, [x], { kernel_shape: attr.ints(pairOf(m.kernel, 1)), strides: attr.ints(pairOf(m.stride ?? m.kernel, 1)) }, x.rank);

const upsample: LayerRule<Upsample> = (m, x, c) => {
  const scales = c.weight('scales', Float32Array.of(1, 1, m.scale, m.scale), [4]);
  // PyTorch's nearest picks floor(out · in/out); bilinear without align_corners is half-pixel (PyTorch's
  // variant, which differs only for outputs of side 1).
  const attributes: Record<string, Attribute> = m.mode === 'nearest'
    ? { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') }
    : { mode: attr.string('linear'), coordinate_transformation_mode: attr.string(m.alignCorners ? 'align_corners' : 'pytorch_half_pixel') };
  return c.node('Resize', [x, '', scales], attributes, x.rank);
};

const flatten: LayerRule<Flatten> = (m, x, c) => {
  const start = m.startDim < 0 ? m.startDim + x.rank : m.startDim;
  const end = m.endDim < 0 ? m.endDim + x.rank : m.endDim;
  if (start === 1 && end === x.rank - 1) return c.node('Flatten', [x], { axis: attr.int(1) }, 2);
  // Any other span: keep the dims around it (0 copies a dim in Reshape) and merge the span (-1).
  const shape = [...Array(start).fill(0), -1, ...Array(x.rank - 1 - end).fill(0)];
  return c.node('Reshape', [x, c.graph.int64s(`${c.path}.shape`, shape)], {}, shape.length);
};

// ONNX Pad (opset 11+) takes the pads as an int64 input: every axis' start, then every axis' end (N, C unpadded).
const reflectionPad: LayerRule<ReflectionPad2d> = (m, x, c) => {
  const [left, right, top, bottom] = m.amounts;
  const pads = c.graph.int64s(`${c.path}.pads`, [0, 0, top, left, 0, 0, bottom, right]);
  return c.node('Pad', [x, pads], { mode: attr.string('reflect') }, x.rank);
};

// SAGAN's block: the 1×1 convs through the table, positions flattened with the batch kept ([0, C, -1]), β as a
// Softmax over the last axis (the same at every opset: before 13 it coerces to 2-D at that axis), and the
// output put back in x's own shape, read at run time, so the exported block takes any height and width.
const selfAttention: LayerRule<SelfAttention> = (m, x, c) => {
  const flat = (v: Value, channels: number, name: string) => c.node('Reshape', [v, c.graph.int64s(`${c.path}.${name}_shape`, [0, channels, -1])], {}, 3);
  const keys = flat(c.layer(m.f, x), m.inner, 'f');
  const queries = flat(c.layer(m.g, x), m.inner, 'g');
  const values = flat(c.layer(m.h, x), m.channels, 'h');
  const transpose = (v: Value) => c.node('Transpose', [v], { perm: attr.ints([0, 2, 1]) }, 3);
  const beta = c.node('Softmax', [c.node('MatMul', [transpose(queries), keys], {}, 3)], { axis: attr.int(-1) }, 3);
  const o = c.node('MatMul', [values, transpose(beta)], {}, 3);
  const shaped = c.node('Reshape', [o, c.node('Shape', [x], {}, 1)], {}, 4);
  return c.node('Add', [c.node('Mul', [shaped, c.weight('gamma', m.gamma)], {}, 4), x], {}, 4);
};

const activation = (op: string): LayerRule => (_m, x, c) => c.node(op, [x], {}, x.rank);

/** A layer class paired with its rule; the rule's parameter type is checked against the class. */
export function entry<M extends Module>(kind: LayerClass<M>, rule: LayerRule<M>): [Function, LayerRule] {
  return [kind, rule as LayerRule];
}

/** Every built-in layer kind with its rule; table.ts turns this into the lookup table. */
export const BUILT_IN_RULES: [Function, LayerRule][] = [
  entry(Linear, linear),
  entry(LeakyReLU, (m, x, c) => c.node('LeakyRelu', [x], { alpha: attr.float(m.negativeSlope) }, x.rank)),
  entry(ReLU, activation('Relu')),
  entry(Tanh, activation('Tanh')),
  entry(Sigmoid, activation('Sigmoid')),
  // Eval mode: dropout passes its input through.
  entry(Dropout, (_m, x) => x),
  entry(Flatten, flatten),
  entry(Unflatten, (m, x, c) => reshapeKeepingBatch(c.graph, x, m.shape, c.path)),
  entry(Sequential, (m, x, c) => m.layers.reduce((value, layer) => c.layer(layer, value), x)),
  entry(Embedding, (m, x, c) => c.node('Gather', [c.weight('weight', m.weight), x], { axis: attr.int(0) }, x.rank + 1)),
  entry(Conv2d, conv2d),
  entry(ConvTranspose2d, convTranspose2d),
  entry(BatchNorm, batchNorm),
  entry(InstanceNorm, instanceNorm),
  entry(MaxPool2d, pool('MaxPool')),
  entry(AvgPool2d, pool('AveragePool')),
  entry(Upsample, upsample),
  entry(Identity, (_m, x) => x),
  entry(ReflectionPad2d, reflectionPad),
  // x + block(x): the block's layers go through the table like a Sequential's.
  entry(ResidualBlock, (m, x, c) => c.node('Add', [x, c.layer(m.block, x)], {}, x.rank)),
  entry(SelfAttention, selfAttention),
];
