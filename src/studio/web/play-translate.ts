// The playground for an image-to-image model (pix2pix): drop or choose an image; it is resized to the model's
// size in the page (the browser's own scaling), made gray (Rec. 601 luma: 0.299 R + 0.587 G + 0.114 B) for a
// one-channel model, mapped to [-1, 1], and translated. The input as the model saw it is shown beside the result.
import { h } from './dom';
import type { OnnxModel } from './play-engine';
import { toRgba } from './play-latent';
import { canvasFor, downloadPng, PlaygroundHook, PlaygroundSource } from './play-view';

/** An image's pixels at the model's size, as the model's input [1, C, H, W] in [-1, 1]. */
export async function inputOf(file: Blob, [c, height, width]: [number, number, number]): Promise<Float32Array> {
  const bitmap = await createImageBitmap(file);
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  const plane = width * height;
  const input = new Float32Array(c * plane);
  for (let p = 0; p < plane; p++) {
    const [r, g, b] = [rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2]];
    if (c === 1) input[p] = (0.299 * r + 0.587 * g + 0.114 * b) / 127.5 - 1;
    else [r, g, b].forEach((v, ch) => (input[ch * plane + p] = v / 127.5 - 1));
  }
  return input;
}

/** A file chooser inside a drop zone: `onFile` gets the image chosen or dropped. */
export function imagePicker(onFile: (file: File) => void): HTMLElement {
  const pick = h('input', { id: 'play-file', type: 'file', accept: 'image/png,image/jpeg,image/webp,image/gif,image/bmp' });
  const drop = h('div', { class: 'play-drop', id: 'play-drop' }, 'Drop an image here, or choose one: ', pick);
  pick.addEventListener('change', () => {
    const file = pick.files?.[0];
    if (file) onFile(file);
  });
  drop.addEventListener('dragover', (e) => e.preventDefault());
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) onFile(file);
  });
  return drop;
}

export function translationView(container: HTMLElement, source: PlaygroundSource, loading: Promise<OnnxModel>, hook: PlaygroundHook, status: HTMLElement): void {
  const shape = source.model.imageShape;
  const [, height, width] = shape;
  const before = canvasFor(width, height, 'play-input', Math.max(224, width * 2));
  const after = canvasFor(width, height, 'play-image', Math.max(224, width * 2));
  const download = h('button', { id: 'play-download', type: 'button', disabled: '' }, 'Download PNG');
  let name = 'translated';

  const translate = async (file: File) => {
    name = `${source.name}-${file.name.replace(/\.[^.]*$/, '')}-translated.png`;
    try {
      const model = await loading;
      const input = await inputOf(file, shape);
      const { translated } = await model.run({ image: { data: input, dims: [1, ...shape] } });
      before.getContext('2d')!.putImageData(new ImageData(toRgba(input, 1, shape)[0], width, height), 0, 0);
      after.getContext('2d')!.putImageData(new ImageData(toRgba(translated, 1, shape)[0], width, height), 0, 0);
      Object.assign(hook, { input: Array.from(input), renders: hook.renders + 1 });
      download.disabled = false;
      status.textContent = '';
    } catch (err) {
      status.textContent = `that image could not be translated: ${(err as Error).message}`;
      status.className = 'message';
    }
  };
  container.append(imagePicker(translate), h('div', { class: 'play' },
    h('figure', {}, before, h('figcaption', { class: 'muted' }, 'input, as the model sees it')),
    h('figure', {}, after, h('figcaption', { class: 'muted' }, `translated (${source.model.direction})`))), h('p', {}, download));
  download.addEventListener('click', () => downloadPng(after, name));
  loading.then(() => {
    hook.state = 'ready';
    status.textContent = 'ready: give it an image';
  }, () => undefined);
}
