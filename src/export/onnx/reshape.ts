// Reshaping each sample while the batch size stays free: ONNX Reshape copies a dim where the target says 0,
// so [0, ...shape] keeps the batch whatever it is at run time (Unflatten, and a generator's own reshapes).
import type { GraphBuilder, Value } from './graph';

export function reshapeKeepingBatch(graph: GraphBuilder, x: Value, shape: readonly number[], base: string): Value {
  // A 0 past the batch would copy the input's dim there, not make an empty one, so such shapes are refused.
  if (shape.includes(0)) throw new Error(`cannot export a reshape of '${base}' to [N, ${shape.join(', ')}]: ONNX Reshape reads 0 as "keep this dim"`);
  return graph.node('Reshape', [x, graph.int64s(`${base}.shape`, [0, ...shape])], {}, base, shape.length + 1);
}
