// The scores of an attribute-editing run (StarGAN, Age-cGAN) on test images it never trained on. Each test image
// is edited to every value of every attribute the run edits (its other attributes kept), and per attribute and
// value:
//   - reached: the share of the edits that ask for a change (the input does not have the value already) that the
//     attribute's judge (attribute-judges.ts) reads as the value; an editor that changes nothing scores ~0 here;
//   - L1: the mean |edit − input| in [-1, 1] pixel units, over the edits asking for a change and, separately,
//     over the ones asking for the value the input already has (nothing should change at all there);
//   - FID of the edits against the real test images that have the value, in the judge's feature space (skipped
//     with the reason when either set is smaller than the feature dimension);
//   - identity (where the data names the person in each test image and has the same person at the value): the
//     share of edits nearer, in an identity judge's feature space, to the same person really drawn at the value
//     than to another person at the value (the Age-cGAN test), and the two mean distances.
import { tidy } from '../torch';
import type { AttributeJudge } from './attribute-judges';
import type { ExtractorInfo, FeatureExtractor } from './extractor';
import { classifierExtractor } from './extractor';
import { fid } from './fid';
import type { TestImages } from './translation-scores';

/** An editing run's test split (e.g. 'data/faces (test)') and how to edit it. */
export interface EditingCase extends TestImages {
  /** Each input's own domain vector, count×K of 0/1 (its labels). */
  own: Float32Array;
  /** Domain vectors' length. */
  domains: number;
  /** The run's edit: count×C×H×W inputs, count×K targets (and the inputs' own vectors) → count×C×H×W edits in [-1, 1]. */
  edit(images: Float32Array, targets: Float32Array, count: number, sources: Float32Array): Float32Array;
  /** Real images of the test split with their domain vectors: each value's FID reference. */
  real: { images: Float32Array; domains: Float32Array; count: number };
  /** The person of each input and of each real image, where the data says (identity.txt). */
  people: { inputs: Int32Array; real: Int32Array } | null;
}

export interface IdentityScore {
  /** Edits compared (those with the same person at the value among the real images, and another person too). */
  count: number;
  /** Share of them nearer to the same person at the value than to another person at the value. */
  closerToSelf: number;
  meanToSelf: number;
  meanToOther: number;
}

export interface ValueScore {
  value: string;
  /** Edits asking for this value from another one, and the share read as it (null when none asked). */
  asked: number;
  reached: number | null;
  l1Changed: number | null;
  /** Mean |edit − input| over the inputs that already have the value (null when none has). */
  l1Kept: number | null;
  fid: number | null;
  identity: IdentityScore | null;
}

export interface AttributeScore {
  key: string;
  /** Over every value, weighted by the edits asked. */
  reached: number | null;
  l1Changed: number | null;
  values: ValueScore[];
  judge: ExtractorInfo;
}

export interface EditingScores {
  count: number;
  attributes: AttributeScore[];
  skipped: string[];
  protocol: { test: string; pixels: string; identity: ExtractorInfo | null };
}

const BATCH = 250;

function rows(values: Float32Array, picked: number[], per: number): Float32Array {
  const out = new Float32Array(picked.length * per);
  picked.forEach((r, i) => out.set(values.subarray(r * per, (r + 1) * per), i * per));
  return out;
}

/** The edit of every input to `targets`, a batch at a time. */
function editAll(c: EditingCase, targets: Float32Array): Float32Array {
  const per = c.channels * c.height * c.width;
  const out = new Float32Array(c.count * per);
  for (let start = 0; start < c.count; start += BATCH) {
    const n = Math.min(BATCH, c.count - start);
    const domains = (v: Float32Array) => v.subarray(start * c.domains, (start + n) * c.domains);
    out.set(c.edit(c.inputs.subarray(start * per, (start + n) * per), domains(targets), n, domains(c.own)), start * per);
  }
  return out;
}

function meanAbs(a: Float32Array, b: Float32Array, picked: number[], per: number): number | null {
  if (picked.length === 0) return null;
  let sum = 0;
  for (const r of picked) for (let p = r * per; p < (r + 1) * per; p++) sum += Math.abs(a[p] - b[p]);
  return sum / (picked.length * per);
}

/** Features [n, D] of images as a flat Float32Array (identity distances are few and read on the host). */
async function featuresOf(extractor: FeatureExtractor, images: Float32Array, count: number, c: EditingCase): Promise<{ values: Float32Array; dims: number }> {
  const out = await extractor.extract(images, [count, c.channels, c.height, c.width]);
  try {
    return { values: out.features.toFloat32Array(), dims: out.features.shape[1] };
  } finally {
    out.features.dispose();
    out.probabilities?.dispose();
  }
}

function distance(a: Float32Array, i: number, b: Float32Array, j: number, dims: number): number {
  let sum = 0;
  for (let d = 0; d < dims; d++) sum += (a[i * dims + d] - b[j * dims + d]) ** 2;
  return Math.sqrt(sum);
}

/**
 * Scores a case with a judge per attribute; `identity` reads people (null: identity is skipped). Every edit
 * and every feature set is computed once per value.
 */
export async function scoreEditing(c: EditingCase, judges: AttributeJudge[], identity: FeatureExtractor | null, noIdentity = 'no identity judge'): Promise<EditingScores> {
  const per = c.channels * c.height * c.width;
  if (c.inputs.length !== c.count * per || c.own.length !== c.count * c.domains) throw new Error(`editing scores: ${c.count} images of ${c.channels}×${c.height}×${c.width} with ${c.domains} domains expected`);
  if (c.count === 0) throw new Error('editing scores: no test images');
  const skipped: string[] = [];
  const ownOf = (v: Float32Array, i: number) => v.subarray(i * c.domains, (i + 1) * c.domains);
  const realIdentity = identity && c.people ? await featuresOf(identity, c.real.images, c.real.count, c) : null;
  if (!identity) skipped.push(`identity: ${noIdentity}`);
  else if (!c.people) skipped.push('identity: the test split does not name the person in each image (identity.txt)');
  let fidSkipped = false;
  const attributes: AttributeScore[] = [];
  for (const { attribute, classifier } of judges) {
    const extractor = classifierExtractor(classifier);
    const ownValues = Array.from({ length: c.count }, (_, i) => attribute.valueOf(ownOf(c.own, i)));
    const realValues = Array.from({ length: c.real.count }, (_, j) => attribute.valueOf(ownOf(c.real.domains, j)));
    const values: ValueScore[] = [];
    for (const [v, value] of attribute.values.entries()) {
      const targets = new Float32Array(c.count * c.domains);
      for (let i = 0; i < c.count; i++) targets.set(attribute.set(ownOf(c.own, i), v), i * c.domains);
      const edited = editAll(c, targets);
      const changed = ownValues.flatMap((o, i) => (o !== v ? [i] : []));
      const kept = ownValues.flatMap((o, i) => (o === v ? [i] : []));
      const out = await extractor.extract(edited, [c.count, c.channels, c.height, c.width]);
      let reached: number | null = null;
      let fidValue: number | null = null;
      try {
        const predicted = tidy(() => out.probabilities!.argmax(1).toArray());
        if (changed.length) reached = changed.filter((i) => predicted[i] === v).length / changed.length;
        const realRows = realValues.flatMap((o, j) => (o === v ? [j] : []));
        const dims = out.features.shape[1];
        if (c.count >= dims && realRows.length >= dims) {
          const reference = await extractor.extract(rows(c.real.images, realRows, per), [realRows.length, c.channels, c.height, c.width]);
          try {
            fidValue = fid(reference.features, out.features);
          } finally {
            reference.features.dispose();
            reference.probabilities?.dispose();
          }
        } else if (!fidSkipped) {
          fidSkipped = true;
          skipped.push(`FID: needs at least ${dims} edits and ${dims} real test images of a value (one per feature dimension); the split has ${c.count} inputs and as few as ${realRows.length} real images of ${attribute.key}=${value}`);
        }
      } finally {
        out.features.dispose();
        out.probabilities?.dispose();
      }
      let identityScore: IdentityScore | null = null;
      if (identity && c.people && realIdentity && changed.length) {
        identityScore = identityAt(c, changed, v, realValues, await featuresOf(identity, rows(edited, changed, per), changed.length, c), realIdentity);
      }
      values.push({ value, asked: changed.length, reached, l1Changed: meanAbs(edited, c.inputs, changed, per), l1Kept: meanAbs(edited, c.inputs, kept, per), fid: fidValue, identity: identityScore });
    }
    const asked = values.reduce((n, s) => n + s.asked, 0);
    const weighted = (pick: (s: ValueScore) => number | null) => (asked ? values.reduce((sum, s) => sum + (pick(s) ?? 0) * s.asked, 0) / asked : null);
    attributes.push({ key: attribute.key, reached: weighted((s) => s.reached), l1Changed: weighted((s) => s.l1Changed), values, judge: extractor.info });
  }
  return { count: c.count, attributes, skipped, protocol: { test: c.description, pixels: 'L1 in [-1, 1] pixel units, mean over every value of the edited images', identity: identity?.info ?? null } };
}

/**
 * For the edits of inputs `changed` to value `v` (their identity features `edits`, in `changed` order): each one's
 * distance to the same person's real image at v, against the real image at v of another person (the next person
 * in the split that has one, so the comparison is fixed and every person serves as "other" once).
 */
function identityAt(c: EditingCase, changed: number[], v: number, realValues: number[], edits: { values: Float32Array; dims: number }, real: { values: Float32Array }): IdentityScore | null {
  const atValue = realValues.flatMap((o, j) => (o === v ? [j] : []));
  const byPerson = new Map<number, number>();
  for (const j of atValue) if (!byPerson.has(c.people!.real[j])) byPerson.set(c.people!.real[j], j);
  const people = [...byPerson.keys()];
  if (people.length < 2) return null;
  let count = 0, closer = 0, toSelf = 0, toOther = 0;
  changed.forEach((i, e) => {
    const person = c.people!.inputs[i];
    const self = byPerson.get(person);
    if (self === undefined) return;
    const other = byPerson.get(people[(people.indexOf(person) + 1) % people.length])!;
    const a = distance(edits.values, e, real.values, self, edits.dims);
    const b = distance(edits.values, e, real.values, other, edits.dims);
    count++;
    toSelf += a;
    toOther += b;
    if (a < b) closer++;
  });
  return count ? { count, closerToSelf: closer / count, meanToSelf: toSelf / count, meanToOther: toOther / count } : null;
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));

/** Lines for the terminal: one per attribute, then one per value. */
export function formatEditingScores(s: EditingScores): string[] {
  const lines: string[] = [];
  for (const a of s.attributes) {
    lines.push(`${a.key.padEnd(12)} reached ${pct(a.reached)}, L1 ${num(a.l1Changed)} (judge: ${a.judge.trainedOn}, ${pct(a.judge.accuracy)} on real test images, the ceiling)`);
    for (const v of a.values) {
      const id = v.identity ? `, identity: nearer the same person ${pct(v.identity.closerToSelf)} of ${v.identity.count} (distance ${num(v.identity.meanToSelf, 2)} vs ${num(v.identity.meanToOther, 2)})` : '';
      lines.push(`  → ${v.value.padEnd(10)} reached ${pct(v.reached)} of ${v.asked}, L1 ${num(v.l1Changed)} (unchanged value: ${num(v.l1Kept)}), FID ${num(v.fid, 2)}${id}`);
    }
  }
  for (const line of s.skipped) lines.push(`skipped      ${line}`);
  const id = s.protocol.identity ? `; identity features: ${s.protocol.identity.trainedOn} (${pct(s.protocol.identity.accuracy)})` : '';
  lines.push(`protocol     ${s.count} test images of ${s.protocol.test}, each edited to every value; reached among edits asking for a change; FID against the real test images of the value in the judge's features; ${s.protocol.pixels}${id}`);
  return lines;
}

/** The fields of a metrics.jsonl eval record for an editing run. */
export function editingRecord(s: EditingScores): Record<string, unknown> {
  return {
    task: 'editing', test_count: s.count,
    reached: Object.fromEntries(s.attributes.map((a) => [a.key, a.reached])),
    l1_changed: Object.fromEntries(s.attributes.map((a) => [a.key, a.l1Changed])),
    attributes: s.attributes, skipped: s.skipped, protocol: s.protocol,
  };
}

