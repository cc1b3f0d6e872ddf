// GraphOps over ONNX values: what a network's `describe` builds when it is exported. Each layer it applies goes
// through the per-layer table under the layer's path in the network, so weights keep their state-dict names
// (main.0.weight) and an error names the layer that could not be exported.
import type { GraphOps, Layer, Module } from '../../nn';
import { Tensor } from '../../torch';
import { attr, GraphBuilder, Value } from './graph';
import { reshapeKeepingBatch } from './reshape';
import { LayerContext, ruleFor } from './table';

/** Every module under `root` by its dotted path (root itself is ''). */
function pathsOf(root: Module): Map<Module, string> {
  const paths = new Map<Module, string>([[root, '']]);
  const walk = (module: Module, prefix: string) => {
    for (const [name, child] of module.namedChildren()) {
      paths.set(child, prefix + name);
      walk(child, `${prefix}${name}.`);
    }
  };
  walk(root, '');
  return paths;
}

export class OnnxOps implements GraphOps<Value> {
  readonly #paths: Map<Module, string>;

  constructor(readonly graph: GraphBuilder, root: Module) {
    this.#paths = pathsOf(root);
  }

  layer(module: Module & Layer, x: Value): Value {
    // A layer outside the exported network (not a registered child) still gets a readable, unique name.
    const path = this.#paths.get(module) || module.constructor.name;
    const rule = ruleFor(module, path);
    return rule(module, x, this.#context(path));
  }

  #context(path: string): LayerContext {
    const graph = this.graph;
    return {
      graph,
      path,
      layer: (module, x) => this.layer(module, x),
      weight: (name, value, dims) => {
        const data = value instanceof Tensor ? value.toFloat32Array() : value;
        return graph.initializer(`${path}.${name}`, data, value instanceof Tensor ? value.shape : dims ?? [data.length]);
      },
      node: (op, inputs, attributes, rank) => graph.node(op, inputs, attributes, path, rank),
    };
  }

  reshape(x: Value, shape: number[]): Value {
    return reshapeKeepingBatch(this.graph, x, shape, 'reshape');
  }

  concat(values: Value[], axis: number): Value {
    return this.graph.node('Concat', values, { axis: attr.int(axis) }, 'concat', values[0].rank);
  }

  mul(a: Value, b: Value): Value {
    return this.graph.node('Mul', [a, b], {}, 'mul', Math.max(a.rank, b.rank));
  }

  add(a: Value, b: Value): Value {
    return this.graph.node('Add', [a, b], {}, 'add', Math.max(a.rank, b.rank));
  }

  slice(x: Value, axes: number[], starts: number[], lengths: number[]): Value {
    const { graph } = this;
    const begin = graph.int64s('slice.starts', starts), end = graph.int64s('slice.ends', starts.map((s, i) => s + lengths[i]));
    return graph.node('Slice', [x, begin, end, graph.int64s('slice.axes', axes)], {}, 'slice', x.rank);
  }

  tile(v: Value, channels: number, height: number, width: number): Value {
    // [N, K] → [N, K, 1, 1] (the batch kept), then Expand broadcasts the two unit axes to the image's size.
    const column = reshapeKeepingBatch(this.graph, v, [channels, 1, 1], 'tile');
    return this.graph.node('Expand', [column, this.graph.int64s('tile.shape', [1, 1, height, width])], {}, 'tile', 4);
  }

  affine(x: Value, scale: number, shift: number): Value {
    const scaled = scale === 1 ? x : this.graph.node('Mul', [x, this.graph.scalar('scale', scale)], {}, 'scale', x.rank);
    return shift === 0 ? scaled : this.graph.node('Add', [scaled, this.graph.scalar('shift', shift)], {}, 'shift', x.rank);
  }
}
