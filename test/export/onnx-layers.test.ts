// The per-layer export table, one layer kind at a time: each layer (with random weights and, for BatchNorm,
// random running statistics) is exported alone, run by onnxruntime and compared with libtorch's eval forward
// on the same input. A layer without a rule fails with one error naming it.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportNetwork, hasLayerExport, registerLayerExport } from '../../src/export/onnx';
import * as nn from '../../src/nn';
import {
  AvgPool2d, BatchNorm, Conv2d, ConvTranspose2d, Dropout, Embedding, Flatten, Identity, InstanceNorm, Layer, LeakyReLU, Linear,
  MaxPool2d, Module, ReflectionPad2d, ReLU, ResidualBlock, SelfAttention, Sequential, Sigmoid, Tanh, Unflatten, Upsample,
  GELU, GridAttention, ImageToTokens, LayerNorm, MultiHeadAttention, PixelShuffle, PositionalEmbedding, TokensToImage, TransformerBlock,
} from '../../src/nn';
import { manualSeed, noGrad, randint, randn, Tensor, tidy } from '../../src/torch';
import { checkStructure, maxAbsDiff, ortMissing, runOnnx } from '../helpers/onnx';

const OPSET = 17;

/** Gives every parameter and buffer random values, so a rule that drops one (a bias, a running mean) shows. */
function randomise(network: Module): void {
  noGrad(() => {
    for (const [name, t] of network.stateDict()) {
      if (name.endsWith('running_var')) t.uniform_(0.5, 2);
      else t.normal_(0, 0.5);
    }
  });
}

/** Exports `layer` as the whole network (input x, output y) and returns libtorch's and onnxruntime's outputs. */
async function compare(layer: Module & Layer, input: Tensor, outDims: (number | string)[]): Promise<number> {
  randomise(layer);
  layer.eval();
  const expected = noGrad(() => tidy(() => layer.forward(input).toFloat32Array()));
  const inDims = ['batch', ...input.shape.slice(1)];
  const bytes = exportNetwork(layer, {
    inputs: [{ name: 'x', type: input.dtype === 'int64' ? 'int64' : 'float32', dims: inDims }],
    build: (ops, [x]) => ({ y: ops.layer(layer, x) }),
    outputs: { y: outDims },
    model: { opset: OPSET, graphName: 'layer' },
  });
  checkStructure(bytes, { opset: OPSET, inputs: { x: inDims }, outputs: { y: outDims } });
  const data = input.dtype === 'int64' ? (input.toTypedArray() as BigInt64Array) : input.toFloat32Array();
  const { y } = await runOnnx(bytes, { x: { data, dims: input.shape } });
  assert.deepEqual(y.dims.slice(1), outDims.slice(1), 'output shape as declared');
  return maxAbsDiff(y.data, expected);
}

const image = (c: number, side: number) => randn([3, c, side, side]);

const CASES: { name: string; layer: () => Module & Layer; input: () => Tensor; out: (number | string)[] }[] = [
  { name: 'Linear on [N, in]', layer: () => new Linear(6, 5), input: () => randn([3, 6]), out: ['batch', 5] },
  { name: 'Linear on [N, T, in] (MatMul + Add)', layer: () => new Linear(6, 5), input: () => randn([3, 4, 6]), out: ['batch', 4, 5] },
  { name: 'Linear without bias', layer: () => new Linear(6, 5, { bias: false }), input: () => randn([3, 6]), out: ['batch', 5] },
  { name: 'Linear with spectral norm (the normalised weight)', layer: () => new Linear(6, 5, { spectralNorm: true }), input: () => randn([3, 6]), out: ['batch', 5] },
  { name: 'LeakyReLU 0.2', layer: () => new LeakyReLU(0.2), input: () => randn([3, 7]), out: ['batch', 7] },
  { name: 'ReLU', layer: () => new ReLU(), input: () => randn([3, 7]), out: ['batch', 7] },
  { name: 'Tanh', layer: () => new Tanh(), input: () => randn([3, 7]), out: ['batch', 7] },
  { name: 'Sigmoid', layer: () => new Sigmoid(), input: () => randn([3, 7]), out: ['batch', 7] },
  { name: 'Dropout (eval: identity)', layer: () => new Sequential(new Dropout(0.5), new Tanh()), input: () => randn([3, 7]), out: ['batch', 7] },
  { name: 'Flatten', layer: () => new Flatten(), input: () => image(2, 3), out: ['batch', 18] },
  { name: 'Flatten of dims 2…3', layer: () => new Flatten(2, 3), input: () => image(2, 3), out: ['batch', 2, 9] },
  { name: 'Unflatten', layer: () => new Unflatten([2, 3, 3]), input: () => randn([3, 18]), out: ['batch', 2, 3, 3] },
  { name: 'Embedding (int64 classes)', layer: () => new Embedding(4, 5), input: () => randint(0, 4, [3]), out: ['batch', 5] },
  { name: 'Conv2d, stride 2, padding 1', layer: () => new Conv2d(2, 4, 3, { stride: 2, padding: 1 }), input: () => image(2, 8), out: ['batch', 4, 4, 4] },
  { name: 'Conv2d, dilation 2, groups 2, no bias', layer: () => new Conv2d(4, 6, 3, { dilation: 2, groups: 2, bias: false }), input: () => image(4, 8), out: ['batch', 6, 4, 4] },
  { name: 'Conv2d, 3×1 kernel, padding [1, 0]', layer: () => new Conv2d(2, 3, [3, 1], { padding: [1, 0] }), input: () => image(2, 5), out: ['batch', 3, 5, 5] },
  { name: 'Conv2d with spectral norm', layer: () => new Conv2d(2, 3, 3, { padding: 1, spectralNorm: true }), input: () => image(2, 5), out: ['batch', 3, 5, 5] },
  { name: 'ConvTranspose2d, stride 2, padding 1', layer: () => new ConvTranspose2d(4, 2, 4, { stride: 2, padding: 1 }), input: () => image(4, 4), out: ['batch', 2, 8, 8] },
  { name: 'ConvTranspose2d, output padding 1, groups 2', layer: () => new ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), input: () => image(4, 4), out: ['batch', 2, 8, 8] },
  { name: 'BatchNorm on [N, C, H, W] (running statistics)', layer: () => new BatchNorm(3), input: () => image(3, 4), out: ['batch', 3, 4, 4] },
  { name: 'BatchNorm on [N, C], eps 0.8', layer: () => new BatchNorm(5, { eps: 0.8 }), input: () => randn([3, 5]), out: ['batch', 5] },
  { name: 'BatchNorm without affine parameters', layer: () => new BatchNorm(3, { affine: false }), input: () => image(3, 4), out: ['batch', 3, 4, 4] },
  { name: 'InstanceNorm', layer: () => new InstanceNorm(3), input: () => image(3, 4), out: ['batch', 3, 4, 4] },
  { name: 'InstanceNorm, affine', layer: () => new InstanceNorm(3, { affine: true }), input: () => image(3, 4), out: ['batch', 3, 4, 4] },
  { name: 'MaxPool2d 2', layer: () => new MaxPool2d(2), input: () => image(2, 8), out: ['batch', 2, 4, 4] },
  { name: 'AvgPool2d 3, stride 2', layer: () => new AvgPool2d(3, 2), input: () => image(2, 8), out: ['batch', 2, 3, 3] },
  { name: 'Upsample ×2 nearest', layer: () => new Upsample(2), input: () => image(2, 3), out: ['batch', 2, 6, 6] },
  { name: 'Upsample ×3 nearest', layer: () => new Upsample(3), input: () => image(2, 3), out: ['batch', 2, 9, 9] },
  { name: 'Upsample ×2 bilinear, align corners', layer: () => new Upsample(2, 'bilinear', true), input: () => image(2, 3), out: ['batch', 2, 6, 6] },
  { name: 'Upsample ×3 bilinear, half-pixel', layer: () => new Upsample(3, 'bilinear', false), input: () => image(2, 3), out: ['batch', 2, 9, 9] },
  { name: 'Identity', layer: () => new Sequential(new Identity(), new Tanh()), input: () => image(2, 3), out: ['batch', 2, 3, 3] },
  { name: 'ReflectionPad2d [1, 2, 3, 0]', layer: () => new ReflectionPad2d([1, 2, 3, 0]), input: () => image(2, 5), out: ['batch', 2, 8, 8] },
  { name: 'ResidualBlock, instance norm', layer: () => new ResidualBlock(3), input: () => image(3, 6), out: ['batch', 3, 6, 6] },
  { name: 'ResidualBlock, batch norm', layer: () => new ResidualBlock(3, { norm: 'batch' }), input: () => image(3, 6), out: ['batch', 3, 6, 6] },
  { name: 'SelfAttention (γ random, not its initial 0)', layer: () => new SelfAttention(16), input: () => image(16, 5), out: ['batch', 16, 5, 5] },
  { name: 'SelfAttention on a non-square map, spectral norm', layer: () => new SelfAttention(8, { spectralNorm: true }), input: () => randn([3, 8, 3, 6]), out: ['batch', 8, 3, 6] },
  // The transformer layers (transformer-layers.ts), on tokens [N, T, D].
  { name: 'LayerNorm on [N, T, D]', layer: () => new LayerNorm(6), input: () => randn([3, 4, 6]), out: ['batch', 4, 6] },
  { name: 'GELU (tanh form)', layer: () => new GELU(), input: () => randn([3, 7]).mul(2), out: ['batch', 7] },
  { name: 'MultiHeadAttention, 2 heads', layer: () => new MultiHeadAttention(8, 2), input: () => randn([3, 5, 8]), out: ['batch', 5, 8] },
  { name: 'GridAttention, 2×2 windows of a 4×4 grid', layer: () => new GridAttention(8, 2, 4, 2), input: () => randn([3, 16, 8]), out: ['batch', 16, 8] },
  { name: 'TransformerBlock', layer: () => new TransformerBlock(8, 2), input: () => randn([3, 5, 8]), out: ['batch', 5, 8] },
  { name: 'TransformerBlock with grid attention', layer: () => new TransformerBlock(4, 1, { grid: { side: 6, window: 3 } }), input: () => randn([3, 36, 4]), out: ['batch', 36, 4] },
  { name: 'PositionalEmbedding', layer: () => new PositionalEmbedding(5, 4), input: () => randn([3, 5, 4]), out: ['batch', 5, 4] },
  { name: 'PixelShuffle 2 (DepthToSpace CRD)', layer: () => new PixelShuffle(2), input: () => randn([3, 8, 2, 3]), out: ['batch', 2, 4, 6] },
  { name: 'TokensToImage', layer: () => new TokensToImage(3), input: () => randn([3, 9, 4]), out: ['batch', 4, 3, 3] },
  { name: 'ImageToTokens', layer: () => new ImageToTokens(), input: () => randn([3, 4, 2, 3]), out: ['batch', 6, 4] },
  {
    name: 'nested Sequential',
    layer: () => new Sequential(new Linear(4, 8), new Sequential(new LeakyReLU(0.1), new Linear(8, 3)), new Sigmoid()),
    input: () => randn([3, 4]),
    out: ['batch', 3],
  },
];

class Doubler extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x.mul(2);
  }
}

/** A Linear that computes something else: the table must not take it for a Linear. */
class ScaledLinear extends Linear {
  override forward(x: Tensor): Tensor {
    return super.forward(x).mul(3);
  }
}

const exportOf = (network: Module & Layer, dims: (number | string)[], outDims: (number | string)[]) => exportNetwork(network, {
  inputs: [{ name: 'x', type: 'float32', dims }],
  build: (ops, [x]) => ({ y: ops.layer(network, x) }),
  outputs: { y: outDims },
  model: { opset: OPSET, graphName: 'layer' },
});

describe('ONNX export, layer by layer', { skip: ortMissing(), timeout: 120_000 }, () => {
  for (const c of CASES) {
    it(`${c.name}: onnxruntime gives libtorch's output`, async () => {
      manualSeed(5);
      const layer = c.layer();
      const input = c.input();
      try {
        const diff = await compare(layer, input, c.out);
        assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
      } finally {
        layer.dispose();
        input.dispose();
      }
    });
  }

  it('every layer kind src/nn exports has an export rule, so every network built from them exports', () => {
    // A module that takes more than one input (conditional batch norm) is no layer: it describes itself over
    // GraphOps, through its children's rules, instead of having a rule of its own.
    const kinds = (Object.values(nn) as unknown[]).filter((v): v is Function => typeof v === 'function' && v.prototype instanceof Module && !('describe' in v.prototype));
    assert.ok(kinds.length >= 17, `found ${kinds.length} layer kinds`);
    const missing = kinds.filter((kind) => !hasLayerExport(kind)).map((kind) => kind.name);
    // StyleGAN's layers (src/nn/style.ts) alone have none: its generator draws fresh noise at every forward,
    // which an ONNX graph cannot reproduce, so the family is not exported (onnx-families.test.ts lists it and
    // checks that export refuses it). Any other layer kind without a rule fails here.
    const styleLayers = ['EqualLinear', 'EqualConv2d', 'ModulatedConv2d', 'NoiseInjection', 'MinibatchStddev'];
    assert.deepEqual(missing, styleLayers, `layer kinds without a rule in src/export/onnx/layers.ts: ${missing.join(', ')}`);
  });

  it('exporting leaves the network as it was: training mode, spectral-norm vectors, running statistics', () => {
    manualSeed(6);
    const network = new Sequential(new Linear(4, 6, { spectralNorm: true }), new BatchNorm(6), new ReLU());
    randomise(network);
    const before = [...network.stateDict()].map(([name, t]) => [name, t.toArray()]);
    exportOf(network, ['batch', 4], ['batch', 6]);
    assert.ok(network.modules().every((m) => m.training), 'still in training mode');
    assert.deepEqual([...network.stateDict()].map(([name, t]) => [name, t.toArray()]), before);
    network.dispose();
  });

  it('a layer without an export rule fails with one error naming it by its path and kind', () => {
    const network = new Sequential(new Linear(4, 4), new Sequential(new ReLU(), new Doubler()));
    assert.throws(() => exportOf(network, ['batch', 4], ['batch', 4]), (err: Error) => {
      assert.equal(err.message, "cannot export layer '1.1' (Doubler) to ONNX: there is no export rule for Doubler (add one with registerLayerExport)");
      return true;
    });
    // A subclass of a known layer may compute something else: it needs a rule of its own too.
    const sub = new Sequential(new ScaledLinear(4, 4));
    assert.throws(() => exportOf(sub, ['batch', 4], ['batch', 4]), /cannot export layer '0' \(ScaledLinear\)/);
    network.dispose();
    sub.dispose();
  });

  it('BatchNorm without running statistics is refused, named', () => {
    const network = new Sequential(new Linear(4, 4), new BatchNorm(4, { trackRunningStats: false }));
    assert.throws(() => exportOf(network, ['batch', 4], ['batch', 4]), /cannot export layer '1' \(BatchNorm without running statistics\)/);
    network.dispose();
  });

  it('registerLayerExport adds a rule for a layer kind defined outside ganforge', async () => {
    registerLayerExport(Doubler, (_m, x, c) => c.node('Add', [x, x], {}, x.rank));
    manualSeed(7);
    const network = new Sequential(new Linear(4, 3), new Doubler());
    const input = randn([2, 4]);
    const diff = await compare(network, input, ['batch', 3]);
    assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
    network.dispose();
    input.dispose();
  });
});
