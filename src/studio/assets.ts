// The browser code: src/studio/web/*.ts (and its CSS, uPlot's included) bundled by esbuild into
// dist/studio-web/, git-ignored, at studio start. Bundling takes well under a second, and building on start
// means the page always matches the source; with no source here (an installed copy) a bundle built before
// is used as it is.
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..', '..');
export const WEB_SOURCE = path.join(REPO, 'src', 'studio', 'web', 'main.ts');
/** The static playground's entry (`export --web`): bundled beside the studio's as playground.js / .css. */
const PLAYGROUND_SOURCE = path.join(REPO, 'src', 'studio', 'web', 'play-static.ts');
export const PLAYGROUND_BUNDLE = ['playground.js', 'playground.css'];
export const BUNDLE_DIR = path.join(REPO, 'dist', 'studio-web');

/** Bundles the page's script and styles (and the static playground's); returns the folder to serve them from. */
export async function buildAssets(outDir = BUNDLE_DIR): Promise<string> {
  if (!fs.existsSync(WEB_SOURCE)) {
    if (['main.js', ...PLAYGROUND_BUNDLE].every((f) => fs.existsSync(path.join(outDir, f)))) return outDir;
    throw new Error(`the studio's browser code is missing (neither ${WEB_SOURCE} nor a bundle in ${outDir})`);
  }
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('bundling the studio page needs esbuild (npm install --include=dev)');
  }
  await esbuild.build({
    entryPoints: { main: WEB_SOURCE, playground: PLAYGROUND_SOURCE },
    outdir: outDir,
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    logLevel: 'silent',
  });
  return outDir;
}
