// Downloading the standard IDX files: each file is checked against its published MD5 and kept in a cache,
// so the network is touched once. Mirrors are tried in order; GANFORGE_MIRROR (one base URL) overrides them.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface RemoteDataset {
  /** Also the cache subfolder. */
  name: string;
  /** Base URLs, tried https first, otherwise in order; a file's URL is base + file name. */
  mirrors: string[];
  /** `size`: the file's length in bytes; a response announcing or sending more is cut off. */
  files: { name: string; md5: string; size?: number }[];
}

/** The cap on a file of no stated size: a little over the largest file the known data sets have (26 MB). */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 64 * 2 ** 20;

// The MD5s are those published with the data sets (and used by torchvision's MNIST and FashionMNIST); the sizes
// are those of the same files (Fashion-MNIST's checked against Debian's copies, whose gzip headers lack the
// stored file name: each is shorter by the name's length plus one).
export const MNIST_REMOTE: RemoteDataset = {
  name: 'mnist',
  mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'],
  files: [
    { name: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873', size: 9912422 },
    { name: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432', size: 28881 },
    { name: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3', size: 1648877 },
    { name: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c', size: 4542 },
  ],
};

export const FASHION_MNIST_REMOTE: RemoteDataset = {
  name: 'fashion-mnist',
  // The S3 website endpoint serves plain http only: last, and the MD5 still guards what it sends.
  mirrors: ['https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/', 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
  files: [
    { name: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d', size: 26421880 },
    { name: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe', size: 29515 },
    { name: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79', size: 4422102 },
    { name: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310', size: 5148 },
  ],
};

export interface DownloadOptions {
  /** Default: $GANFORGE_CACHE or ~/.cache/ganforge; files go into its `spec.name` subfolder. */
  cacheDir?: string;
  /** Replaces the spec's mirrors (and $GANFORGE_MIRROR). */
  mirrors?: string[];
  log?: (line: string) => void;
  /** Give up on a mirror after this long without receiving data (default 60 s). */
  fetchTimeoutMs?: number;
}

export function defaultCacheDir(): string {
  // `||`, not `??`: an empty GANFORGE_CACHE= in a shell means unset, not the current folder.
  return process.env.GANFORGE_CACHE || path.join(os.homedir(), '.cache', 'ganforge');
}

/** Mirrors to try: the caller's or $GANFORGE_MIRROR as given, else the spec's with https ones first (a stable sort). */
function chooseMirrors(spec: RemoteDataset, options: DownloadOptions): string[] {
  if (options.mirrors) return options.mirrors;
  if (process.env.GANFORGE_MIRROR) return [process.env.GANFORGE_MIRROR];
  const https = (url: string) => (/^https:/i.test(url) ? 0 : 1);
  return [...spec.mirrors].sort((a, b) => https(a) - https(b));
}

async function md5OfFile(file: string): Promise<string> {
  const hash = crypto.createHash('md5');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Logs "name: 25% of 26.4 MB" lines as data arrives; plain lines, so logs and pipes stay readable. */
function progressReporter(name: string, total: number, log: (line: string) => void): (received: number) => void {
  let reported = 0;
  return (received) => {
    if (total <= 0) return;
    const quarter = Math.floor((received / total) * 4);
    if (quarter <= reported) return;
    reported = quarter;
    log(`  ${name}: ${Math.min(100, quarter * 25)}% of ${(total / 1e6).toFixed(1)} MB`);
  };
}

/**
 * Streams `url` into `temp`, hashing as it goes, and returns the MD5. The timer restarts on every chunk,
 * so a slow but steady download of a large file is not cut off; only a stalled one is. A response announcing
 * more than `maxBytes` is refused before its body is read, and one sending more is aborted at the chunk
 * that crosses the cap, so neither the disk nor the hash sees more than that.
 */
async function fetchTo(url: string, temp: string, stallMs: number, maxBytes: number, onProgress: (total: number) => (received: number) => void): Promise<string> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const restartTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
  };
  restartTimer();
  const out = await fs.promises.open(temp, 'wx');
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    const announced = Number(response.headers.get('content-length') ?? 0);
    if (announced > maxBytes) {
      controller.abort();
      throw new Error(`the server announces ${announced} bytes, more than the ${maxBytes} expected`);
    }
    const report = onProgress(announced);
    const hash = crypto.createHash('md5');
    let received = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      restartTimer();
      if (received + chunk.length > maxBytes) {
        controller.abort();
        throw new Error(`the server sent more than the ${maxBytes} bytes expected`);
      }
      await out.write(chunk);
      hash.update(chunk);
      received += chunk.length;
      report(received);
    }
    // On disk before the rename makes it the cached copy.
    await out.sync();
    return hash.digest('hex');
  } finally {
    clearTimeout(timer);
    await out.close();
  }
}

/** One line per failure: fetch hides the useful reason (ECONNREFUSED, ENOTFOUND, …) in `cause`. */
function describeFailure(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.message === 'terminated') return 'the connection closed before the file was complete';
  if (e.message === 'fetch failed' && e.cause) return e.cause.code ?? e.cause.message ?? e.message;
  return e.message;
}

async function downloadOne(file: { name: string; md5: string; size?: number }, mirrors: string[], folder: string, options: DownloadOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const target = path.join(folder, file.name);
  const failures: string[] = [];
  for (const mirror of mirrors) {
    const url = mirror.replace(/\/?$/, '/') + file.name;
    // A name of its own, so two processes filling the same cache never write into one temp file.
    const temp = path.join(folder, `.${file.name}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`);
    log(`downloading ${url}`);
    try {
      const md5 = await fetchTo(url, temp, options.fetchTimeoutMs ?? 60_000, file.size ?? DEFAULT_MAX_DOWNLOAD_BYTES, (total) => progressReporter(file.name, total, log));
      if (md5 !== file.md5) throw new Error(`checksum mismatch: expected MD5 ${file.md5}, got ${md5}`);
      fs.renameSync(temp, target);
      return;
    } catch (err) {
      fs.rmSync(temp, { force: true });
      failures.push(`${url}: ${describeFailure(err)}`);
      if (failures.length < mirrors.length) log(`  failed (${describeFailure(err)}); trying the next mirror`);
    }
  }
  throw new Error(`cannot download ${file.name} (${failures.join('; ')})`);
}

/** Makes sure every file of `spec` is in the cache with the right checksum; returns the cache folder. */
export async function ensureDownloaded(spec: RemoteDataset, options: DownloadOptions = {}): Promise<string> {
  const folder = path.join(options.cacheDir ?? defaultCacheDir(), spec.name);
  const log = options.log ?? (() => undefined);
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (err) {
    throw new Error(`cannot create the download cache ${folder}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  for (const file of spec.files) {
    const target = path.join(folder, file.name);
    if (fs.existsSync(target)) {
      const cached = await md5OfFile(target);
      if (cached === file.md5) continue;
      log(`${target}: MD5 ${cached}, expected ${file.md5}; downloading it again`);
    }
    const mirrors = chooseMirrors(spec, options);
    if (mirrors.length === 0) throw new Error(`cannot download ${file.name}: no mirrors given for ${spec.name}`);
    await downloadOne(file, mirrors, folder, options);
  }
  return folder;
}
