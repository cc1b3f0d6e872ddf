// The native optimizer updates, one call per step for all parameters (see native/src/optim.cc).
// src/optim/ holds the optimizer classes and their state; this file only crosses the boundary.
import { native } from './native';
import { Tensor } from './tensor';

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

const handles = (ts: Tensor[]) => ts.map((t) => t.handle);

/** Fused single-pass update for float32 CPU parameters unless GANFORGE_UNFUSED_ADAM=1 (then ATen ops). */
const FUSED_ADAM = process.env.GANFORGE_UNFUSED_ADAM !== '1';

export function adamUpdate(
  params: Tensor[], expAvg: Tensor[], expAvgSq: Tensor[], maxExpAvgSq: Tensor[], steps: Float64Array, h: AdamHyper,
): void {
  native.adamStep(
    handles(params), handles(expAvg), handles(expAvgSq), handles(maxExpAvgSq), steps,
    h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.amsgrad, FUSED_ADAM,
  );
}

export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

export function sgdUpdate(params: Tensor[], momentumBuffers: Tensor[], steps: Float64Array, h: SgdHyper): void {
  native.sgdStep(handles(params), handles(momentumBuffers), steps, h.lr, h.momentum, h.dampening, h.weightDecay, h.nesterov);
}

/** Sets every parameter's .grad to none. */
export function clearGrads(params: Tensor[]): void {
  native.clearGrads(handles(params));
}

/** average ← decay·average + (1 − decay)·param for each pair (an exponential moving average of weights). */
export function emaUpdate(averages: Tensor[], params: Tensor[], decay: number): void {
  native.emaUpdate(handles(averages), handles(params), decay);
}
