// Downloads against a server on 127.0.0.1 started by the test: checksums, cache reuse, mirror fallback,
// and the real Fashion-MNIST checksums against Debian's copy of the files. Nothing leaves the machine.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MAX_DOWNLOAD_BYTES, ensureDownloaded, FASHION_MNIST_REMOTE, MNIST_REMOTE, RemoteDataset } from '../../src/data/download';
import { DEBIAN_FASHION_MNIST, loadFashionMnist } from '../../src/data/mnist';
import { tempDir } from '../helpers/fixtures';

/** A port that was free a moment ago: nothing listens there, so connecting is refused. */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Debian's packaging (strip-nondeterminism) rewrote the gzip headers: it dropped the stored file name
 * and set the time to the package date, so its files hash differently from the published ones. The
 * compressed data is untouched; putting back upstream's header (flag FNAME, the time the files were made,
 * 31 Aug 2017, Unix) gives back the published files byte for byte. Returns null for a header we don't know.
 */
function upstreamGzip(debian: Buffer, name: string, mtime: number): Buffer | null {
  if (debian[0] !== 0x1f || debian[1] !== 0x8b || debian[2] !== 8) return null;
  if (debian[3] === 0x08) return debian; // still has its name: served as shipped
  if (debian[3] !== 0) return null;
  const header = Buffer.alloc(10);
  header.set([0x1f, 0x8b, 8, 0x08]);
  header.writeUInt32LE(mtime, 4);
  header.set([0, 3], 8);
  // gzip stores the name of the file it compressed, without .gz.
  return Buffer.concat([header, Buffer.from(`${name.replace(/\.gz$/, '')}\0`, 'latin1'), debian.subarray(10)]);
}
const UPSTREAM_MTIME: Record<string, number> = {
  'train-images-idx3-ubyte.gz': 0x59a7e9de, 'train-labels-idx1-ubyte.gz': 0x59a7e9de,
  't10k-images-idx3-ubyte.gz': 0x59a7e9f3, 't10k-labels-idx1-ubyte.gz': 0x59a7e9f3,
};

describe('ensureDownloaded (localhost server)', () => {
  const served = new Map<string, Buffer>([['/good/a.gz', Buffer.from('first file')], ['/good/b.gz', Buffer.alloc(300000, 7)], ['/bad/a.gz', Buffer.from('tampered')]]);
  const requests: string[] = [];
  let sentEndless = 0;
  let server: http.Server;
  let base = '';
  before(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url!);
      if (req.url!.startsWith('/stall/')) {
        res.writeHead(200, { 'content-length': 100 }).write('abcde'); // and then nothing
        return;
      }
      if (req.url!.startsWith('/endless/')) {
        // No content-length, and data until the client hangs up: only a cap on what is received stops it.
        const chunk = Buffer.alloc(64 * 1024, 1);
        const more = () => {
          while (!res.destroyed && sentEndless < 1 << 30) {
            sentEndless += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
        };
        res.writeHead(200);
        more();
        return;
      }
      if (req.url!.startsWith('/announced/')) {
        res.writeHead(200, { 'content-length': 1 << 30 }).write('abcde'); // a 1 GiB promise
        return;
      }
      if (req.url!.startsWith('/early/')) {
        res.writeHead(200, { 'content-length': 100 }).write('abc', () => res.destroy());
        return;
      }
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
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const spec = (): RemoteDataset => ({
    name: 'fake',
    mirrors: [],
    // Worked out with md5sum: printf 'first file' | md5sum, and 300,000 bytes of 0x07.
    files: [{ name: 'a.gz', md5: '79ffed91dea0b50d7b7fd966672b0d5e' }, { name: 'b.gz', md5: 'a95aa03512179a387a47aab51d3e5d20' }],
  });
  const TAMPERED_MD5 = '07b218b924120d49a725c36b06556000';

  it('downloads into the cache, checks MD5s, and reuses the cache without the network', async () => {
    const cacheDir = tempDir('cache');
    const lines: string[] = [];
    const before = requests.length;
    const folder = await ensureDownloaded(spec(), { cacheDir, mirrors: [`${base}/good/`], log: (l) => lines.push(l) });
    assert.equal(folder, path.join(cacheDir, 'fake'));
    assert.deepEqual(fs.readFileSync(path.join(folder, 'a.gz')), served.get('/good/a.gz'));
    assert.deepEqual(fs.readFileSync(path.join(folder, 'b.gz')), served.get('/good/b.gz'));
    assert.deepEqual(fs.readdirSync(folder).sort(), ['a.gz', 'b.gz']);
    assert.deepEqual(requests.slice(before), ['/good/a.gz', '/good/b.gz']);
    assert.ok(lines.includes(`downloading ${base}/good/b.gz`), lines.join('\n'));
    assert.ok(lines.includes('  b.gz: 100% of 0.3 MB'), lines.join('\n'));
    const count = requests.length;
    await ensureDownloaded(spec(), { cacheDir, mirrors: [`${base}/good/`] });
    assert.equal(requests.length, count, 'no request the second time');
  });

  it('replaces a cached file whose checksum is wrong', async () => {
    const cacheDir = tempDir('cache-stale');
    fs.mkdirSync(path.join(cacheDir, 'fake'));
    fs.writeFileSync(path.join(cacheDir, 'fake', 'a.gz'), 'half a fi');
    const lines: string[] = [];
    await ensureDownloaded(spec(), { cacheDir, mirrors: [`${base}/good/`], log: (l) => lines.push(l) });
    assert.equal(fs.readFileSync(path.join(cacheDir, 'fake', 'a.gz'), 'utf8'), 'first file');
    assert.ok(lines.some((l) => l.includes(`expected ${spec().files[0].md5}; downloading it again`)), lines.join('\n'));
  });

  it('a checksum mismatch is an error naming the file, URL and both MD5s, and leaves nothing behind', async () => {
    const cacheDir = tempDir('cache-bad');
    await assert.rejects(ensureDownloaded(spec(), { cacheDir, mirrors: [`${base}/bad/`] }), {
      message: `cannot download a.gz (${base}/bad/a.gz: checksum mismatch: expected MD5 ${spec().files[0].md5}, got ${TAMPERED_MD5})`,
    });
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'fake')), []);
  });

  it('falls back to the next mirror when one refuses or 404s, and lists every failure when all do', async () => {
    const port = await closedPort();
    const cacheDir = tempDir('cache-fallback');
    await ensureDownloaded(spec(), { cacheDir, mirrors: [`http://127.0.0.1:${port}/`, `${base}/missing/`, `${base}/good/`] });
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'fake')).sort(), ['a.gz', 'b.gz']);
    const none = tempDir('none');
    await assert.rejects(ensureDownloaded(spec(), { cacheDir: none, mirrors: [`${base}/missing`, `http://127.0.0.1:${port}/`] }), {
      message: `cannot download a.gz (${base}/missing/a.gz: HTTP 404 Not Found; http://127.0.0.1:${port}/a.gz: ECONNREFUSED)`,
    });
    assert.deepEqual(fs.readdirSync(path.join(none, 'fake')), []);
  });

  it('gives up on a stalled or cut-off transfer without leaving a partial file', async () => {
    const cacheDir = tempDir('cache-stall');
    await assert.rejects(ensureDownloaded(spec(), { cacheDir, mirrors: [`${base}/stall/`, `${base}/early/`], fetchTimeoutMs: 300 }), {
      message: `cannot download a.gz (${base}/stall/a.gz: no data for 0.3 s; ${base}/early/a.gz: the connection closed before the file was complete)`,
    });
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'fake')), []);
  });

  it('caps the size: a response announcing or sending more than the file\'s size is cut off, leaving nothing', async () => {
    const cacheDir = tempDir('cache-cap');
    const sized = (size?: number): RemoteDataset => ({ name: 'capped', mirrors: [], files: [{ name: 'a.gz', md5: spec().files[0].md5, size }] });
    await assert.rejects(ensureDownloaded(sized(10), { cacheDir, mirrors: [`${base}/announced/`, `${base}/endless/`] }), {
      message: `cannot download a.gz (${base}/announced/a.gz: the server announces ${1 << 30} bytes, more than the 10 expected; ${base}/endless/a.gz: the server sent more than the 10 bytes expected)`,
    });
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'capped')), []);
    // Without a stated size the default cap applies, and the transfer stops soon after it (the server notices late).
    sentEndless = 0;
    await assert.rejects(ensureDownloaded(sized(undefined), { cacheDir, mirrors: [`${base}/endless/`] }), {
      message: `cannot download a.gz (${base}/endless/a.gz: the server sent more than the ${DEFAULT_MAX_DOWNLOAD_BYTES} bytes expected)`,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(sentEndless < DEFAULT_MAX_DOWNLOAD_BYTES + (32 << 20), `the server sent ${sentEndless} bytes before the client hung up`);
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'capped')), []);
    // The exact size is allowed.
    const exact = tempDir('cache-exact');
    await ensureDownloaded(sized('first file'.length), { cacheDir: exact, mirrors: [`${base}/good/`] });
    assert.equal(fs.readFileSync(path.join(exact, 'capped', 'a.gz'), 'utf8'), 'first file');
  });

  it('tries a spec\'s https mirrors before plain http ones', async () => {
    const saved = process.env.GANFORGE_MIRROR;
    delete process.env.GANFORGE_MIRROR;
    try {
      const [http1, https1] = [await closedPort(), await closedPort()];
      const mixed = { ...spec(), mirrors: [`http://127.0.0.1:${http1}/`, `https://127.0.0.1:${https1}/`] };
      await assert.rejects(ensureDownloaded(mixed, { cacheDir: tempDir('cache-https') }), {
        message: `cannot download a.gz (https://127.0.0.1:${https1}/a.gz: ECONNREFUSED; http://127.0.0.1:${http1}/a.gz: ECONNREFUSED)`,
      });
    } finally {
      if (saved !== undefined) process.env.GANFORGE_MIRROR = saved;
    }
    assert.ok(FASHION_MNIST_REMOTE.mirrors[0].startsWith('https://'), FASHION_MNIST_REMOTE.mirrors[0]);
  });

  it('uses GANFORGE_CACHE and GANFORGE_MIRROR from the environment', async () => {
    const saved = { cache: process.env.GANFORGE_CACHE, mirror: process.env.GANFORGE_MIRROR };
    const cacheDir = tempDir('cache-env');
    process.env.GANFORGE_CACHE = cacheDir;
    process.env.GANFORGE_MIRROR = `${base}/good/`;
    try {
      const folder = await ensureDownloaded({ ...spec(), mirrors: [`http://127.0.0.1:${await closedPort()}/`] });
      assert.equal(folder, path.join(cacheDir, 'fake'));
      assert.equal(fs.readFileSync(path.join(folder, 'a.gz'), 'utf8'), 'first file');
      // An explicit mirror list still wins over the environment.
      await assert.rejects(ensureDownloaded({ ...spec(), name: 'fake2' }, { mirrors: [`${base}/missing/`] }), /HTTP 404/);
    } finally {
      for (const [key, value] of [['GANFORGE_CACHE', saved.cache], ['GANFORGE_MIRROR', saved.mirror]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('no mirrors to try is an error, not a silent success', async () => {
    await assert.rejects(ensureDownloaded(spec(), { cacheDir: tempDir('cache-none'), mirrors: [] }), { message: 'cannot download a.gz: no mirrors given for fake' });
  });

  it('the MNIST spec lists the four standard files with the published MD5s and sizes', () => {
    assert.deepEqual(MNIST_REMOTE.files, [
      { name: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873', size: 9912422 },
      { name: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432', size: 28881 },
      { name: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3', size: 1648877 },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c', size: 4542 },
    ]);
    assert.ok(MNIST_REMOTE.mirrors.every((m) => m.startsWith('https://') && m.endsWith('/')));
  });

  it('downloads the real Fashion-MNIST files with the FASHION_MNIST_REMOTE checksums', async (t) => {
    if (!fs.existsSync(DEBIAN_FASHION_MNIST)) {
      t.skip(`${DEBIAN_FASHION_MNIST} is absent (apt-get install dataset-fashion-mnist)`);
      return;
    }
    for (const { name } of FASHION_MNIST_REMOTE.files) {
      const restored = upstreamGzip(fs.readFileSync(path.join(DEBIAN_FASHION_MNIST, name)), name, UPSTREAM_MTIME[name]);
      if (!restored) {
        t.skip(`${name}: unfamiliar gzip header in this version of dataset-fashion-mnist`);
        return;
      }
      served.set(`/fashion/${name}`, restored);
    }
    const cacheDir = tempDir('cache-fashion');
    const folder = await ensureDownloaded(FASHION_MNIST_REMOTE, { cacheDir, mirrors: [`${base}/fashion/`] });
    assert.equal(folder, path.join(cacheDir, 'fashion-mnist'));
    const test = loadFashionMnist(folder, 'test');
    assert.deepEqual([test.count, test.height, test.width], [10000, 28, 28]);
  });
});
