// The entry of a static playground (`ganforge export --web DIR`): model.json, model.onnx and ort/ beside
// index.html, all fetched by relative URL, so the folder works from any static host.
import './studio.css';
import { h } from './dom';
import { PlaygroundModel, playgroundView } from './play-view';

async function start(): Promise<void> {
  const view = document.getElementById('view')!;
  try {
    const answer = await fetch('model.json');
    if (!answer.ok) throw new Error(`model.json: HTTP ${answer.status}`);
    const model = (await answer.json()) as PlaygroundModel & { name: string };
    document.title = `${model.name}: ganforge playground`;
    view.append(h('h1', {}, `Playground: ${model.name}`));
    playgroundView(view, { name: model.name, model, modelUrl: 'model.onnx', runtimeBase: new URL('ort/', location.href).href });
  } catch (err) {
    view.append(h('p', { class: 'message' }, (err as Error).message));
  }
}

start();
