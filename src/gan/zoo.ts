// The zoo: generators trained by ganforge's own recipes and shipped in the package (zoo/NAME.safetensors,
// generator files: see generator-file.ts), so `ganforge sample --checkpoint zoo:NAME` works right after install.
// zoo/README.md says how each was made; each file's metadata holds that command and its judge scores.
import * as fs from 'fs';
import * as path from 'path';
import { closest } from '../util/suggest';

/** The package's zoo folder (this file is dist/src/gan/zoo.js), or $GANFORGE_ZOO (a team's own zoo; tests). */
export const ZOO_DIR = process.env.GANFORGE_ZOO ?? path.join(__dirname, '..', '..', '..', 'zoo');
const PREFIX = 'zoo:';
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function zooNames(): string[] {
  if (!fs.existsSync(ZOO_DIR)) return [];
  return fs.readdirSync(ZOO_DIR).filter((f) => f.endsWith('.safetensors')).map((f) => f.slice(0, -'.safetensors'.length)).filter((n) => NAME.test(n)).sort();
}

export function zooFile(name: string): string {
  return path.join(ZOO_DIR, `${name}.safetensors`);
}

/** `zoo:NAME` as the zoo file's path (one clear error for a name the zoo lacks); anything else as given. */
export function resolveModelSource(given: string): string {
  if (!given.startsWith(PREFIX)) return given;
  const name = given.slice(PREFIX.length);
  const names = zooNames();
  if (!NAME.test(name) || !names.includes(name)) {
    const guess = NAME.test(name) ? closest(name, names) : null;
    throw new Error(`the zoo has no model '${given.slice(0, 80)}'${guess ? ` (did you mean zoo:${guess}?)` : ''}; it has ${names.map((n) => PREFIX + n).join(', ') || 'none'} (\`ganforge zoo\` lists them)`);
  }
  return zooFile(name);
}
