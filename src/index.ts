// The ganforge library: each layer as a namespace.
export * as torch from './torch';
export * as nn from './nn';
export * as optim from './optim';
export * as data from './data';
export * as onnx from './export/onnx';
export { train } from './gan/trainer';
export { buildRun, familyFor, allFamilies } from './gan/registry';
export { planRun, executeRun } from './gan/run';
export type { RunRequest, RunPlan } from './gan/run';
export { adversarialFamily, AdversarialRun } from './gan/adversarial';
export type { FamilyRun, ModelFamily, Scalars, LogField, StepPosition } from './gan/types';
export { OptionError } from './errors';
export { DEFAULT_CONFIG } from './gan/config';
export type { TrainConfig } from './gan/config';
export { modelFamily, MODEL_NAMES } from './gan/registry';
