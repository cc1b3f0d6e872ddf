// The tensor layer: the only TypeScript that talks to the native addon.
export { Tensor } from './tensor';
export type { Operand } from './tensor';
export type { DType, Reduction, AnyTypedArray } from './native';
export * from './create';
export { grad } from './autograd';
export { tidy, keep, noGrad, memory } from './scope';
export * as F from './functional';
export { adamUpdate, sgdUpdate, clearGrads, emaUpdate } from './optim-kernels';
export type { AdamHyper, SgdHyper } from './optim-kernels';
export * from './device';
export { LossScaler, withLossScaling, unscaleBeforeStep } from './loss-scale';
