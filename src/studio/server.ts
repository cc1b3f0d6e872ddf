// The studio's HTTP server: the page and its assets, a JSON API over the runs folder, live event streams,
// and start/stop/resume of training runs. Every request passes checkRequest (auth.ts) first; every path
// comes from paths.ts, which keeps the studio inside the runs folder.
import * as fs from 'fs';
import * as path from 'path';
import type { AddressInfo } from 'net';
import Fastify, { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { RunDir } from '../gan/run-dir';
import { RECIPES } from '../gan/recipes';
import { checkRequest, Gate, newToken } from './auth';
import { RunFollower, POLL_MS } from './follow';
import { STUDIO_CSP, studioPage } from './page';
import { HttpError, RunsRoot } from './paths';
import { TrainerProcesses } from './processes';
import { parseResume, parseStart } from './requests';
import { gridFile } from './grids';
import { PlaygroundModels } from './playground';
import { RUNTIME_FILES, runtimeDir, runtimeFile } from '../export/web-runtime';
import { RunReader } from './runs';
import { openEventStream } from './sse';

/** A POST body is a run name and a page of config keys: 64 KiB is far more than any needs. */
export const BODY_LIMIT = 64 * 1024;
const LIST_POLL_MS = 500;

export interface StudioOptions {
  runs: string;
  host?: string;
  port?: number;
  /** Where the bundled page assets are (buildAssets()); without it only the API is served. */
  assets?: string;
  token?: string;
  /** onnxruntime-web's dist folder for the playground (default: the installed package's; null: none, as when it is not installed). */
  onnxRuntime?: string | null;
}

export interface Studio {
  app: FastifyInstance;
  url: string;
  token: string;
  root: RunsRoot;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': STUDIO_CSP,
  'x-content-type-options': 'nosniff',
  // The printed URL carries the token: never pass it on in a Referer.
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

type NameParams = { Params: { name: string } };

export async function startStudio(options: StudioOptions): Promise<Studio> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const root = new RunsRoot(options.runs);
  const reader = new RunReader(root);
  const playground = new PlaygroundModels(root);
  const ortDir = options.onnxRuntime === undefined ? runtimeDir() : options.onnxRuntime;
  const procs = new TrainerProcesses();
  let port = options.port ?? 7860;
  const hosts = () => new Set(['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host].map((h) => `${h}:${port}`.toLowerCase()));
  const gate: Gate = { token, cookieName: () => `ganforge_studio_${port}`, allowedHosts: hosts };

  const app = Fastify({ bodyLimit: BODY_LIMIT, forceCloseConnections: true, logger: false });
  app.addHook('onRequest', async (_req, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  app.addHook('onRequest', checkRequest(gate));
  // JSON bodies only: a text/plain POST is what a cross-site form can send without a preflight.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send({ error: err.message });
    const status = err.statusCode ?? 500;
    if (status >= 500) console.error(`studio: ${err.stack ?? err.message}`);
    return reply.code(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not found' }));

  if (options.assets) {
    // wildcard: false serves exactly the files the bundle folder holds now, by route, and nothing else.
    await app.register(fastifyStatic, { root: options.assets, prefix: '/assets/', wildcard: false, index: false, dotfiles: 'deny' });
  }

  app.get('/', async (req, reply) => {
    const url = new URL(req.url, 'http://studio.invalid');
    if (url.searchParams.has('token')) {
      // checkRequest has checked it: keep it in a cookie and take it out of the address bar.
      reply.header('set-cookie', `${gate.cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      return reply.code(303).header('location', '/').send();
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(studioPage(token));
  });

  const processOf = (name: string) => {
    const folder = root.contained(path.join(root.real, name));
    return folder === null ? null : procs.state(folder);
  };
  const withProcess = <T extends { name: string }>(run: T) => ({ ...run, process: processOf(run.name) });
  // The list leaves out the trainers' output: it would make every log line a new list for every open page.
  const listRuns = () => reader.list().map((run) => {
    const state = processOf(run.name);
    return { ...run, process: state && { ...state, log: [] } };
  });

  app.get('/api/recipes', async () => Object.entries(RECIPES).map(([name, r]) => ({ name, summary: r.summary })));
  app.get('/api/runs', async () => listRuns());
  app.get<NameParams>('/api/runs/:name', async (req) => withProcess(reader.detail(req.params.name)));

  app.get<{ Params: { name: string; grid: string } }>('/api/runs/:name/grids/:grid', async (req, reply) => {
    const file = gridFile(root, root.runFolder(req.params.name), req.params.grid);
    return reply.type('image/png').header('cache-control', 'no-cache').send(await fs.promises.readFile(file));
  });

  // The playground: a run's generator as ONNX with its description, and onnxruntime-web's wasm runtime to run it.
  app.get<NameParams>('/api/runs/:name/playground', async (req) => ({ ...(await playground.get(root.runFolder(req.params.name))).model, runtime: ortDir !== null }));
  app.get<NameParams>('/api/runs/:name/playground/model.onnx', async (req, reply) => {
    const { file } = await playground.get(root.runFolder(req.params.name));
    return reply.type('application/octet-stream').header('cache-control', 'no-cache').send(await fs.promises.readFile(file));
  });
  app.get<{ Params: { file: string } }>('/ort/:file', async (req, reply) => {
    const file = runtimeFile(req.params.file, ortDir);
    if (file === null) throw new HttpError(404, ortDir === null ? 'onnxruntime-web is not installed' : 'not a file of the runtime');
    return reply.type(RUNTIME_FILES.get(path.basename(file))!).header('cache-control', 'max-age=3600').send(fs.createReadStream(file));
  });

  app.get('/api/events', async (req, reply) => {
    const stream = openEventStream(req, reply, SECURITY_HEADERS);
    let last = '';
    const look = () => {
      const runs = listRuns();
      const text = JSON.stringify(runs);
      if (text !== last) stream.send('runs', runs);
      last = text;
    };
    look();
    const timer = setInterval(look, LIST_POLL_MS);
    stream.onClose(() => clearInterval(timer));
  });

  app.get<NameParams>('/api/runs/:name/events', async (req, reply) => {
    const folder = root.runFolder(req.params.name);
    const follower = new RunFollower(new RunDir(folder));
    const stream = openEventStream(req, reply, SECURITY_HEADERS);
    const first = follower.poll();
    stream.send('snapshot', {
      records: first.flatMap((e) => ('record' in e ? [e.record] : [])),
      grids: first.flatMap((e) => (e.type === 'grid' ? [{ name: e.name, version: e.version }] : [])),
      process: procs.state(folder),
    });
    let lastProcess = JSON.stringify(procs.state(folder));
    const timer = setInterval(() => {
      if (root.contained(folder) === null) return; // removed (or swapped for a symlink out) while watched
      for (const event of follower.poll()) stream.send(event.type, event);
      const state = procs.state(folder);
      const text = JSON.stringify(state);
      if (text !== lastProcess) stream.send('process', state);
      lastProcess = text;
    }, POLL_MS);
    stream.onClose(() => clearInterval(timer));
  });

  app.post('/api/runs', async (req, reply) => {
    const start = parseStart(req.body);
    const folder = root.newRunFolder(start.name);
    try {
      fs.mkdirSync(folder); // not recursive: a second request for the same name loses here
    } catch {
      throw new HttpError(409, `a run named ${start.name} exists already`);
    }
    const state = procs.start(folder, start.recipe ? ['--recipe', start.recipe] : [], start.config);
    return reply.code(202).send({ name: start.name, process: state });
  });

  app.post<NameParams>('/api/runs/:name/stop', async (req) => {
    const state = await procs.stop(root.runFolder(req.params.name));
    return { name: req.params.name, process: state };
  });

  app.post<NameParams>('/api/runs/:name/resume', async (req, reply) => {
    const folder = root.runFolder(req.params.name);
    const { steps } = parseResume(req.body);
    if (!new RunDir(folder).hasCheckpoint()) throw new HttpError(409, 'this run has no checkpoint to resume from');
    const state = procs.start(folder, ['--resume', ...(steps !== undefined ? ['--steps', String(steps)] : [])]);
    return reply.code(202).send({ name: req.params.name, process: state });
  });

  await app.listen({ host, port });
  port = (app.server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    app,
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    root,
    close: async () => {
      await procs.stopAll();
      await app.close();
    },
  };
}

