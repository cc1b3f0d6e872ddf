// The playground: a run's generator in the page. A seed (its z drawn here, see play-latent.ts), a class for
// conditional models, a truncation slider, sliders along the model's principal directions in z, an animated
// interpolation between two seeds, and a PNG download. The same view serves the studio (#/play/NAME) and a
// static export (`ganforge export --web`). For tests and scripts, window.ganforgePlayground holds the z and
// class of the picture on the main canvas once it is drawn (see README "Playground").
import { h } from './dom';
import { loadModel, OnnxModel } from './play-engine';
import { editingView } from './play-edit';
import { translationView } from './play-translate';
import { composeZ, seededNormal, slerp, toRgba } from './play-latent';

export interface PlaygroundModel {
  kind: 'noise' | 'translation' | 'editing'; direction: string | null;
  domains: { names: string[]; groups: { key: string; columns: number[]; values: string[] }[] } | null; model: string; dataset: string; step: number; weights: string; inputs: string[];
  latentDim: number; classes: number | null; imageShape: [number, number, number];
  directions: { z: number[]; variance: number }[];
  /** Studio only: whether the server has onnxruntime-web to serve. */
  runtime?: boolean;
}

export interface PlaygroundSource {
  /** Shown in the title and the PNG's file name. */
  name: string;
  model: PlaygroundModel;
  modelUrl: string;
  /** Absolute URL of the folder holding onnxruntime-web's files, ending in '/'. */
  runtimeBase: string;
}

/**
 * What the page exposes for tests: the inputs of the picture now on the main canvas (z, class and seed for a
 * noise model; the input image as the model was given it, for a translation).
 */
export interface PlaygroundHook { state: 'loading' | 'ready' | 'error'; renders: number; z: number[]; classIndex: number | null; seed: number; input: number[]; domains: number[] }

const FRAMES = 8;
const SCALE = 8;

/** Saves a canvas as a PNG file of its own pixels (its native size). */
export function downloadPng(canvas: HTMLCanvasElement, name: string): void {
  canvas.toBlob((blob) => {
    if (!blob) return;
    const link = h('a', { href: URL.createObjectURL(blob), download: name });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }, 'image/png');
}

export function canvasFor(w: number, h: number, id: string, cssWidth: number): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  c.id = id;
  c.className = 'play-canvas';
  c.style.width = `${cssWidth}px`;
  return c;
}

function numberInput(id: string, value: number, attrs: Record<string, string> = {}): HTMLInputElement {
  return h('input', { id, type: 'number', value: String(value), min: '0', max: '4294967295', step: '1', ...attrs });
}

export function playgroundView(container: HTMLElement, source: PlaygroundSource): void {
  const { model } = source;
  const [c, height, width] = model.imageShape;
  const hook: PlaygroundHook = { state: 'loading', renders: 0, z: [], classIndex: null, seed: 0, input: [], domains: [] };
  (window as unknown as { ganforgePlayground: PlaygroundHook }).ganforgePlayground = hook;
  const status = h('p', { id: 'play-status', class: 'muted' }, 'loading the model and onnxruntime-web…');
  const signature = model.kind === 'translation' ? `image ${c}×${height}×${width} → translated (${model.direction})`
    : model.kind === 'editing' ? `image ${c}×${height}×${width}, domains (${model.domains!.names.join(', ')}) → edited`
    : `z [${model.latentDim}]${model.classes ? `, class 0…${model.classes - 1}` : ''} → image ${c}×${height}×${width}`;
  container.append(h('p', { class: 'muted' },
    `${model.model} generator (${model.weights === 'E' ? 'moving average' : 'G'}; step ${model.step}; ${model.dataset}): `,
    `${signature}, run in this page by onnxruntime-web (wasm)`), status);
  const fail = (message: string) => {
    status.textContent = message;
    status.className = 'message';
    hook.state = 'error';
  };
  if (model.runtime === false) {
    fail('The playground needs onnxruntime-web, an optional dependency that is not installed here (npm install onnxruntime-web).');
    return;
  }
  const loading = loadModel(source.runtimeBase, source.modelUrl);
  loading.catch((err) => fail(`the playground could not start: ${(err as Error).message}`));
  if (model.kind === 'translation') {
    translationView(container, source, loading, hook, status);
    return;
  }
  if (model.kind === 'editing') {
    editingView(container, source, loading, hook, status);
    return;
  }

  const main = canvasFor(width, height, 'play-image', Math.max(224, width * 2));
  const seed = numberInput('play-seed', 1);
  const newSeed = h('button', { id: 'play-new-seed', type: 'button' }, 'New seed');
  const classPick = h('select', { id: 'play-class' }, ...Array.from({ length: model.classes ?? 0 }, (_, k) => h('option', { value: String(k) }, `class ${k}`)));
  const truncation = h('input', { id: 'play-truncation', type: 'range', min: '0', max: '1.5', step: '0.05', value: '1' });
  const truncationText = h('span', {}, '1.00');
  const sliders = model.directions.map((_, k) => h('input', { id: `play-pc${k + 1}`, type: 'range', min: '-3', max: '3', step: '0.1', value: '0' }));
  const sliderTexts = sliders.map(() => h('span', { class: 'muted' }, '0.0'));
  const reset = h('button', { id: 'play-reset', type: 'button' }, 'Reset sliders');
  const download = h('button', { id: 'play-download', type: 'button' }, 'Download PNG');
  const seedB = numberInput('play-seed-b', 2);
  const strip = canvasFor(width * FRAMES, height, 'play-strip', Math.min(FRAMES * Math.max(64, width * 2), 720));
  const animation = canvasFor(width, height, 'play-animation', Math.max(112, width * 2));

  container.append(h('div', { class: 'play' },
    h('div', {}, main, h('p', {}, download)),
    h('div', { class: 'play-controls' },
      h('p', {}, h('label', {}, 'seed ', seed), ' ', newSeed),
      model.classes ? h('p', {}, h('label', {}, 'class ', classPick)) : null,
      h('p', {}, h('label', { title: 'z is scaled by this factor, toward 0 (the mean of z): below 1, less variety and more typical images' }, 'truncation ψ ', truncation), ' ', truncationText),
      h('h2', {}, 'Principal directions'),
      h('p', { class: 'muted' }, `z moved along the directions that best predict the top principal components of ${'G(z)'} over 256 samples`),
      ...sliders.map((s, k) => h('p', {}, h('label', {}, `PC${k + 1} (${(model.directions[k].variance * 100).toFixed(1)}% of variance) `, s), ' ', sliderTexts[k])),
      h('p', {}, reset))),
  h('h2', {}, 'Interpolation'),
  h('p', {}, h('label', {}, 'from this seed to seed ', seedB), ' (spherical, with the same class, truncation and sliders)'),
  h('div', { class: 'play-interp' }, animation, strip));

  const draw = (canvas: HTMLCanvasElement, rgba: Uint8ClampedArray<ArrayBuffer>, x = 0) => canvas.getContext('2d')!.putImageData(new ImageData(rgba, width, height), x, 0);
  const classOf = () => (model.classes ? Number(classPick.value) : null);
  const zFor = (s: number) => composeZ(seededNormal(s, model.latentDim), Number(truncation.value), model.directions.map((d) => d.z), sliders.map((x) => Number(x.value)));

  let generator: OnnxModel | null = null;
  const draw1 = async (z: Float32Array, n: number, klass: number | null) => {
    const feeds = { z: { data: z, dims: [n, model.latentDim] }, ...(klass === null ? {} : { class: { data: BigInt64Array.from(new Array(n).fill(BigInt(klass))), dims: [n] } }) };
    return toRgba((await generator!.run(feeds)).image, n, model.imageShape);
  };
  let busy = false, dirty = false;
  let frames: Uint8ClampedArray<ArrayBuffer>[] = [];

  // One render at a time; inputs that arrive meanwhile ask for one more, with the values of then.
  const render = async () => {
    if (!generator) return;
    if (busy) {
      dirty = true;
      return;
    }
    busy = true;
    try {
      do {
        dirty = false;
        const s = Number(seed.value) >>> 0, klass = classOf();
        const z = zFor(s);
        const [picture] = await draw1(z, 1, klass);
        draw(main, picture);
        Object.assign(hook, { z: Array.from(z), classIndex: klass, seed: s, renders: hook.renders + 1 });
        const a = z, b = zFor(Number(seedB.value) >>> 0);
        const batch = new Float32Array(FRAMES * model.latentDim);
        for (let f = 0; f < FRAMES; f++) batch.set(slerp(a, b, f / (FRAMES - 1)), f * model.latentDim);
        frames = await draw1(batch, FRAMES, klass);
        frames.forEach((f, i) => draw(strip, f, i * width));
      } while (dirty);
      status.textContent = '';
    } catch (err) {
      fail(`the generator failed: ${(err as Error).message}`);
    } finally {
      busy = false;
    }
  };

  // The animation walks the strip forth and back.
  let tick = 0;
  const timer = setInterval(() => {
    if (!animation.isConnected) return clearInterval(timer);
    if (frames.length === 0) return;
    const period = 2 * (FRAMES - 1);
    const i = tick++ % period;
    draw(animation, frames[i < FRAMES ? i : period - i]);
  }, 150);

  seed.addEventListener('input', render);
  seedB.addEventListener('input', render);
  classPick.addEventListener('change', render);
  newSeed.addEventListener('click', () => {
    seed.value = String((Number(seed.value) + 1) >>> 0);
    seedB.value = String((Number(seed.value) + 1) >>> 0);
    render();
  });
  truncation.addEventListener('input', () => {
    truncationText.textContent = Number(truncation.value).toFixed(2);
    render();
  });
  sliders.forEach((s, k) => s.addEventListener('input', () => {
    sliderTexts[k].textContent = Number(s.value).toFixed(1);
    render();
  }));
  reset.addEventListener('click', () => {
    sliders.forEach((s, k) => {
      s.value = '0';
      sliderTexts[k].textContent = '0.0';
    });
    render();
  });
  download.addEventListener('click', () => downloadPng(main, `${source.name}-seed${seed.value}${model.classes ? `-class${classPick.value}` : ''}.png`));

  loading.then((g) => {
    generator = g;
    hook.state = 'ready';
    return render();
  }, () => undefined);
}
