// Downloading the standard IDX files: each file is checked against its published MD5 and kept in a cache,
// so the network is touched once. Mirrors are tried in order; GANFORGE_MIRROR (one base URL) overrides them.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface RemoteDataset {
  name: string;
  mirrors: string[];
  files: { name: string; md5: string }[];
}

// Checksums as published with the data sets (and used by torchvision).
export const MNIST_REMOTE: RemoteDataset = {
  name: 'mnist',
  mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'],
  files: [
    { name: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
    { name: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
    { name: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3' },
    { name: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
  ],
};

export const FASHION_MNIST_REMOTE: RemoteDataset = {
  name: 'fashion-mnist',
  mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/', 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/'],
  files: [
    { name: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
    { name: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
    { name: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
    { name: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
  ],
};

export interface DownloadOptions {
  cacheDir?: string;
  mirrors?: string[];
  log?: (line: string) => void;
  fetchTimeoutMs?: number;
}

export function defaultCacheDir(): string {
  return process.env.GANFORGE_CACHE ?? path.join(os.homedir(), '.cache', 'ganforge');
}

function md5Of(file: string): string {
  return crypto.createHash('md5').update(fs.readFileSync(file)).digest('hex');
}

/** Fetches url into `temp`, returning its MD5; progress goes to `log` in 25% steps. */
async function fetchTo(url: string, temp: string, timeoutMs: number, log: (line: string) => void): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length') ?? 0);
  const hash = crypto.createHash('md5');
  const out = fs.openSync(temp, 'w');
  let received = 0;
  let reported = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      fs.writeSync(out, chunk);
      hash.update(chunk);
      received += chunk.length;
      if (total > 0 && received / total >= reported + 0.25) {
        reported = Math.floor((received / total) * 4) / 4;
        log(`  ${path.basename(temp).replace(/^\.|\.part$/g, '')}: ${Math.round(reported * 100)}% of ${(total / 1e6).toFixed(1)} MB`);
      }
    }
  } finally {
    fs.closeSync(out);
  }
  return hash.digest('hex');
}

/** Makes sure every file of `spec` is in the cache with the right checksum; returns the cache folder. */
export async function ensureDownloaded(spec: RemoteDataset, options: DownloadOptions = {}): Promise<string> {
  const folder = path.join(options.cacheDir ?? defaultCacheDir(), spec.name);
  const mirrors = options.mirrors ?? (process.env.GANFORGE_MIRROR ? [process.env.GANFORGE_MIRROR] : spec.mirrors);
  const log = options.log ?? (() => undefined);
  fs.mkdirSync(folder, { recursive: true });
  for (const file of spec.files) {
    const target = path.join(folder, file.name);
    if (fs.existsSync(target) && md5Of(target) === file.md5) continue;
    const temp = path.join(folder, `.${file.name}.part`);
    const failures: string[] = [];
    let done = false;
    for (const mirror of mirrors) {
      const url = mirror.replace(/\/?$/, '/') + file.name;
      log(`downloading ${url}`);
      try {
        const md5 = await fetchTo(url, temp, options.fetchTimeoutMs ?? 120_000, log);
        if (md5 !== file.md5) throw new Error(`checksum mismatch: expected MD5 ${file.md5}, got ${md5}`);
        fs.renameSync(temp, target);
        done = true;
        break;
      } catch (err) {
        fs.rmSync(temp, { force: true });
        // fetch wraps network errors: the reason (ECONNREFUSED, a timeout, …) is in `cause`.
        const e = err as Error & { cause?: { code?: string; message?: string } };
        failures.push(`${url}: ${e.cause?.code ?? e.cause?.message ?? e.message}`);
      }
    }
    if (!done) throw new Error(`cannot download ${file.name} (${failures.join('; ')})`);
  }
  return folder;
}
