// Export rules for the transformer layers of src/nn/transformer.ts. Each is composed from ops that keep one
// signature across every opset ganforge writes (13–21), so one rule serves them all: ONNX's own
// LayerNormalization (opset 17) and Gelu (opset 20) are newer than 13, and ReduceMean moves its axes from an
// attribute to an input at opset 18, so layer norm takes its means as a MatMul with a column of 1/D instead.
import {
  GELU, GELU_CUBIC, GELU_TANH_SCALE, GridAttention, ImageToTokens, LayerNorm, MultiHeadAttention, PixelShuffle, PositionalEmbedding,
  TokensToImage, TransformerBlock,
} from '../../nn';
import { attr, Value } from './graph';
import { entry } from './layers';
import type { LayerContext, LayerRule } from './table';

const reshape = (c: LayerContext, x: Value, shape: number[], name: string) =>
  c.node('Reshape', [x, c.graph.int64s(`${c.path}.${name}`, shape)], {}, shape.length);
const transpose = (c: LayerContext, x: Value, perm: number[]) => c.node('Transpose', [x], { perm: attr.ints(perm) }, perm.length);

// (x − mean)/√(var + eps)·weight + bias over the last axis, the biased variance as PyTorch's.
const layerNorm: LayerRule<LayerNorm> = (m, x, c) => {
  const average = c.weight('average', new Float32Array(m.dim).fill(1 / m.dim), [m.dim, 1]);
  const mean = (v: Value) => c.node('MatMul', [v, average], {}, x.rank);
  const centred = c.node('Sub', [x, mean(x)], {}, x.rank);
  const variance = mean(c.node('Mul', [centred, centred], {}, x.rank));
  const deviation = c.node('Sqrt', [c.node('Add', [variance, c.graph.scalar(`${c.path}.eps`, m.eps)], {}, x.rank)], {}, x.rank);
  const normalised = c.node('Div', [centred, deviation], {}, x.rank);
  return c.node('Add', [c.node('Mul', [normalised, c.weight('weight', m.weight)], {}, x.rank), c.weight('bias', m.bias)], {}, x.rank);
};

// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the same tanh form as the layer.
const gelu: LayerRule<GELU> = (_m, x, c) => {
  const scalar = (name: string, value: number) => c.graph.scalar(`${c.path}.${name}`, value);
  const mul = (a: Value, b: Value) => c.node('Mul', [a, b], {}, x.rank);
  const add = (a: Value, b: Value) => c.node('Add', [a, b], {}, x.rank);
  const cube = mul(mul(x, x), x);
  const inner = mul(add(mul(cube, scalar('cubic', GELU_CUBIC)), x), scalar('tanh_scale', GELU_TANH_SCALE));
  return mul(mul(add(c.node('Tanh', [inner], {}, x.rank), scalar('one', 1)), x), scalar('half', 0.5));
};

// Tokens [N, T, D]: heads split as [N, T, H, D/H] → [N, H, T, D/H] (keys straight to [N, H, D/H, T]), Softmax over
// the last axis, heads merged back ([0, 0, D] keeps N and T) and projected.
const multiHeadAttention: LayerRule<MultiHeadAttention> = (m, x, c) => {
  const heads = (v: Value, name: string, perm: number[]) => transpose(c, reshape(c, v, [0, 0, m.heads, m.headDim], `${name}_heads`), perm);
  const q = heads(c.layer(m.q, x), 'q', [0, 2, 1, 3]);
  const kT = heads(c.layer(m.k, x), 'k', [0, 2, 3, 1]);
  const v = heads(c.layer(m.v, x), 'v', [0, 2, 1, 3]);
  const scores = c.node('Mul', [c.node('MatMul', [q, kT], {}, 4), c.graph.scalar(`${c.path}.scale`, 1 / Math.sqrt(m.headDim))], {}, 4);
  const out = c.node('MatMul', [c.node('Softmax', [scores], { axis: attr.int(-1) }, 4), v], {}, 4);
  return c.layer(m.proj, reshape(c, transpose(c, out, [0, 2, 1, 3]), [0, 0, m.dim], 'merged'));
};

// The layer's reshapes and permutations; the windows' batch (N·cells²) is the -1 of each Reshape.
const gridAttention: LayerRule<GridAttention> = (m, x, c) => {
  const { cells: g, window: w, dim: d } = m;
  const windows = reshape(c, transpose(c, reshape(c, x, [0, g, w, g, w, d], 'grid'), [0, 1, 3, 2, 4, 5]), [-1, w * w, d], 'windows');
  const out = c.layer(m.attention, windows);
  const cells = transpose(c, reshape(c, out, [-1, g, g, w, w, d], 'cells'), [0, 1, 3, 2, 4, 5]);
  return reshape(c, cells, [-1, m.side * m.side, d], 'tokens');
};

const transformerBlock: LayerRule<TransformerBlock> = (m, x, c) => {
  const h = c.node('Add', [x, c.layer(m.attention, c.layer(m.norm1, x))], {}, x.rank);
  return c.node('Add', [h, c.layer(m.mlp, c.layer(m.norm2, h))], {}, x.rank);
};

/** The transformer layers with their rules, added to the lookup table beside layers.ts's. */
export const TRANSFORMER_RULES: [Function, LayerRule][] = [
  entry(LayerNorm, layerNorm),
  entry(GELU, gelu),
  entry(MultiHeadAttention, multiHeadAttention),
  entry(GridAttention, gridAttention),
  entry(TransformerBlock, transformerBlock),
  entry(PositionalEmbedding, (m, x, c) => c.node('Add', [x, c.weight('weight', m.weight)], {}, x.rank)),
  // ONNX's DepthToSpace in CRD mode is PyTorch's pixel shuffle (DCR is TensorFlow's order).
  entry(PixelShuffle, (m, x, c) => c.node('DepthToSpace', [x], { blocksize: attr.int(m.factor), mode: attr.string('CRD') }, 4)),
  entry(TokensToImage, (m, x, c) => reshape(c, transpose(c, x, [0, 2, 1]), [0, 0, m.side, m.side], 'shape')),
  entry(ImageToTokens, (_m, x, c) => transpose(c, reshape(c, x, [0, 0, -1], 'shape'), [0, 2, 1])),
];
