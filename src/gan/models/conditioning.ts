// What the conditional families (cgan, acgan) share: they need labelled data, and labels at every call.
import type { ModelSpec } from '../types';

/** The reason a conditional model cannot train on `spec`'s data, or null. */
export function unlabelledReason(spec: ModelSpec): string | null {
  return spec.numClasses >= 2 ? null : 'needs a labelled data set (2 or more classes)';
}

/** The labels a conditional network was given; `who` names it in the error when they are missing. */
export function requireLabels<V>(labels: V | undefined, who: string): V {
  if (!labels) throw new Error(`${who} is conditional: it needs class labels`);
  return labels;
}
