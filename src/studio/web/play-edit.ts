// The playground for an attribute-editing model (StarGAN): drop or choose an image (prepared as for a
// translation, see play-translate.ts), pick the target domains (a choice per one-of group such as hair or age,
// a box per binary attribute such as glasses), and see the edit; every change of the choices edits again.
import { h } from './dom';
import type { OnnxModel } from './play-engine';
import { toRgba } from './play-latent';
import { imagePicker, inputOf } from './play-translate';
import { canvasFor, downloadPng, PlaygroundHook, PlaygroundSource } from './play-view';

export function editingView(container: HTMLElement, source: PlaygroundSource, loading: Promise<OnnxModel>, hook: PlaygroundHook, status: HTMLElement): void {
  const shape = source.model.imageShape;
  const [, height, width] = shape;
  const { names, groups } = source.model.domains!;
  const grouped = new Set(groups.flatMap((g) => g.columns));
  const choices = groups.map((g) => h('select', { id: `play-group-${g.key}` }, ...g.values.map((v, i) => h('option', { value: String(i) }, v))));
  const boxes = names.map((name, k) => (grouped.has(k) ? null : h('input', { id: `play-attr-${name}`, type: 'checkbox' })));
  const before = canvasFor(width, height, 'play-input', Math.max(224, width * 2));
  const after = canvasFor(width, height, 'play-image', Math.max(224, width * 2));
  const download = h('button', { id: 'play-download', type: 'button', disabled: '' }, 'Download PNG');
  let input: Float32Array | null = null;
  let name = 'edited';

  /** The target domain vector the controls describe: one member of each group, and each ticked attribute. */
  const targets = (): Float32Array => {
    const c = new Float32Array(names.length);
    groups.forEach((g, i) => (c[g.columns[Number(choices[i].value)]] = 1));
    boxes.forEach((box, k) => box && box.checked && (c[k] = 1));
    return c;
  };
  const edit = async () => {
    if (!input) return;
    try {
      const model = await loading;
      const domains = targets();
      const { edited } = await model.run({ image: { data: input, dims: [1, ...shape] }, domains: { data: domains, dims: [1, names.length] } });
      after.getContext('2d')!.putImageData(new ImageData(toRgba(edited, 1, shape)[0], width, height), 0, 0);
      Object.assign(hook, { input: Array.from(input), domains: Array.from(domains), renders: hook.renders + 1 });
      download.disabled = false;
      status.textContent = '';
    } catch (err) {
      status.textContent = `that image could not be edited: ${(err as Error).message}`;
      status.className = 'message';
    }
  };
  const choose = async (file: File) => {
    name = `${source.name}-${file.name.replace(/\.[^.]*$/, '')}-edited.png`;
    input = await inputOf(file, shape);
    before.getContext('2d')!.putImageData(new ImageData(toRgba(input, 1, shape)[0], width, height), 0, 0);
    await edit();
  };
  const controls = h('p', { class: 'play-controls' },
    ...groups.flatMap((g, i) => [h('label', { for: choices[i].id }, ` ${g.key} `), choices[i]]),
    ...boxes.flatMap((box, k) => (box ? [h('label', {}, box, ` ${names[k]}`)] : [])));
  for (const control of [...choices, ...boxes]) control?.addEventListener('change', () => void edit());
  container.append(imagePicker((file) => void choose(file)), controls, h('div', { class: 'play' },
    h('figure', {}, before, h('figcaption', { class: 'muted' }, 'input, as the model sees it')),
    h('figure', {}, after, h('figcaption', { class: 'muted' }, 'edited'))), h('p', {}, download));
  download.addEventListener('click', () => downloadPng(after, name));
  loading.then(() => {
    hook.state = 'ready';
    status.textContent = 'ready: give it an image, then choose what to change';
  }, () => undefined);
}
