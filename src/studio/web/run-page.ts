// One run: its curves, latest grid and alarms, live from /api/runs/NAME/events; stop and resume buttons.
import { getJson, gridUrl, listen, postJson, ProcessState, RunDetail, runUrl } from './api';
import { D_LINES, FID_LINES, LiveChart, LOSS_LINES } from './charts';
import { fmt, h, show } from './dom';
import { Timelapse } from './timelapse';

export function runView(name: string): EventSource {
  const charts = [new LiveChart('Losses', LOSS_LINES), new LiveChart('Discriminator outputs', D_LINES), new LiveChart('FID (lower is better)', FID_LINES)];
  const grid = h('img', { class: 'grid', alt: 'latest samples' });
  const timelapse = new Timelapse(name);
  const gridLabel = h('p', { class: 'muted' }, 'no grid yet');
  const alarms = h('ul', { class: 'alarms' });
  const stepText = h('span', { id: 'step' }, '0');
  const updates = h('span', { id: 'updates' }, '0');
  const state = h('span', { id: 'state' }, '');
  const message = h('p', { class: 'message' });
  const log = h('pre', { class: 'log' });
  const stop = h('button', { id: 'stop' }, 'Stop (writes a checkpoint)');
  const resume = h('button', { id: 'resume' }, 'Resume');
  let received = 0;

  const act = (button: HTMLButtonElement, action: () => Promise<unknown>) => button.addEventListener('click', async () => {
    button.disabled = true;
    message.textContent = '';
    try {
      await action();
    } catch (err) {
      message.textContent = (err as Error).message;
    }
    button.disabled = false;
  });
  act(stop, () => postJson(`${runUrl(name)}/stop`));
  act(resume, () => postJson(`${runUrl(name)}/resume`));

  const showProcess = (p: ProcessState | null) => {
    state.textContent = p === null ? 'not started from this studio' : p.running ? `training (pid ${p.pid})` : `exited (${p.signal ?? p.exitCode})`;
    stop.hidden = !p?.running;
    resume.hidden = !!p?.running;
    log.textContent = p ? p.log.slice(-12).join('\n') : '';
  };
  // FID only exists for runs that evaluate (--eval-every): its chart shows from the first score on.
  charts[2].el.hidden = true;
  const addRecord = (record: Record<string, unknown>) => {
    charts.forEach((c) => c.add(record));
    showConfig();
    if (record.kind === 'eval' && typeof record.fid === 'number') charts[2].el.hidden = false;
    if (record.kind === undefined && typeof record.step === 'number') stepText.textContent = String(record.step);
    if (record.kind === 'alarm') alarms.append(h('li', {}, h('b', {}, `step ${fmt(record.step)}: ${fmt(record.alarm)}`), ` — ${fmt(record.message)}`));
  };
  const showGrid = (g: { name: string; version: number }) => {
    grid.src = gridUrl(name, g.name, g.version);
    gridLabel.textContent = g.name;
  };
  const counted = <T>(fn: (data: T) => void) => (data: T) => {
    received++;
    updates.textContent = String(received);
    fn(data);
  };

  // The config, as config.json holds it (written once, at the run's start).
  const config = h('table', { class: 'config' });
  const CONFIG_KEYS = ['recipe', 'model', 'dataset', 'loss', 'epochs', 'steps', 'batchSize', 'lrG', 'lrD', 'beta1', 'beta2', 'dSteps', 'emaDecay', 'latentDim', 'seed', 'imageShape'];
  // A run just started has no config.json yet: asked again with each record until it has one.
  let configState: 'none' | 'asking' | 'shown' = 'none';
  const showConfig = () => {
    if (configState !== 'none') return;
    configState = 'asking';
    getJson<RunDetail>(runUrl(name)).then((run) => {
      configState = run.config ? 'shown' : 'none';
      fillConfig(run);
    }).catch(() => (configState = 'none'));
  };
  const fillConfig = (run: RunDetail) => {
    const c = run.config ?? {};
    config.replaceChildren(...CONFIG_KEYS.filter((k) => k in c).map((k) => h('tr', {}, h('th', {}, k), h('td', {}, Array.isArray(c[k]) ? (c[k] as unknown[]).join('×') : fmt(c[k])))));
    if (run.problem && run.records.length > 0) config.replaceChildren(h('tr', {}, h('td', { class: 'message' }, run.problem)));
  };

  show(h('h1', {}, name),
    h('p', {}, 'step ', stepText, ' · ', state, ' · live updates: ', updates),
    h('p', {}, stop, ' ', resume, ' ', h('a', { id: 'play-link', href: `#/play/${encodeURIComponent(name)}` }, 'Playground (its generator in this page)')), message,
    h('div', { class: 'charts' }, ...charts.map((c) => c.el), h('div', { class: 'samples' }, h('h2', {}, 'Latest samples'), grid, gridLabel), timelapse.el),
    h('h2', {}, 'Alarms'), alarms, h('h2', {}, 'Config'), config, h('h2', {}, 'Output'), log);

  return listen(`${runUrl(name)}/events`, {
    snapshot: (s: { records: Record<string, unknown>[]; grids: { name: string; version: number }[]; process: ProcessState | null }) => {
      s.records.forEach(addRecord);
      s.grids.forEach((g) => timelapse.add(g));
      const latest = s.grids.find((g) => g.name === 'samples.png') ?? s.grids.at(-1);
      if (latest) showGrid(latest);
      showProcess(s.process);
      showConfig();
    },
    record: counted((e: { record: Record<string, unknown> }) => addRecord(e.record)),
    eval: counted((e: { record: Record<string, unknown> }) => addRecord(e.record)),
    alarm: counted((e: { record: Record<string, unknown> }) => addRecord(e.record)),
    grid: counted((e: { name: string; version: number }) => {
      if (e.name === 'samples.png') showGrid(e);
      timelapse.add(e);
    }),
    reset: () => {
      charts.forEach((c) => c.clear());
      charts[2].el.hidden = true;
      alarms.replaceChildren();
    },
    process: showProcess,
  });
}
