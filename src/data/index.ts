export type { ImageDataset } from './dataset';
export * from './idx';
export * from './mnist';
export * from './download';
export { BatchLoader } from './loader';
export type { Batch } from './loader';
export { loadDataset } from './select';
