// The runs list: one row per run folder, kept current by the /api/events stream.
import { listen, RunSummary } from './api';
import { fmt, h, show } from './dom';

function status(run: RunSummary): string {
  if (run.process?.running) return 'training';
  if (run.problem) return 'not a run';
  return run.checkpoint ? 'checkpoint' : 'no checkpoint';
}

function row(run: RunSummary): HTMLElement {
  const length = run.steps !== null ? `${run.step} / ${run.steps}` : `${run.step} (${fmt(run.epochs)} epochs)`;
  return h('tr', { 'data-run': run.name },
    h('td', {}, h('a', { href: `#/run/${encodeURIComponent(run.name)}` }, run.name)),
    h('td', {}, fmt(run.model)), h('td', {}, fmt(run.dataset)), h('td', {}, length),
    h('td', {}, fmt(run.last?.loss_d)), h('td', {}, fmt(run.last?.loss_g)), h('td', {}, fmt(run.fid)),
    h('td', { class: run.alarms ? 'alarm' : '' }, run.alarms), h('td', { class: 'status' }, status(run)));
}

export function runsView(): EventSource {
  const body = h('tbody');
  const empty = h('p', { class: 'muted' }, 'No runs yet: start one from "new run", or point --runs at a folder of runs.');
  show(h('h1', {}, 'Runs'),
    h('table', { class: 'runs' }, h('thead', {}, h('tr', {}, ...['run', 'model', 'data', 'step', 'Loss_D', 'Loss_G', 'FID', 'alarms', 'status'].map((t) => h('th', {}, t)))), body),
    empty);
  return listen('/api/events', {
    runs: (runs: RunSummary[]) => {
      body.replaceChildren(...runs.map(row));
      empty.hidden = runs.length > 0;
    },
  });
}
