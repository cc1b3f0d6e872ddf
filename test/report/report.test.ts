// The report of a real run (trained with periodic evaluation), opened in headless Chromium. The screenshot
// is kept as a test artefact in test-results/report.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ganforge, mnistSubsetFolder, tempDir } from '../helpers/fixtures';

const CHROMIUM = '/usr/bin/chromium';
const ARTEFACTS = path.join(__dirname, '..', '..', '..', 'test-results');

describe('ganforge report', () => {
  it('writes a self-contained page that renders in Chromium with curves, grids, timelapse, scores and config', { timeout: 600_000 }, async (t) => {
    const root = tempDir('report');
    const data = mnistSubsetFolder(640);
    const a = path.join(root, 'run-a');
    const b = path.join(root, 'run-b');
    const trainA = ganforge(['train', '--model', 'mlp', '--dataset', 'mnist', '--steps', '320', '--eval-every', '160', '--out', a]);
    assert.equal(trainA.status, 0, trainA.stderr);
    assert.equal(ganforge(['train', '--model', 'mlp', '--loss', 'hinge', '--dataset', data, '--steps', '30', '--out', b]).status, 0);
    const single = ganforge(['report', a]);
    assert.equal(single.status, 0, single.stderr);
    const html = fs.readFileSync(path.join(a, 'report.html'), 'utf8');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing is loaded from elsewhere');
    assert.match(html, /<h1>ganforge report: run-a<\/h1>/);
    assert.ok((html.match(/data:image\/png;base64,/g) ?? []).length >= 3, 'grids are embedded');
    assert.match(html, /FID against the held-out data/);
    assert.match(html, /Protocol: 1000 samples vs 2000 reference images/);
    const compare = path.join(root, 'compare.html');
    assert.equal(ganforge(['report', a, b, '--out', compare]).status, 0);
    assert.match(fs.readFileSync(compare, 'utf8'), /run-a vs run-b/);
    assert.equal(ganforge(['report', root]).status, 1, 'a folder without config.json is refused');

    if (!fs.existsSync(CHROMIUM)) {
      t.skip('Debian chromium is not installed (apt-get install chromium)');
      return;
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${compare}`);
      await page.waitForTimeout(500);
      assert.deepEqual(errors, []);
      assert.equal(await page.title(), 'ganforge report: run-a vs run-b');
      assert.equal(await page.locator('section.run').count(), 2);
      assert.equal(await page.locator('.charts svg').count(), 3);
      // Runs in the page: `document` is the browser's (this file compiles without the DOM typings).
      const broken = await page.evaluate('Array.from(document.images).filter((img) => img.complete && img.naturalWidth === 0).length');
      assert.equal(broken, 0, 'every image decodes');
      // The timelapse slider moves through run-a's epoch grids.
      const slider = page.locator('.timelapse input').first();
      await slider.fill('1');
      assert.match((await page.locator('.timelapse span').first().textContent()) ?? '', /epoch 2|final/);
      fs.mkdirSync(ARTEFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTEFACTS, 'report.png'), fullPage: true });
      assert.ok(fs.statSync(path.join(ARTEFACTS, 'report.png')).size > 10_000);
    } finally {
      await browser.close();
    }
  });
});
