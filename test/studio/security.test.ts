// The studio refuses what it must: requests without the token, changes without the header or from another
// origin, a foreign Host, paths that leave the runs folder however they are spelled, symlinks out of it,
// oversized bodies and bad names; and a refused request reads and changes nothing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BODY_LIMIT, startStudio, Studio } from '../../src/studio/server';
import { request, runsFixture, RunsFixture, SECRET, snapshot } from './studio-fixtures';

describe('studio security', () => {
  let studio: Studio, fx: RunsFixture, base: string, host: string;
  let auth: Record<string, string>;

  before(async () => {
    fx = runsFixture();
    studio = await startStudio({ runs: fx.root, port: 0 });
    base = new URL(studio.url).origin;
    host = new URL(studio.url).host;
    auth = { cookie: `ganforge_studio_${new URL(studio.url).port}=${studio.token}` };
  });
  after(async () => studio.close());

  const change = (extra: Record<string, string> = {}) => ({ ...auth, 'content-type': 'application/json', 'x-studio-token': studio.token, origin: base, ...extra });

  it('serves a read with the token and refuses it without, with a wrong one, or to a foreign Host', async () => {
    assert.equal((await request(base, '/api/runs', { headers: auth })).status, 200);
    assert.equal((await request(base, '/api/runs', { headers: { 'x-studio-token': studio.token } })).status, 200);
    const tries: Record<string, string>[] = [{}, { cookie: `ganforge_studio_1=${studio.token}` }, { 'x-studio-token': studio.token.slice(1) }, { 'x-studio-token': `${studio.token}x` }];
    for (const headers of tries) {
      for (const p of ['/api/runs', '/api/runs/alpha', '/api/runs/alpha/grids/samples.png', '/api/events', '/', '/assets/main.js']) {
        const answer = await request(base, p, { headers });
        assert.equal(answer.status, 401, `${p} ${JSON.stringify(headers)}`);
        assert.ok(JSON.parse(answer.text).error);
      }
    }
    const oneOff = studio.token.slice(0, -1) + (studio.token.endsWith('A') ? 'B' : 'A');
    assert.equal((await request(base, `/?token=${oneOff}`)).status, 401);
    // A page of another site, its name resolved to 127.0.0.1 (DNS rebinding), sends its own Host.
    assert.equal((await request(base, '/api/runs', { headers: { ...auth, host: 'evil.example:80' } })).status, 421);
    assert.equal((await request(base, '/api/runs', { headers: { ...auth, host: `evil.example:${new URL(base).port}` } })).status, 421);
  });

  it('sets the cookie from the printed URL, with a strict policy on every answer', async () => {
    const answer = await request(base, `/?token=${studio.token}`);
    assert.equal(answer.status, 303);
    assert.match(String(answer.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    assert.match(String(answer.headers['content-security-policy']), /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval';/);
    assert.equal(answer.headers['referrer-policy'], 'no-referrer');
    const page = await request(base, '/', { headers: auth });
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<script>|\son\w+=|style="/, 'no inline script, handler or style');
  });

  it('never serves a path outside the runs folder, however it is spelled', async () => {
    const attempts = [
      '/api/runs/../../secret.txt', '/api/runs/..%2f..%2fsecret.txt', '/api/runs/%2e%2e/grids/secret.txt', '/api/runs/%2E%2E%2F%2E%2E%2Fsecret.txt',
      '/api/runs/alpha/grids/..%2f..%2f..%2fsecret.txt', '/api/runs/alpha/grids/%2e%2e%2f%2e%2e%2fsecret.txt', '/api/runs/alpha/grids/../../../secret.txt',
      `/api/runs/alpha/grids/${encodeURIComponent(path.join(fx.outside, 'secret.txt'))}`, `/api/runs/${encodeURIComponent(path.join(fx.outside, 'run'))}`,
      `/api/runs/${encodeURIComponent(fx.outside)}/grids/samples.png`, '/api/runs/alpha%00/grids/samples.png', '/api/runs/alpha/grids/samples.png%00.txt',
      '/api/runs/escape', '/api/runs/escape/grids/samples.png', '/api/runs/escape/events',
      '/api/runs/leaky/grids/samples.png', '/api/runs/leaky/grids/epoch-0001.png', '/api/runs/alpha/grids/config.json', '/api/runs/alpha/grids/metrics.jsonl',
      '/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/%2e%2e/secret.txt', '/api/runs/.',
    ];
    for (const p of attempts) {
      const answer = await request(base, p, { headers: auth });
      assert.ok(answer.status >= 400 && answer.status < 500, `${p}: ${answer.status}`);
      assert.ok(!answer.text.includes(SECRET), `${p} leaked the secret`);
    }
    // The symlinked run is not listed at all; the real run and the leaky one (its own files) are.
    const names = (JSON.parse((await request(base, '/api/runs', { headers: auth })).text) as { name: string }[]).map((r) => r.name);
    assert.deepEqual(names, ['alpha', 'leaky']);
    // The grid endpoint does serve a run's own grids (so the refusals above are not a route that never works).
    const grid = await request(base, '/api/runs/alpha/grids/samples.png', { headers: auth });
    assert.equal(grid.status, 200);
    assert.deepEqual(grid.body, fs.readFileSync(path.join(fx.root, 'alpha', 'samples.png')));
  });

  it('refuses changes without the token header, from another origin, oversized or malformed; nothing changes', async () => {
    const before = snapshot(path.dirname(fx.root));
    const body = JSON.stringify({ name: 'new-run', config: { model: 'mlp', steps: 5 } });
    const refused: [Record<string, string>, string, number, string?][] = [
      [{ ...auth, 'content-type': 'application/json', origin: base }, body, 403], // cookie alone is not enough
      [change({ origin: 'http://evil.example' }), body, 403],
      [change({ origin: `http://localhost:${new URL(base).port}` }), body, 403],
      [change({ origin: 'null' }), body, 403],
      [{ ...change(), origin: '' }, body, 403],
      [change(), JSON.stringify({ name: 'x', config: { model: 'mlp', pad: 'a'.repeat(BODY_LIMIT) } }), 413],
      [change(), JSON.stringify({ name: '../escaped', config: { model: 'mlp' } }), 400],
      [change(), JSON.stringify({ name: '/tmp/abs', config: { model: 'mlp' } }), 400],
      [change(), JSON.stringify({ name: 'alpha', config: { model: 'mlp' } }), 409],
      [change(), JSON.stringify({ name: 'ok', config: { modle: 'mlp' } }), 400, "unknown key 'modle' (did you mean 'model'?)"],
      [change(), JSON.stringify({ name: 'ok', config: { model: 'mlp', batchSize: -3 } }), 400, 'batchSize'],
      [change(), JSON.stringify({ name: 'ok', recipe: 'nope' }), 400, 'recipe must be one of'],
      [change(), JSON.stringify({ name: 'ok', extra: 1 }), 400, "unknown field 'extra'"],
      [change(), '{"name": "ok", "__proto__": {"x": 1}}', 400],
      [change(), 'not json', 400],
      [change({ 'content-type': 'text/plain' }), body, 415],
    ];
    for (const [headers, text, status, words] of refused) {
      const answer = await request(base, '/api/runs', { method: 'POST', headers, body: text });
      assert.equal(answer.status, status, `${JSON.stringify(headers)} ${text.slice(0, 80)}: ${answer.text}`);
      const error = JSON.parse(answer.text).error as string;
      assert.ok(error, answer.text);
      if (words) assert.ok(error.includes(words), error);
    }
    for (const p of ['/api/runs/alpha/stop', '/api/runs/alpha/resume']) {
      assert.equal((await request(base, p, { method: 'POST', headers: change({ origin: 'http://evil.example' }), body: '{}' })).status, 403);
    }
    assert.equal((await request(base, '/api/runs/escape/resume', { method: 'POST', headers: change(), body: '{}' })).status, 404);
    assert.equal((await request(base, '/api/runs/alpha/stop', { method: 'POST', headers: change(), body: '{}' })).status, 409);
    assert.equal((await request(base, '/api/runs/alpha/resume', { method: 'POST', headers: change(), body: '{"steps": "9; rm -rf /"}' })).status, 400);
    assert.deepEqual(snapshot(path.dirname(fx.root)), before, 'no refused request changed a file');
  });
});
