// The playground in headless Debian chromium, in the studio and as a static export (`export --web`): a tiny
// trained conditional run is opened, a class picked, a new seed drawn and a principal-direction slider moved,
// and the picture on the page's canvas equals libtorch's G(z, class) for the z the page reports using, within
// 2/255 per pixel; the downloaded PNG holds the same pixels. Also the routes' refusals (runtime files by
// allow-list only, no run or checkpoint outside the runs folder) and `export --web`'s (a non-empty folder).
// Screenshots go to test-results/ (git-ignored).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runtimeDir } from '../../src/export/web-runtime';
import { modelSpec } from '../../src/gan/adversarial';
import { readCheckpoint, restoreNetwork } from '../../src/gan/checkpoint';
import { familyFor } from '../../src/gan/registry';
import { RunDir } from '../../src/gan/run-dir';
import { generate } from '../../src/gan/sampling';
import { sobelEdges } from '../../src/data/edges';
import { loadBundledMnist } from '../../src/data/mnist';
import { loadEditor } from '../../src/gan/run-edit';
import { loadTranslator } from '../../src/gan/run-translate';
import { decodePng, encodePng } from '../../src/io/png';
import { buildAssets } from '../../src/studio/assets';
import { startStudio, Studio } from '../../src/studio/server';
import { tensor } from '../../src/torch';
import { ganforge, tempDir } from '../helpers/fixtures';
import { assertCleanRefusal, ganforgeMeasured } from '../helpers/hostile';
import { tinyDigitsFolder } from '../helpers/tiny-run';
import { request, SECRET, snapshot } from './studio-fixtures';

const CHROMIUM = '/usr/bin/chromium';
const RESULTS = path.join(__dirname, '..', '..', '..', 'test-results');
const SIDE = 8;

/** libtorch's picture for (z, class) from the run's moving average, as bytes round((v + 1)·127.5), one channel. */
function torchPicture(run: string, z: number[], classIndex: number | null): Uint8Array {
  const checkpoint = readCheckpoint(new RunDir(run).checkpointPath);
  const generator = familyFor(checkpoint.config).noiseSampler!.generator(modelSpec(checkpoint.config));
  restoreNetwork(checkpoint, 'E', generator);
  checkpoint.dispose();
  const zt = tensor(Float32Array.from(z), [1, z.length]);
  const labels = classIndex === null ? undefined : tensor([classIndex], [1], 'int64');
  const data = generate(generator, zt, labels);
  [zt, labels, generator].forEach((t) => t?.dispose());
  return Uint8Array.from(data, (v) => Math.min(255, Math.max(0, Math.round((v + 1) * 127.5))));
}

/** Largest difference between the page's RGBA (gray: R = G = B) and libtorch's bytes. */
function worstDifference(rgba: number[], torch: Uint8Array): number {
  assert.equal(rgba.length, torch.length * 4);
  let worst = 0;
  for (let p = 0; p < torch.length; p++) {
    assert.ok(rgba[p * 4] === rgba[p * 4 + 1] && rgba[p * 4] === rgba[p * 4 + 2] && rgba[p * 4 + 3] === 255, 'a gray, opaque pixel');
    worst = Math.max(worst, Math.abs(rgba[p * 4] - torch[p]));
  }
  return worst;
}

interface Shown { z: number[]; classIndex: number | null; seed: number; renders: number; pixels: number[] }

type Page = import('playwright-core').Page;

/** The hook and the main canvas's pixels, read in one turn of the page's event loop (so they belong together). */
const shown = (tab: Page): Promise<Shown> => tab.evaluate(() => {
  const g = globalThis as any;
  const hook = g.ganforgePlayground;
  const canvas = g.document.getElementById('play-image');
  const pixels = Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data) as number[];
  return { z: hook.z, classIndex: hook.classIndex, seed: hook.seed, renders: hook.renders, pixels };
});

/** Waits until the page has drawn more than `after` pictures; what it shows then. */
async function drawn(tab: Page, after: number): Promise<Shown> {
  await tab.waitForFunction((n) => {
    const hook = (globalThis as any).ganforgePlayground;
    return hook && hook.renders > n;
  }, after, { timeout: 30_000 });
  return shown(tab);
}

async function setRange(tab: Page, selector: string, value: number): Promise<void> {
  await tab.locator(selector).evaluate((el, v) => {
    (el as any).value = String(v);
    el.dispatchEvent(new (globalThis as any).Event('input', { bubbles: true }));
  }, value);
}

/** A static file server for the exported folder, as any static host would be: files by path, with MIME types. */
function staticServer(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream' };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(dir, rel);
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((done) => server.close(() => done())),
  })));
}

/** A pix2pix folder of bundled digits: train/ and test/ hold edge map | digit, 56×28 gray; and one edge map alone, `single`. */
function pairedDigits(dir: string, single: string): void {
  const digits = loadBundledMnist();
  for (const [split, from, count] of [['train', 0, 16], ['test', 16, 4]] as const) {
    fs.mkdirSync(path.join(dir, split), { recursive: true });
    for (let i = from; i < from + count; i++) {
      const at = (i * 97) % digits.count;
      const digit = digits.images.subarray(at * 784, (at + 1) * 784);
      const edges = sobelEdges(digit, 28, 28);
      const pair = new Uint8Array(56 * 28);
      for (let y = 0; y < 28; y++) {
        pair.set(edges.subarray(y * 28, (y + 1) * 28), y * 56);
        pair.set(digit.subarray(y * 28, (y + 1) * 28), y * 56 + 28);
      }
      fs.writeFileSync(path.join(dir, split, `${i}.png`), encodePng({ width: 56, height: 28, channels: 1, pixels: pair }));
      if (i === from + count - 1 && split === 'test') fs.writeFileSync(single, encodePng({ width: 28, height: 28, channels: 1, pixels: edges }));
    }
  }
}

const skipBrowser = !fs.existsSync(CHROMIUM) ? 'Debian chromium is not installed (apt-get install chromium)' : runtimeDir() === null ? 'onnxruntime-web is not installed' : false;

describe('the playground', { timeout: 300_000 }, () => {
  let studio: Studio, base: string, auth: Record<string, string>;
  const top = tempDir('playground');
  const root = path.join(top, 'runs');
  const outside = path.join(top, 'outside');
  const run = path.join(root, 'tiny');

  before(async () => {
    fs.mkdirSync(root);
    fs.mkdirSync(outside);
    const made = ganforge(['train', '--model', 'cgan', '--width', '8', '--latent-dim', '8', '--dataset', tinyDigitsFolder(64, SIDE), '--batch-size', '32',
      '--steps', '10', '--grid-size', '4', '--ema', '0.9', '--out', run]);
    assert.equal(made.status, 0, made.stderr);
    // A run outside the runs folder, reached by a symlinked run folder and by a symlinked checkpoint.
    fs.cpSync(run, path.join(outside, 'run'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'secret.txt'), SECRET);
    fs.symlinkSync(path.join(outside, 'run'), path.join(root, 'escape'));
    fs.mkdirSync(path.join(root, 'linked', 'checkpoints'), { recursive: true });
    fs.copyFileSync(path.join(run, 'config.json'), path.join(root, 'linked', 'config.json'));
    fs.symlinkSync(path.join(outside, 'run', 'checkpoints', 'last.safetensors'), path.join(root, 'linked', 'checkpoints', 'last.safetensors'));
    // A run whose playground cache folder is a symlink out, and one whose checkpoint is not one.
    fs.cpSync(run, path.join(root, 'planted'), { recursive: true });
    fs.symlinkSync(outside, path.join(root, 'planted', 'playground'));
    fs.mkdirSync(path.join(root, 'hostile', 'checkpoints'), { recursive: true });
    fs.copyFileSync(path.join(run, 'config.json'), path.join(root, 'hostile', 'config.json'));
    fs.writeFileSync(path.join(root, 'hostile', 'checkpoints', 'last.safetensors'), Buffer.from('{"huge": 1}'.padEnd(64)));
    studio = await startStudio({ runs: root, port: 0, assets: await buildAssets(tempDir('studio-web')) });
    base = new URL(studio.url).origin;
    auth = { cookie: `ganforge_studio_${new URL(studio.url).port}=${studio.token}` };
  });
  after(async () => studio?.close());

  it('serves the runtime files by allow-list only, with the token, and no run or checkpoint from outside the runs folder', async () => {
    const runtime = runtimeDir();
    if (runtime !== null) {
      const entry = await request(base, '/ort/ort.wasm.min.mjs', { headers: auth });
      assert.equal(entry.status, 200);
      assert.match(String(entry.headers['content-type']), /^text\/javascript/);
      assert.deepEqual(entry.body, fs.readFileSync(path.join(runtime, 'ort.wasm.min.mjs')));
      const wasm = await request(base, '/ort/ort-wasm-simd-threaded.wasm', { headers: auth });
      assert.equal(wasm.status, 200);
      assert.equal(wasm.headers['content-type'], 'application/wasm');
    }
    assert.equal((await request(base, '/ort/ort.wasm.min.mjs')).status, 401, 'no token, no file');
    const refused = ['/ort/ort.min.js', '/ort/ort.wasm.min.mjs.map', '/ort/ort-wasm-simd-threaded.jsep.wasm', '/ort/..%2fpackage.json', '/ort/../package.json',
      '/ort/%2e%2e%2f%2e%2e%2fpackage.json', `/ort/${encodeURIComponent(path.join(outside, 'secret.txt'))}`, '/ort/', '/ort/ORT.WASM.MIN.MJS', '/ort/ort.wasm.min.mjs%00'];
    for (const p of refused) {
      const answer = await request(base, p, { headers: auth });
      assert.ok(answer.status >= 400 && answer.status < 500, `${p}: ${answer.status}`);
      assert.ok(!answer.text.includes('"name": "onnxruntime-web"') && !answer.text.includes(SECRET), `${p} served a file`);
    }
    const before = snapshot(top);
    for (const p of ['/api/runs/escape/playground', '/api/runs/escape/playground/model.onnx', '/api/runs/..%2foutside%2frun/playground/model.onnx',
      `/api/runs/${encodeURIComponent(path.join(outside, 'run'))}/playground`, '/api/runs/%2e%2e/playground', '/api/runs/linked/playground/model.onnx']) {
      const answer = await request(base, p, { headers: auth });
      assert.ok(answer.status >= 400 && answer.status < 500, `${p}: ${answer.status}`);
    }
    const linked = await request(base, '/api/runs/linked/playground', { headers: auth });
    assert.equal(linked.status, 409);
    assert.match(JSON.parse(linked.text).error, /^linked has no checkpoint yet$/, 'a checkpoint that links out is no checkpoint');
    const hostile = await request(base, '/api/runs/hostile/playground', { headers: auth });
    assert.equal(hostile.status, 422);
    assert.doesNotMatch(JSON.parse(hostile.text).error, new RegExp(root), 'the message names the run, not the path on this machine');
    assert.deepEqual(snapshot(top), before, 'refused playground requests changed nothing');
    // The planted run exports (its checkpoint is its own) but will not write through a symlinked cache folder.
    const planted = await request(base, '/api/runs/planted/playground', { headers: auth });
    assert.equal(planted.status, 409);
    assert.match(JSON.parse(planted.text).error, /planted\/playground is not a folder of this run/);
    assert.deepEqual(fs.readdirSync(outside).sort(), ['run', 'secret.txt'], 'nothing written outside');
  });

  it('describes and exports a run\'s generator on demand, cached beside its checkpoint', async () => {
    const first = await request(base, '/api/runs/tiny/playground', { headers: auth });
    assert.equal(first.status, 200, first.text);
    const model = JSON.parse(first.text);
    assert.equal(model.kind, 'noise');
    assert.deepEqual([model.latentDim, model.classes, model.imageShape, model.inputs, model.weights], [8, 10, [1, SIDE, SIDE], ['z', 'class'], 'E']);
    assert.equal(model.directions.length, 5);
    for (const d of model.directions) assert.ok(Math.abs(Math.hypot(...d.z) - 1) < 1e-6 && d.variance > 0 && d.variance < 1);
    const onnx = await request(base, '/api/runs/tiny/playground/model.onnx', { headers: auth });
    assert.equal(onnx.status, 200);
    assert.deepEqual(onnx.body, fs.readFileSync(path.join(run, 'playground', 'generator.onnx')));
    const stamp = fs.statSync(path.join(run, 'playground', 'generator.onnx')).mtimeMs;
    await request(base, '/api/runs/tiny/playground', { headers: auth });
    assert.equal(fs.statSync(path.join(run, 'playground', 'generator.onnx')).mtimeMs, stamp, 'the second request used the cache');
  });

  it('exports in a child process: the server answers other requests meanwhile, and requests that arrive together share one export', async () => {
    fs.cpSync(run, path.join(root, 'busy'), { recursive: true });
    fs.rmSync(path.join(root, 'busy', 'playground'), { recursive: true, force: true });
    const finished: string[] = [];
    const exports = [0, 1].map(() => request(base, '/api/runs/busy/playground', { headers: auth }).then((answer) => {
      finished.push('export');
      return answer;
    }));
    // The export loads libtorch in a new process (hundreds of ms at least); the run list needs none of that.
    const list = await request(base, '/api/runs', { headers: auth });
    finished.push('list');
    assert.equal(list.status, 200);
    const [a, b] = await Promise.all(exports);
    assert.deepEqual(finished, ['list', 'export', 'export'], 'the run list was answered while the export ran');
    assert.equal(a.status, 200, a.text);
    assert.equal(a.text, b.text, 'both requests got the same description');
    assert.deepEqual(fs.readdirSync(path.join(root, 'busy', 'playground')).sort(), ['generator.json', 'generator.onnx'], 'one export, no temporary files left');
  });

  it('in the studio: the page\'s picture is libtorch\'s G(z, class) for the z it used, before and after moving a slider', { skip: skipBrowser }, async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 820 }, acceptDownloads: true });
      const errors: string[] = [], foreign: string[] = [], csp: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      tab.on('console', (m) => { if (/Content Security Policy|Refused/i.test(m.text())) csp.push(m.text()); });
      tab.on('request', (r) => { if (!r.url().startsWith(`${base}/`)) foreign.push(r.url()); });
      await tab.goto(studio.url);
      await tab.goto(`${base}/#/play/tiny`);
      const first = await drawn(tab, 0);
      assert.equal(first.classIndex, 0);
      assert.ok(worstDifference(first.pixels, torchPicture(run, first.z, 0)) <= 2, 'the first picture');

      await tab.selectOption('#play-class', '3');
      await tab.click('#play-new-seed');
      await tab.waitForFunction(() => {
        const hook = (globalThis as any).ganforgePlayground;
        return hook.seed === 2 && hook.classIndex === 3;
      }, undefined, { timeout: 30_000 });
      const seeded = await shown(tab);
      await setRange(tab, '#play-pc1', 2.5);
      const moved = await drawn(tab, seeded.renders);
      assert.equal(moved.seed, 2);
      const model = JSON.parse((await request(base, '/api/runs/tiny/playground', { headers: auth })).text);
      // The slider moved z by 2.5 along the first direction and nothing else.
      moved.z.forEach((v, i) => assert.ok(Math.abs(v - seeded.z[i] - 2.5 * model.directions[0].z[i]) < 1e-5, `z[${i}]`));
      const torch = torchPicture(run, moved.z, 3);
      const worst = worstDifference(moved.pixels, torch);
      assert.ok(worst <= 2, `the browser's picture differs from libtorch's by ${worst}/255`);
      assert.ok(worstDifference(seeded.pixels, torch) > 2, 'the slider changed the picture (so the comparison can tell pictures apart)');
      assert.ok(worstDifference(first.pixels, torch) > 2, 'another seed draws another picture');

      // The interpolation strip is drawn (its first frame is the main picture), and the PNG download holds the picture.
      const stripFirst = await tab.evaluate((side) => Array.from((globalThis as any).document.getElementById('play-strip').getContext('2d').getImageData(0, 0, side, side).data) as number[], SIDE);
      assert.ok(worstDifference(stripFirst, torch) <= 2, 'the strip starts at this seed');
      const [download] = await Promise.all([tab.waitForEvent('download'), tab.click('#play-download')]);
      const png = decodePng(fs.readFileSync(await download.path()));
      assert.equal(download.suggestedFilename(), 'tiny-seed2-class3.png');
      assert.deepEqual([png.width, png.height], [SIDE, SIDE]);
      const gray = Array.from({ length: SIDE * SIDE }, (_, p) => png.pixels[p * png.channels]);
      assert.ok(gray.every((v, p) => Math.abs(v - torch[p]) <= 2), 'the downloaded PNG is the picture');
      await tab.screenshot({ path: path.join(RESULTS, 'playground.png'), fullPage: true });
      assert.deepEqual(errors, []);
      assert.deepEqual(csp, []);
      assert.deepEqual(foreign, [], 'nothing fetched from elsewhere');
    } finally {
      await browser.close();
    }
  });

  it('export --web writes a static folder that draws libtorch\'s pictures from a plain static server; refusals change nothing', { skip: skipBrowser }, async () => {
    const site = path.join(top, 'site');
    const result = ganforge(['export', '--checkpoint', run, '--web', site]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^wrote .*site\/ \(\d+\.\d MB: model\.onnx [\d.]+ [kM]B, onnxruntime-web wasm 14\.\d MB\): the playground of tiny \(cgan generator, step 10\)/);
    assert.deepEqual(fs.readdirSync(site).sort(), ['index.html', 'model.json', 'model.onnx', 'ort', 'playground.css', 'playground.js']);
    assert.deepEqual(fs.readdirSync(path.join(site, 'ort')).sort(), ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort.wasm.min.mjs']);
    assert.equal(JSON.parse(fs.readFileSync(path.join(site, 'model.json'), 'utf8')).name, 'tiny');

    const server = await staticServer(site);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1000, height: 760 } });
      const errors: string[] = [], foreign: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      tab.on('request', (r) => { if (!r.url().startsWith(server.url)) foreign.push(r.url()); });
      await tab.goto(server.url);
      const first = await drawn(tab, 0);
      await setRange(tab, '#play-truncation', 0.5);
      const truncated = await drawn(tab, first.renders);
      truncated.z.forEach((v, i) => assert.ok(Math.abs(v - 0.5 * first.z[i]) < 1e-6, 'truncation scales z toward 0'));
      const worst = worstDifference(truncated.pixels, torchPicture(run, truncated.z, 0));
      assert.ok(worst <= 2, `the static page's picture differs from libtorch's by ${worst}/255`);
      await tab.screenshot({ path: path.join(RESULTS, 'playground-static.png'), fullPage: true });
      assert.deepEqual(errors, []);
      assert.deepEqual(foreign, []);
    } finally {
      await browser.close();
      await server.close();
    }

    // A folder that is not empty, --web with --classifier or with --onnx: one line, non-zero, nothing changed.
    const before = snapshot(top);
    const cases: [string, string[], RegExp][] = [
      ['a non-empty folder', ['--checkpoint', run, '--web', site], /site exists and is not empty/],
      ['a hostile checkpoint', ['--checkpoint', path.join(root, 'hostile'), '--web', path.join(top, 'new-site')], /hostile/],
      ['--web with --classifier', ['--classifier', '--web', path.join(top, 'new-site')], /--web exports a generator's playground/],
      ['--web with --onnx', ['--checkpoint', run, '--web', path.join(top, 'new-site'), '--onnx', path.join(top, 'g.onnx')], /give --onnx FILE or --web DIR \(one of them\)/],
    ];
    for (const [what, args, pattern] of cases) assertCleanRefusal(ganforgeMeasured(['export', ...args]), what, { pattern, maxRssMiB: 400 });
    assert.deepEqual(snapshot(top), before, 'refused web exports changed nothing');
  });

  /**
   * Opens the playground of `run` in headless chromium, gives it `image` and waits for the first picture, then runs
   * `body`; the page must raise no error.
   */
  async function withImage(run: string, image: string, body: (tab: import('playwright-core').Page) => Promise<void>): Promise<void> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1000, height: 700 } });
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(studio.url);
      await tab.goto(`${base}/#/play/${run}`);
      await tab.waitForFunction(() => (globalThis as any).ganforgePlayground?.state === 'ready', undefined, { timeout: 30_000 });
      await tab.setInputFiles('#play-file', image);
      await tab.waitForFunction(() => (globalThis as any).ganforgePlayground.renders > 0, undefined, { timeout: 30_000 });
      await body(tab);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  }

  it('a StarGAN run: the page edits a chosen face to the chosen domains as libtorch does (within 2/255)', { skip: skipBrowser }, async () => {
    const faces = path.join(top, 'attr-faces');
    assert.equal(ganforge(['data', 'faces', '--attributes', '--n', '12', '--test-n', '1', '--size', '16', '--out', faces]).status, 0);
    const star = path.join(root, 'star');
    const made = ganforge(['train', '--model', 'stargan', '--dataset', faces, '--image-size', '16', '--width', '4', '--residual-blocks', '1', '--batch-size', '4',
      '--steps', '3', '--grid-size', '4', '--out', star]);
    assert.equal(made.status, 0, made.stderr);
    await withImage('star', path.join(faces, 'test', '000001.png'), async (tab) => {
      // Blond hair (the group's second choice), old (third) and glasses: each change edits again.
      await tab.selectOption('#play-group-hair', '1');
      await tab.selectOption('#play-group-age', '2');
      await tab.check('#play-attr-Eyeglasses');
      await tab.waitForFunction(() => (globalThis as any).ganforgePlayground.renders >= 4, undefined, { timeout: 30_000 });
      const { input, domains, pixels } = await tab.evaluate(() => {
        const g = globalThis as any;
        const canvas = g.document.getElementById('play-image');
        return { input: g.ganforgePlayground.input as number[], domains: g.ganforgePlayground.domains as number[], pixels: Array.from(canvas.getContext('2d').getImageData(0, 0, 16, 16).data) as number[] };
      });
      await tab.screenshot({ path: path.join(RESULTS, 'playground-stargan.png'), fullPage: true });
      // Black_Hair Blond_Hair Brown_Hair Gray_Hair Young Middle_Aged Old Eyeglasses Smiling
      assert.deepEqual(domains, [0, 1, 0, 0, 0, 0, 1, 1, 0]);
      const editor = loadEditor(star);
      const torch = editor.edit(Float32Array.from(input), Float32Array.from(domains), 1);
      editor.dispose();
      let worst = 0;
      for (let p = 0; p < 256; p++) {
        assert.equal(pixels[p * 4 + 3], 255, 'an opaque pixel');
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(pixels[p * 4 + c] - Math.min(255, Math.max(0, Math.round((torch[c * 256 + p] + 1) * 127.5)))));
      }
      assert.ok(worst <= 2, `the browser's edit differs from libtorch's by ${worst}/255`);
    });
  });

  it('a pix2pix run: the page translates a chosen image as libtorch does (within 2/255)', { skip: skipBrowser }, async () => {
    const data = path.join(top, 'pairs');
    const edges = path.join(top, 'edges.png');
    pairedDigits(data, edges);
    const p2p = path.join(root, 'p2p');
    const made = ganforge(['train', '--model', 'pix2pix', '--width', '4', '--dataset', data, '--batch-size', '4', '--steps', '3', '--grid-size', '4', '--image-size', '28', '--grayscale', '--out', p2p]);
    assert.equal(made.status, 0, made.stderr);
    await withImage('p2p', edges, async (tab) => {
      const { input, pixels } = await tab.evaluate(() => {
        const g = globalThis as any;
        const canvas = g.document.getElementById('play-image');
        return { input: g.ganforgePlayground.input as number[], pixels: Array.from(canvas.getContext('2d').getImageData(0, 0, 28, 28).data) as number[] };
      });
      await tab.screenshot({ path: path.join(RESULTS, 'playground-pix2pix.png'), fullPage: true });
      // The file is already the model's size and gray: the page's input is its pixels in [-1, 1].
      const file = decodePng(fs.readFileSync(edges));
      input.forEach((v, p) => assert.ok(Math.abs(v - (file.pixels[p * file.channels] / 127.5 - 1)) < 1e-5, `input pixel ${p}: ${(v + 1) * 127.5} vs ${file.pixels[p * file.channels]}`));
      const translator = loadTranslator(p2p);
      const torch = Uint8Array.from(translator.translate(Float32Array.from(input), 1), (v) => Math.min(255, Math.max(0, Math.round((v + 1) * 127.5))));
      translator.dispose();
      const worst = worstDifference(pixels, torch);
      assert.ok(worst <= 2, `the browser's translation differs from libtorch's by ${worst}/255`);
      assert.ok(new Set(torch).size > 4, 'a picture, not a flat field');
      await tab.screenshot({ path: path.join(RESULTS, 'playground-pix2pix.png'), fullPage: true });
    });
  });

  it('without onnxruntime-web the playground says so in one line, and the rest of the studio works', { skip: skipBrowser }, async () => {
    const bare = await startStudio({ runs: root, port: 0, assets: await buildAssets(tempDir('studio-web')), onnxRuntime: null });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const origin = new URL(bare.url).origin;
      const cookie = { cookie: `ganforge_studio_${new URL(bare.url).port}=${bare.token}` };
      const missing = await request(origin, '/ort/ort.wasm.min.mjs', { headers: cookie });
      assert.equal(missing.status, 404);
      assert.equal(JSON.parse(missing.text).error, 'onnxruntime-web is not installed');
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(bare.url);
      await tab.goto(`${origin}/#/play/tiny`);
      await tab.waitForFunction(() => (globalThis as any).ganforgePlayground?.state === 'error', undefined, { timeout: 30_000 });
      assert.match(await tab.locator('#play-status').textContent() ?? '', /^The playground needs onnxruntime-web, an optional dependency that is not installed here \(npm install onnxruntime-web\)\.$/);
      assert.equal(await tab.locator('#play-image').count(), 0, 'no controls without a runtime');
      await tab.goto(`${origin}/#/run/tiny`);
      await tab.locator('table.config th', { hasText: 'model' }).waitFor({ timeout: 10_000 });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await bare.close();
    }
  });
});
