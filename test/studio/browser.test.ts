// The studio end to end in headless Debian chromium: the runs list, a run started from the page, at least
// three live updates arriving on its run page (curves and grid drawn), stopped from the page with a
// checkpoint written, its epoch grids played as a timelapse; no script error, no CSP violation, nothing fetched from anywhere but the studio.
// Screenshots go to test-results/ (git-ignored).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAssets } from '../../src/studio/assets';
import { startStudio, Studio } from '../../src/studio/server';
import { tempDir } from '../helpers/fixtures';
import { tinyDigitsFolder } from '../helpers/tiny-run';
import { runsFixture, RunsFixture } from './studio-fixtures';

const CHROMIUM = '/usr/bin/chromium';
const RESULTS = path.join(__dirname, '..', '..', '..', 'test-results');

describe('studio in a browser', () => {
  let studio: Studio, fx: RunsFixture;

  before(async () => {
    fx = runsFixture();
    studio = await startStudio({ runs: fx.root, port: 0, assets: await buildAssets(tempDir('studio-web')) });
  });
  after(async () => studio.close());

  it('lists runs, starts one, shows live updates and stops it with a checkpoint', async (t) => {
    if (!fs.existsSync(CHROMIUM)) {
      t.skip('Debian chromium is not installed (apt-get install chromium)');
      return;
    }
    fs.mkdirSync(RESULTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const tab = await context.newPage();
      const errors: string[] = [], consoleLines: string[] = [], foreign: string[] = [];
      const origin = new URL(studio.url).origin;
      tab.on('pageerror', (e) => errors.push(e.message));
      tab.on('console', (m) => consoleLines.push(m.text()));
      tab.on('request', (r) => { if (!r.url().startsWith(`${origin}/`)) foreign.push(r.url()); });

      await tab.goto(studio.url);
      assert.equal(new URL(tab.url()).search, '', 'the token left the address bar');
      await tab.locator('tr[data-run="alpha"]').waitFor({ timeout: 10_000 });
      assert.deepEqual(await tab.locator('table.runs tbody tr td:first-child').allTextContents(), ['alpha', 'leaky']);

      await tab.click('a[href="#/new"]');
      await tab.locator('#recipe option[value="mlp-mnist"]').waitFor({ state: 'attached' });
      const data = tinyDigitsFolder(64, 8);
      await tab.fill('#name', 'from-page');
      await tab.fill('#config', JSON.stringify({ model: 'mlp', dataset: data, batchSize: 16, latentDim: 8, gridSize: 16, steps: 100000, metricsEvery: 1, logEvery: 20, seed: 5 }));
      await tab.click('#start');
      await tab.waitForURL(/#\/run\/from-page$/, { timeout: 10_000 });
      // Live updates: the counter of events that arrived after the page opened its stream.
      // (Functions, not strings: the CSP forbids eval. they run in the page; this file has no DOM types.)
      await tab.waitForFunction(() => Number((globalThis as any).document.getElementById('updates').textContent) >= 3, undefined, { timeout: 60_000 });
      await tab.waitForFunction(() => {
        const img = (globalThis as any).document.querySelector('img.grid');
        return !!img && img.complete && img.naturalWidth > 0;
      }, undefined, { timeout: 60_000 });
      // Some curve for the screenshot (the README's): a few dozen steps.
      await tab.waitForFunction(() => Number((globalThis as any).document.getElementById('step').textContent) >= 60, undefined, { timeout: 60_000 });
      assert.match(await tab.locator('#state').textContent() ?? '', /^training \(pid \d+\)$/);
      assert.ok(Number(await tab.locator('#step').textContent()) > 0);
      assert.equal(await tab.locator('.chart canvas').count(), 3);
      assert.equal(await tab.locator('.chart:visible').count(), 2, 'no FID chart for a run without scores');
      assert.equal(await tab.locator('table.config tr', { hasText: 'dataset' }).locator('td').textContent(), data, 'the config, once the run wrote it');
      await tab.screenshot({ path: path.join(RESULTS, 'studio-run.png'), fullPage: true });

      await tab.click('#stop');
      await tab.waitForFunction(() => /^exited/.test((globalThis as any).document.getElementById('state').textContent), undefined, { timeout: 60_000 });
      assert.ok(fs.existsSync(path.join(fx.root, 'from-page', 'checkpoints', 'last.safetensors')), 'stopping wrote a checkpoint');

      // The timelapse: every epoch grid the run wrote, in order, played from the first to the last.
      const epochs = fs.readdirSync(path.join(fx.root, 'from-page', 'samples')).filter((f) => /^epoch-\d+\.png$/.test(f)).sort();
      assert.ok(epochs.length >= 3, `${epochs.length} epoch grids`);
      await tab.reload();
      await tab.waitForFunction((n) => (globalThis as any).document.getElementById('timelapse-frame')?.max === String(n - 1), epochs.length, { timeout: 10_000 });
      assert.equal(await tab.locator('#timelapse-label').textContent(), `epoch ${epochs.length} (${epochs.length} of ${epochs.length})`);
      await tab.locator('#timelapse-frame').evaluate((el) => {
        (el as any).value = '0';
        el.dispatchEvent(new (globalThis as any).Event('input', { bubbles: true }));
      });
      assert.equal(await tab.locator('#timelapse-label').textContent(), `epoch 1 (1 of ${epochs.length})`);
      assert.match(await tab.locator('#timelapse-image').getAttribute('src') ?? '', /\/grids\/epoch-0001\.png\?v=/);
      await tab.click('#timelapse-play');
      await tab.locator('#timelapse-label').filter({ hasText: `(${epochs.length} of ${epochs.length})` }).waitFor({ timeout: 5_000 + 300 * epochs.length });
      await tab.waitForFunction(() => {
        const img = (globalThis as any).document.getElementById('timelapse-image');
        return img.complete && img.naturalWidth > 0 && /epoch-\d+\.png/.test(img.src);
      }, undefined, { timeout: 10_000 });
      assert.equal(await tab.locator('#timelapse-play').textContent(), 'Play', 'it stops at the last frame');

      await tab.click('a[href="#/"]');
      await tab.locator('tr[data-run="from-page"] .status').filter({ hasText: 'checkpoint' }).waitFor({ timeout: 10_000 });
      await tab.screenshot({ path: path.join(RESULTS, 'studio-runs.png'), fullPage: true });

      // The run's config, and two runs compared on the same charts.
      await tab.click('a[href="#/run/alpha"]');
      await tab.locator('table.config th', { hasText: 'model' }).waitFor({ timeout: 10_000 });
      assert.equal(await tab.locator('table.config tr', { hasText: 'model' }).locator('td').textContent(), 'mlp');
      await tab.goto(`${origin}/#/compare/alpha/from-page`);
      await tab.locator('.chart canvas').first().waitFor({ timeout: 10_000 });
      const legend = await tab.locator('.chart').first().locator('.u-legend').textContent();
      assert.ok(legend?.includes('alpha: Loss_D') && legend.includes('from-page: Loss_G'), legend ?? '');

      assert.deepEqual(errors, []);
      assert.deepEqual(consoleLines.filter((l) => /Content Security Policy|Refused/i.test(l)), []);
      assert.deepEqual(foreign, [], 'nothing fetched from elsewhere');
    } finally {
      await browser.close();
    }
  });
});
