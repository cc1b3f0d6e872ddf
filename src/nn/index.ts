export { Module } from './module';
export type { Layer } from './module';
export * from './layers';
export * as init from './init';
export * from './conv';
export { spectralNormalize } from './spectral-norm';
