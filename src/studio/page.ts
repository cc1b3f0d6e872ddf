// The one HTML page (the rest is its bundled script, which draws every view). The token goes into a meta
// element for the script's POST requests; html`` escapes it like everything else.
import { html } from '../report/html';

/**
 * Nothing but this server's own files: no inline script or style attribute in markup, no frames, no forms
 * posted anywhere, no plugins. uPlot sets element.style from script, which CSP allows. 'wasm-unsafe-eval'
 * lets the playground compile onnxruntime's WebAssembly (served here); it allows no JavaScript eval.
 */
export const STUDIO_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function studioPage(token: string): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="studio-token" content="${token}">
<title>ganforge studio</title>
<link rel="stylesheet" href="/assets/main.css">
<script defer src="/assets/main.js"></script>
</head><body>
<header><a href="#/" class="brand">ganforge studio</a><nav><a href="#/">runs</a> <a href="#/new">new run</a> <a href="#/compare">compare</a> <a href="#/play">playground</a></nav></header>
<main id="view"><p class="muted">loading…</p></main>
</body></html>
`.toString();
}
