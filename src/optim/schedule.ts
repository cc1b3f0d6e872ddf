// Learning-rate schedules, as factors of a run's base rates (the families set optimizer.lr = base · factor).
/**
 * The learning-rate factor at step `step` (0-based) of `total`: 1 until `decayStart`·total, then falling
 * linearly, as CycleGAN's schedule does over epochs (1 − k / (decay steps + 1) at the k-th decaying step), so the
 * last step still trains. Computed from the position alone, so a resumed run gets the same rates.
 */
export function learningRateFactor(step: number, total: number, decayStart: number): number {
  const start = Math.floor(decayStart * total);
  return 1 - Math.max(0, step - start) / (total - start + 1);
}
