export { Optimizer } from './optimizer';
export { Adam } from './adam';
export type { AdamOptions } from './adam';
export { SGD } from './sgd';
export type { SgdOptions } from './sgd';
export { learningRateFactor } from './schedule';
