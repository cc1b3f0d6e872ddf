// The ganforge library: each layer as a namespace.
export * as torch from './torch';
export * as nn from './nn';
export * as optim from './optim';
export * as data from './data';
export { train } from './gan/trainer';
export { GanSession } from './gan/session';
export { DEFAULT_CONFIG } from './gan/config';
export type { TrainConfig } from './gan/config';
export { modelFamily, MODEL_NAMES } from './gan/registry';
