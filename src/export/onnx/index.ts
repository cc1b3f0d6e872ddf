// ONNX export: every network through one per-layer table (table.ts, layers.ts), from the forward it describes
// once over GraphOps. See README "Export to ONNX".
export { attr, GraphBuilder, irVersionFor, OPSETS } from './graph';
export type { Attribute, Dim, Value } from './graph';
export { exportNetwork, BATCH } from './network';
export { exportGenerator, DEFAULT_OPSET } from './generator';
export { exportClassifier } from './classifier';
export { exportRun } from './run';
export type { RunExport, RunExportOptions } from './run';
export { OnnxOps } from './ops';
export { hasLayerExport, registerLayerExport, ruleFor } from './table';
export type { LayerContext, LayerRule } from './table';
export { onnxType } from './schema';
export { exportTranslator } from './translator';
