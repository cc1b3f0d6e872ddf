// Two runs' curves on the same charts.
import { getJson, RunDetail, RunSummary, runUrl } from './api';
import { LiveChart, Line } from './charts';
import { h, show } from './dom';

function lines(a: string, b: string, keys: [string, string][], kind?: 'eval'): Line[] {
  return [a, b].flatMap((run, i) => keys.map(([key, label]) => ({ label: `${run}: ${label}`, key: `${i}:${key}`, kind })));
}

/** A run's records with their keys prefixed by the run's side (0 or 1), for charts holding both runs. */
const sided = (records: Record<string, unknown>[], side: number) => records.map((r) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => (k === 'step' || k === 'kind' ? [k, v] : [`${side}:${k}`, v]))));

export async function compareView(a?: string, b?: string): Promise<void> {
  const runs = await getJson<RunSummary[]>('/api/runs');
  const pick = (id: string, chosen?: string) => h('select', { id }, ...runs.map((r) => {
    const option = h('option', { value: r.name }, r.name);
    option.selected = r.name === chosen;
    return option;
  }));
  const first = pick('run-a', a ?? runs[0]?.name), second = pick('run-b', b ?? runs[1]?.name);
  const go = h('button', { type: 'button' }, 'Compare');
  go.addEventListener('click', () => (location.hash = `#/compare/${encodeURIComponent(first.value)}/${encodeURIComponent(second.value)}`));
  const view = show(h('h1', {}, 'Compare runs'), h('p', {}, first, ' vs ', second, ' ', go));
  if (!a || !b) return;
  const [ra, rb] = await Promise.all([getJson<RunDetail>(runUrl(a)), getJson<RunDetail>(runUrl(b))]);
  const charts = [
    new LiveChart('Losses', lines(a, b, [['loss_d', 'Loss_D'], ['loss_g', 'Loss_G']])),
    new LiveChart('Discriminator outputs', lines(a, b, [['d_x', 'D(x)'], ['d_g_z', 'D(G(z))']])),
    new LiveChart('FID', lines(a, b, [['fid', 'FID']], 'eval')),
  ];
  for (const record of [...sided(ra.records, 0), ...sided(rb.records, 1)]) charts.forEach((c) => c.add(record));
  view.append(h('div', { class: 'charts' }, ...charts.map((c) => c.el)));
}
