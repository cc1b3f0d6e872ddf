// The few operations a network's forward composes between its layers, over an abstract value type: libtorch
// tensors when the network runs (tensorOps below), ONNX graph values when it is exported (src/export/onnx).
// A network whose forward is written once against these (a generator's `describe`) runs and exports from the
// same code, so the two cannot drift apart, and every layer it applies goes through `layer`: the layer's own
// forward here, the layer's entry in the export table there.
import { cat, Tensor } from '../torch';
import type { Layer, Module } from './module';

export interface GraphOps<V> {
  /** Applies a layer (a module mapping one value to one, e.g. a Sequential or an Embedding). */
  layer(module: Module & Layer, x: V): V;
  /** Each sample reshaped to `shape`; the batch dimension is kept. */
  reshape(x: V, shape: number[]): V;
  concat(values: V[], axis: number): V;
  /** Elementwise product, with broadcasting. */
  mul(a: V, b: V): V;
  /** Elementwise sum, with broadcasting (residual connections, per-sample biases). */
  add(a: V, b: V): V;
  /**
   * The block of `lengths[i]` entries from `starts[i]` along each of `axes` (BigGAN's chunks of z along axis 1;
   * the U-Net's crop of its padded output along axes 2 and 3).
   */
  slice(x: V, axes: number[], starts: number[], lengths: number[]): V;
  /** x·scale + shift, elementwise. */
  affine(x: V, scale: number, shift: number): V;
  /** Vectors [N, K] as K constant maps [N, K, height, width] (StarGAN's target domains beside the image). */
  tile(v: V, channels: number, height: number, width: number): V;
}

export const tensorOps: GraphOps<Tensor> = {
  layer: (module, x) => module.forward(x),
  reshape: (x, shape) => x.reshape([x.shape[0], ...shape]),
  concat: (values, axis) => cat(values, axis),
  mul: (a, b) => a.mul(b),
  add: (a, b) => a.add(b),
  slice: (x, axes, starts, lengths) => axes.reduce((y, axis, i) => y.narrow(axis, starts[i], lengths[i]), x).contiguous(),
  // x·scale − s and x·scale + (−s) are the same IEEE operation, so this matches a forward written with sub.
  affine: (x, scale, shift) => x.mul(scale).add(shift),
  tile: (v, channels, height, width) => v.reshape([v.shape[0], channels, 1, 1]).expand([v.shape[0], channels, height, width]),
};
