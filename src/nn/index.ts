export { Module } from './module';
export type { Layer } from './module';
export * from './layers';
export * as init from './init';
export * from './conv';
export * from './norm';
export * from './resample';
export { effectiveWeight, spectralNormalize, spectralVector } from './spectral-norm';
