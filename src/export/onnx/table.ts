// The per-layer export table: one rule per kind of nn layer, looked up by the layer's exact class (a subclass
// may compute something else, so it needs its own rule). Every network exports through it; no model has an
// exporter of its own. A layer kind defined outside ganforge adds its rule with registerLayerExport.
import type { Layer, Module } from '../../nn';
import type { Tensor } from '../../torch';
import type { Attribute, GraphBuilder, Value } from './graph';
import { BUILT_IN_RULES } from './layers';
import { TRANSFORMER_RULES } from './transformer-layers';

/** What a rule sees of the export in progress. */
export interface LayerContext {
  readonly graph: GraphBuilder;
  /** The layer's dotted path in the exported network ('main.3'): its weights are named `path.weight`, … */
  readonly path: string;
  /** Applies a child layer through the table (for containers such as Sequential). */
  layer(module: Module & Layer, x: Value): Value;
  /** A float32 tensor of the layer, stored in the file as `path.name`. */
  weight(name: string, value: Tensor | Float32Array, dims?: readonly number[]): Value;
  /** A node named after the layer. */
  node(op: string, inputs: readonly (Value | '')[], attributes: Record<string, Attribute>, rank: number): Value;
}

/** How one kind of layer becomes ONNX nodes: the value it reads in, the value it produces. */
export type LayerRule<M extends Module = Module> = (module: M, x: Value, context: LayerContext) => Value;

/** A layer's class, whatever its constructor takes. */
export type LayerClass<M extends Module> = abstract new (...args: never[]) => M;

const RULES = new Map<Function, LayerRule>([...BUILT_IN_RULES, ...TRANSFORMER_RULES]);

/** Adds (or replaces) the rule for a layer class, e.g. a program's own layer. */
export function registerLayerExport<M extends Module>(kind: LayerClass<M>, rule: LayerRule<M>): void {
  RULES.set(kind, rule as LayerRule);
}

/** Whether a layer class has a rule (tests hold every layer kind of src/nn to having one). */
export function hasLayerExport(kind: Function): boolean {
  return RULES.has(kind);
}

/** The rule for this layer; the error names the layer by its path in the network and its class. */
export function ruleFor(module: Module, path: string): LayerRule {
  const rule = RULES.get(module.constructor);
  if (!rule) {
    const kind = module.constructor.name;
    throw new Error(`cannot export layer '${path}' (${kind}) to ONNX: there is no export rule for ${kind} (add one with registerLayerExport)`);
  }
  return rule;
}
