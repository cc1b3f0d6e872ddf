// onnxruntime-web's plain wasm build, the files the playground needs and nothing else: its ES module, the
// Emscripten glue it imports, and the SIMD wasm binary (≈ 14 MB; it runs single-threaded, so pages need no
// cross-origin isolation). Files are found by exact name in this list, never by a path from a request.
// onnxruntime-web is an optional dependency: without it the playground says so and the studio works on.
import * as fs from 'fs';
import * as path from 'path';

/** File name → the Content-Type it is served with (a module script must be JavaScript, wasm streams as wasm). */
export const RUNTIME_FILES: ReadonlyMap<string, string> = new Map([
  ['ort.wasm.min.mjs', 'text/javascript; charset=utf-8'],
  ['ort-wasm-simd-threaded.mjs', 'text/javascript; charset=utf-8'],
  ['ort-wasm-simd-threaded.wasm', 'application/wasm'],
]);

/** The module the page imports; it fetches the others from the same folder. */
export const RUNTIME_ENTRY = 'ort.wasm.min.mjs';

export const RUNTIME_MISSING = 'the playground needs onnxruntime-web, an optional dependency that is not installed (npm install onnxruntime-web)';

/** onnxruntime-web's dist folder, or null when it is not installed (or lacks one of the files). */
export function runtimeDir(): string | null {
  let dir: string;
  try {
    // The package's Node entry (dist/ort.node.min.js) sits beside the browser builds.
    dir = path.dirname(require.resolve('onnxruntime-web'));
  } catch {
    return null;
  }
  for (const name of RUNTIME_FILES.keys()) if (!fs.existsSync(path.join(dir, name))) return null;
  return dir;
}

/** The path of runtime file `name` in `dir` (default: the installed package's) if it is one of RUNTIME_FILES, else null. */
export function runtimeFile(name: unknown, dir: string | null = runtimeDir()): string | null {
  // The request's text is compared with the list; only the list's own string is joined into a path.
  const listed = [...RUNTIME_FILES.keys()].find((f) => f === name);
  return dir !== null && listed !== undefined ? path.join(dir, listed) : null;
}

/** Total bytes of the runtime files (what a static export carries). */
export function runtimeBytes(): number {
  const dir = runtimeDir();
  return dir === null ? 0 : [...RUNTIME_FILES.keys()].reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}
