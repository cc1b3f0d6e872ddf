// The studio's playground view (#/play/NAME): the run's generator, exported by the server on first use, run in
// the page. #/play alone lists the runs with a checkpoint to choose from.
import { getJson, RunSummary, runUrl } from './api';
import { h, show } from './dom';
import { PlaygroundModel, playgroundView } from './play-view';

export async function playView(name?: string): Promise<void> {
  if (!name) {
    const runs = (await getJson<RunSummary[]>('/api/runs')).filter((r) => r.checkpoint);
    show(h('h1', {}, 'Playground'), runs.length === 0 ? h('p', { class: 'muted' }, 'No run has a checkpoint yet.')
      : h('ul', {}, ...runs.map((r) => h('li', {}, h('a', { href: `#/play/${encodeURIComponent(r.name)}` }, r.name), ` (${r.model ?? '?'}, step ${r.step})`))));
    return;
  }
  const view = show(h('h1', {}, `Playground: ${name}`), h('p', { class: 'muted', id: 'play-exporting' }, 'exporting the generator…'));
  const model = await getJson<PlaygroundModel>(`${runUrl(name)}/playground`);
  view.querySelector('#play-exporting')?.remove();
  playgroundView(view, { name, model, modelUrl: `${runUrl(name)}/playground/model.onnx`, runtimeBase: new URL('/ort/', location.href).href });
}
