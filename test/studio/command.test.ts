// `ganforge studio` from the command line: it bundles its page, prints a URL with a fresh token that opens the
// API, refuses a wrong token, and ends cleanly on Ctrl-C (SIGINT).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { CLI, tempDir } from '../helpers/fixtures';
import { request } from './studio-fixtures';

function launch(runs: string) {
  const child = spawn(process.execPath, [CLI, 'studio', '--runs', runs, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = new Promise<URL>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = /open (http:\/\/\S+)/.exec(out)?.[1];
      if (found) resolve(new URL(found));
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url, exited };
}

describe('ganforge studio', () => {
  it('prints a URL with a per-launch token on 127.0.0.1 and stops on SIGINT', async () => {
    const runs = tempDir('studio-cli');
    const first = launch(runs);
    const url = await first.url;
    assert.equal(url.hostname, '127.0.0.1');
    const token = url.searchParams.get('token')!;
    assert.match(token, /^[A-Za-z0-9_-]{32}$/);
    assert.equal((await request(url.origin, '/api/runs', { headers: { 'x-studio-token': token } })).text, '[]');
    assert.equal((await request(url.origin, '/assets/main.js', { headers: { 'x-studio-token': token } })).status, 200, 'the page was bundled');
    assert.equal((await request(url.origin, '/api/runs', { headers: { 'x-studio-token': (token[0] === 'A' ? 'B' : 'A') + token.slice(1) } })).status, 401);
    const second = launch(runs);
    const other = (await second.url).searchParams.get('token');
    assert.notEqual(other, token, 'each launch has its own token');
    for (const s of [first, second]) {
      s.child.kill('SIGINT');
      assert.equal(await s.exited, 0);
    }
  });
});
