// Starting a run: a name, a recipe, and a few config keys (the server checks them as `train --config` would).
import { getJson, postJson } from './api';
import { h, show } from './dom';

export function newRunView(): void {
  const name = h('input', { id: 'name', required: '', pattern: '[A-Za-z0-9_\\-][A-Za-z0-9._\\-]*', value: `run-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}` });
  const recipe = h('select', { id: 'recipe' }, h('option', { value: '' }, '(none: the model\'s defaults)'));
  const config = h('textarea', { id: 'config', rows: '8', cols: '60' }, '{\n  "model": "mlp",\n  "dataset": "mnist",\n  "steps": 500\n}');
  const start = h('button', { id: 'start', type: 'button' }, 'Start');
  const message = h('p', { class: 'message' });
  getJson<{ name: string; summary: string }[]>('/api/recipes').then((recipes) => {
    recipe.append(...recipes.map((r) => h('option', { value: r.name, title: r.summary }, `${r.name}: ${r.summary.slice(0, 80)}`)));
  }).catch((err) => (message.textContent = (err as Error).message));
  start.addEventListener('click', async () => {
    message.textContent = '';
    let values: unknown;
    try {
      values = config.value.trim() === '' ? undefined : JSON.parse(config.value);
    } catch {
      message.textContent = 'the config is not valid JSON';
      return;
    }
    try {
      await postJson('/api/runs', { name: name.value, ...(recipe.value ? { recipe: recipe.value } : {}), ...(values === undefined ? {} : { config: values }) });
      location.hash = `#/run/${encodeURIComponent(name.value)}`;
    } catch (err) {
      message.textContent = (err as Error).message;
    }
  });
  show(h('h1', {}, 'New run'),
    h('p', {}, h('label', {}, 'name ', name)),
    h('p', {}, h('label', {}, 'recipe ', recipe)),
    h('p', {}, h('label', {}, 'config keys (JSON, as in a run\'s config.json or the train flags)'), h('br'), config),
    h('p', {}, start), message);
}
