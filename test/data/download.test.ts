// Downloads against a server on 127.0.0.1 started by the test: checksums, cache reuse, mirror fallback.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDownloaded, MNIST_REMOTE, RemoteDataset } from '../../src/data/download';
import { tempDir } from '../helpers/fixtures';

const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex');

describe('ensureDownloaded (localhost server)', () => {
  const served = new Map<string, Buffer>([['/good/a.gz', Buffer.from('first file')], ['/good/b.gz', Buffer.alloc(300000, 7)], ['/bad/a.gz', Buffer.from('tampered')]]);
  const requests: string[] = [];
  let server: http.Server;
  let base = '';
  before(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url!);
      const body = served.get(req.url!);
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const spec = (): RemoteDataset => ({
    name: 'fake',
    mirrors: [],
    files: [{ name: 'a.gz', md5: md5(served.get('/good/a.gz')!) }, { name: 'b.gz', md5: md5(served.get('/good/b.gz')!) }],
  });

  it('downloads into the cache, checks MD5s, and reuses the cache without the network', async () => {
    const cacheDir = tempDir('cache');
    const lines: string[] = [];
    const folder = await ensureDownloaded(spec(), { cacheDir, mirrors: [`${base}/good/`], log: (l) => lines.push(l) });
    assert.equal(folder, path.join(cacheDir, 'fake'));
    assert.deepEqual(fs.readFileSync(path.join(folder, 'a.gz')), served.get('/good/a.gz'));
    assert.ok(lines.some((l) => l.includes('downloading')));
    const count = requests.length;
    await ensureDownloaded(spec(), { cacheDir, mirrors: [`${base}/good/`] });
    assert.equal(requests.length, count, 'no request the second time');
  });

  it('a checksum mismatch is an error naming the file and both MD5s, and leaves nothing behind', async () => {
    const cacheDir = tempDir('cache-bad');
    await assert.rejects(ensureDownloaded(spec(), { cacheDir, mirrors: [`${base}/bad/`] }),
      new RegExp(`cannot download a\\.gz .*checksum mismatch: expected MD5 ${spec().files[0].md5}, got ${md5(Buffer.from('tampered'))}`));
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'fake')), []);
  });

  it('falls back to the next mirror when one fails', async () => {
    const cacheDir = tempDir('cache-fallback');
    await ensureDownloaded(spec(), { cacheDir, mirrors: [`${base}/missing/`, `${base}/good/`] });
    assert.ok(fs.existsSync(path.join(cacheDir, 'fake', 'b.gz')));
    // A port that was just free: nothing listens there.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(ensureDownloaded(spec(), { cacheDir: tempDir('none'), mirrors: [`${base}/missing/`, `http://127.0.0.1:${port}/`] }),
      new RegExp(`cannot download a\\.gz \\(.*missing/a\\.gz: HTTP 404; http://127\\.0\\.0\\.1:${port}/a\\.gz: ECONNREFUSED\\)`));
  });

  it('the MNIST spec lists the four standard files with 32-hex-digit checksums', () => {
    assert.deepEqual(MNIST_REMOTE.files.map((f) => f.name), ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
    assert.ok(MNIST_REMOTE.files.every((f) => /^[0-9a-f]{32}$/.test(f.md5)));
  });
});
