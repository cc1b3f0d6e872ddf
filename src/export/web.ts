// `ganforge export --web DIR`: the playground alone as a static folder that any static host serves as it is:
// index.html, the bundled playground script and styles, model.onnx with its description model.json, and
// onnxruntime-web's wasm runtime in ort/. Everything is written into a temp folder beside DIR and renamed
// into place at the end, so a failed export leaves nothing behind, and an existing DIR that is not empty is
// refused before anything is done.
import * as fs from 'fs';
import * as path from 'path';
import { buildAssets, PLAYGROUND_BUNDLE } from '../studio/assets';
import { html } from '../report/html';
import { exportPlayground, PlaygroundModel } from './playground';
import type { RunExportOptions } from './onnx';
import { RUNTIME_FILES, RUNTIME_MISSING, runtimeDir } from './web-runtime';

/** The page's policy, as a meta element: its own files only, WebAssembly compiled, no eval, no inline code. */
const WEB_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

export interface WebExport {
  dir: string;
  model: PlaygroundModel & { name: string };
  /** Bytes written in all, and those of them that are the runtime (ort/) and the model. */
  bytes: number;
  runtimeBytes: number;
  modelBytes: number;
}

function page(name: string): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${WEB_CSP}">
<title>${name}: ganforge playground</title>
<link rel="stylesheet" href="playground.css">
<script defer src="playground.js"></script>
</head><body>
<header><span class="brand">ganforge playground</span></header>
<main id="view"></main>
</body></html>
`.toString();
}

/** Why `dir` cannot take the export, or null: absent (its parent a folder), or an empty folder. */
function refusal(dir: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    const parent = path.dirname(path.resolve(dir));
    return fs.existsSync(parent) && fs.statSync(parent).isDirectory() ? null : `folder ${path.dirname(dir)} does not exist`;
  }
  if (!stat.isDirectory()) return `${dir} exists and is not a folder`;
  return fs.readdirSync(dir).length > 0 ? `${dir} exists and is not empty (give a new folder)` : null;
}

/** The name a run is shown by: its folder's name, a checkpoint file's without the extension, a zoo model's. */
export function runName(run: string): string {
  if (run.startsWith('zoo:')) return run.slice(4);
  const base = path.basename(path.resolve(run));
  return fs.existsSync(run) && fs.statSync(run).isFile() ? base.replace(/\.[^.]*$/, '') : base;
}

export async function exportWeb(dir: string, run: string, options: Pick<RunExportOptions, 'weights'> = {}): Promise<WebExport> {
  const problem = refusal(dir);
  if (problem) throw new Error(problem);
  const runtime = runtimeDir();
  if (runtime === null) throw new Error(RUNTIME_MISSING.replace('the playground needs', 'export --web needs'));
  const { bytes, model } = exportPlayground(run, options);
  const assets = await buildAssets();
  const described = { name: runName(run), ...model };
  const parent = path.dirname(path.resolve(dir));
  const temp = fs.mkdtempSync(path.join(parent, `.${path.basename(path.resolve(dir))}.tmp-`));
  try {
    fs.chmodSync(temp, 0o755); // mkdtemp makes it private; a web server runs as another user
    fs.writeFileSync(path.join(temp, 'index.html'), page(described.name));
    for (const file of PLAYGROUND_BUNDLE) fs.copyFileSync(path.join(assets, file), path.join(temp, file));
    fs.writeFileSync(path.join(temp, 'model.onnx'), bytes);
    fs.writeFileSync(path.join(temp, 'model.json'), JSON.stringify(described, null, 1) + '\n');
    fs.mkdirSync(path.join(temp, 'ort'));
    for (const file of RUNTIME_FILES.keys()) fs.copyFileSync(path.join(runtime, file), path.join(temp, 'ort', file));
    const sizes = fs.readdirSync(temp, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => ({ name: e.name, dir: e.parentPath, size: fs.statSync(path.join(e.parentPath, e.name)).size }));
    const runtimeBytes = sizes.filter((s) => s.dir.endsWith(`${path.sep}ort`)).reduce((n, s) => n + s.size, 0);
    // rename(2) replaces an empty folder in one step; a folder that gained entries meanwhile makes it fail.
    fs.renameSync(temp, dir);
    return { dir, model: described, bytes: sizes.reduce((n, s) => n + s.size, 0), runtimeBytes, modelBytes: bytes.length };
  } catch (err) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}
