// A run folder someone hands you is hostile input: strings where metrics.jsonl has numbers, markup in the
// config, alarms and the folder's name. The report must show it as text, run none of it, and keep its own
// script working under its Content-Security-Policy.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { encodePng } from '../../src/io/png';
import { buildReport } from '../../src/report/report';
import { tempDir } from '../helpers/fixtures';

const CHROMIUM = '/usr/bin/chromium';
const XSS = (n: number) => `<img src=x onerror=alert(${n})><script>alert(${n})</script>`;

function hostileRun(): string {
  const root = path.join(tempDir('hostile-report'), `run-<img src=x onerror=alert(0)>`);
  fs.mkdirSync(path.join(root, 'samples'), { recursive: true });
  fs.writeFileSync(path.join(root, 'config.json'), JSON.stringify({
    model: XSS(1), dataset: '</td></tr></table><script>alert(2)</script>', seed: { '<b>': XSS(3) }, imageShape: [XSS(4)], recipe: null,
    lrG: '"><svg onload=alert(5)>', ['__proto__']: XSS(6),
  }));
  const lines: unknown[] = [];
  for (let step = 10; step <= 50; step += 10) lines.push({ step, epoch: 1, loss_d: 1 / step, loss_g: step / 10, d_x: 0.6, d_g_z: 0.4, elapsed_s: step / 10 });
  lines.push({ step: XSS(7), epoch: 1, loss_d: XSS(8), loss_g: NaN, d_x: null, d_g_z: 'x', elapsed_s: XSS(9) });
  lines.push(null, 5, [1, 2], 'text');
  lines.push({ kind: 'alarm', step: XSS(10), alarm: XSS(11), message: '</li></ul><script>alert(12)</script>', remedy: XSS(13) });
  lines.push({ kind: 'eval', step: XSS(14), fid: XSS(15), class_shares: 'not a list', protocol: null });
  lines.push({ kind: 'eval', step: 3000, fid: 42.5, kid: XSS(16), class_shares: [0.1, '<b>', 0.2], protocol: { sampleCount: XSS(17), extractor: { kind: XSS(18), file: XSS(19) } } });
  lines.push({ kind: 'eval', step: 3100, fid: null, class_shares: [0.5, 0.5], protocol: { sampleCount: 10, referenceCount: 20, reference: XSS(20), extractor: { kind: 'classifier', accuracy: XSS(21) } } });
  fs.writeFileSync(path.join(root, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"step": 1, "cut sho');
  const png = (v: number) => encodePng({ width: 4, height: 4, channels: 1, pixels: new Uint8Array(16).fill(v) });
  fs.writeFileSync(path.join(root, 'samples', 'epoch-0001.png'), png(0));
  fs.writeFileSync(path.join(root, 'samples', 'epoch-0002.png'), png(255));
  fs.writeFileSync(path.join(root, 'samples', `epoch-0003.png<script>alert(22)<\\script>`), png(128));
  return root;
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('base64');

describe('report of a hostile run folder', () => {
  it('shows the data as text, with a CSP that allows only its own script and style', async (t) => {
    const root = hostileRun();
    const page = buildReport([root]);
    // The only elements are the page's own: no tag from the data, no event handler attribute anywhere.
    assert.doesNotMatch(page, /<[^>]*\son[a-z]+\s*=/i);
    assert.equal((page.match(/<script\b/g) ?? []).length, 2, 'the frames data block and the page script, nothing else');
    assert.equal((page.match(/<\/script>/g) ?? []).length, 2);
    for (let n = 0; n <= 22; n++) assert.ok(!page.includes(`<script>alert(${n})`), `alert(${n}) arrived unescaped`);
    assert.match(page, /&lt;img src=x onerror=alert\(7\)&gt;/, 'the hostile step is shown as text');
    assert.match(page, /<title>ganforge report: run-&lt;img src=x onerror=alert\(0\)&gt;<\/title>/);
    // CSP: sha256 of the exact text of the inline script and style.
    const csp = page.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1]?.replace(/&#39;/g, "'"); // as the browser decodes it
    assert.ok(csp, 'a CSP meta tag');
    const script = page.match(/<script>([\s\S]*?)<\/script>/)![1];
    const style = page.match(/<style>([\s\S]*?)<\/style>/)![1];
    assert.ok(csp.includes(`script-src 'sha256-${sha256(script)}'`), csp);
    assert.ok(csp.includes(`style-src 'sha256-${sha256(style)}'`), csp);
    assert.match(csp, /^default-src 'none'; img-src data:;/);
    assert.doesNotMatch(page, /\sstyle="/, 'no inline style attributes (the CSP forbids them)');
    // The single FID evaluation is drawn as a point with its value (defect 13).
    assert.match(page, /<circle [^>]*r="5"/);
    assert.match(page, />42\.5<\/text>/);

    if (!fs.existsSync(CHROMIUM)) {
      t.skip('Debian chromium is not installed (apt-get install chromium)');
      return;
    }
    const file = path.join(path.dirname(root), 'report.html');
    fs.writeFileSync(file, page);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const dialogs: string[] = [], errors: string[] = [], consoleLines: string[] = [], requests: string[] = [];
      tab.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      tab.on('pageerror', (e) => errors.push(e.message));
      tab.on('console', (m) => consoleLines.push(m.text()));
      tab.on('request', (r) => { if (!r.url().startsWith('data:') && r.url() !== `file://${file}`) requests.push(r.url()); });
      await tab.goto(`file://${file}`);
      await tab.waitForTimeout(1200);
      assert.deepEqual(dialogs, [], 'no script from the data ran');
      assert.deepEqual(errors, []);
      assert.deepEqual(consoleLines.filter((l) => /Content Security Policy/i.test(l)), [], 'the page\'s own script and style are allowed by its CSP');
      assert.deepEqual(requests, [], 'nothing is fetched');
      // The page's own script ran: the timelapse shows its last frame's label.
      assert.match((await tab.locator('.timelapse span').first().textContent()) ?? '', /epoch 2/);
      assert.equal(await tab.title(), 'ganforge report: run-<img src=x onerror=alert(0)>');
      assert.equal(await tab.locator('section.run h2').first().textContent(), 'run-<img src=x onerror=alert(0)>');
    } finally {
      await browser.close();
    }
  });
});
