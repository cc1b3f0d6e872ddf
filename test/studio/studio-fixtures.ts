// Fixtures for the studio's tests: a runs folder with a finished-looking run, things outside it that must
// never be served (a secret file, a run folder reached by a symlink, a grid that is a symlink out), raw HTTP
// requests (so paths reach the server exactly as written) and an event-stream reader.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { DEFAULT_CONFIG } from '../../src/gan/config';
import { encodePng } from '../../src/io/png';
import { tempDir } from '../helpers/fixtures';

export const SECRET = 'TOP-SECRET-do-not-serve';

export function gridPng(shade: number): Buffer {
  return encodePng({ width: 4, height: 4, channels: 1, pixels: new Uint8Array(16).fill(shade) });
}

export function stepRecord(step: number): Record<string, unknown> {
  return { step, epoch: 1, loss_d: 1 + step / 100, loss_g: 2 - step / 100, d_x: 0.6, d_g_z: 0.4, step_ms: 5, elapsed_s: step / 10 };
}

export interface RunsFixture {
  root: string;
  outside: string;
  records: Record<string, unknown>[];
}

export function writeRun(dir: string, records: Record<string, unknown>[]): void {
  fs.mkdirSync(path.join(dir, 'samples'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...DEFAULT_CONFIG, model: 'mlp', dataset: 'mnist', epochs: null, steps: 100 }));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), records.map((r) => JSON.stringify(r) + '\n').join(''));
  fs.writeFileSync(path.join(dir, 'samples', 'epoch-0001.png'), gridPng(10));
  fs.writeFileSync(path.join(dir, 'samples.png'), gridPng(20));
  fs.writeFileSync(path.join(dir, 'checkpoints', 'last.safetensors'), 'not read by the studio');
}

/** runs/alpha (a run), runs/escape → a run folder outside, runs/leaky whose samples.png links to the secret. */
export function runsFixture(): RunsFixture {
  const base = tempDir('studio');
  const root = path.join(base, 'runs');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(base, 'secret.txt'), SECRET);
  fs.writeFileSync(path.join(outside, 'secret.txt'), SECRET);
  const records = [stepRecord(10), stepRecord(20), { step: 20, kind: 'eval', fid: 42.5 },
    { step: 20, kind: 'alarm', alarm: 'mode-collapse', message: 'few classes', remedy: 'lower lr' }, stepRecord(30)];
  writeRun(path.join(root, 'alpha'), records);
  writeRun(path.join(outside, 'run'), records);
  fs.writeFileSync(path.join(outside, 'run', 'samples.png'), SECRET);
  fs.symlinkSync(path.join(outside, 'run'), path.join(root, 'escape'));
  writeRun(path.join(root, 'leaky'), records);
  fs.rmSync(path.join(root, 'leaky', 'samples.png'));
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'leaky', 'samples.png'));
  fs.rmSync(path.join(root, 'leaky', 'samples', 'epoch-0001.png'));
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leaky', 'samples', 'epoch-0001.png'));
  return { root, outside, records };
}

/** Every file under `dir` with its size and mtime: to show that a refused request changed nothing. */
export function snapshot(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => {
    const full = path.join(e.parentPath, e.name);
    const s = fs.lstatSync(full);
    return `${path.relative(dir, full)} ${s.size} ${s.mtimeMs}`;
  }).sort();
}

export interface Answer { status: number; headers: http.IncomingHttpHeaders; body: Buffer; text: string }

/** One HTTP request with the path sent as written (no normalisation of `..` or percent escapes). */
export function request(base: string, rawPath: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: options.method ?? 'GET', path: rawPath, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export interface StreamEvent { event: string; data: any; at: number }

/** Reads a server-sent event stream; `next(name)` waits for the next event of that name. */
export function eventStream(base: string, rawPath: string, headers: Record<string, string>) {
  const url = new URL(base);
  const events: StreamEvent[] = [];
  const waiters: (() => void)[] = [];
  let status = 0;
  const req = http.get({ host: url.hostname, port: url.port, path: rawPath, headers }, (res) => {
    status = res.statusCode ?? 0;
    let buffer = '';
    res.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() });
      }
      waiters.splice(0).forEach((w) => w());
    });
    res.on('end', () => waiters.splice(0).forEach((w) => w()));
  });
  req.on('error', () => undefined);
  let taken = 0;
  return {
    events,
    status: () => status,
    /** The next event named `name` after those already taken by next(). */
    async next(name: string, timeoutMs = 5000): Promise<StreamEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = events.findIndex((e, k) => k >= taken && e.event === name);
        if (i >= 0) {
          taken = i + 1;
          return events[i];
        }
        if (Date.now() > deadline) throw new Error(`no '${name}' event within ${timeoutMs} ms (got ${events.map((e) => e.event).join(', ')})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => req.destroy(),
  };
}
