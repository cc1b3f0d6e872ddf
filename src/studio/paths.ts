// Where the studio may look: only inside the runs folder, by real path. A run is addressed by its folder's name
// (checked against a strict pattern first), and every file it serves is resolved with realpath and checked to
// lie inside the runs folder's real path, so `..`, encoded `..` (decoded by the router before it gets here),
// absolute paths, NUL bytes and symlinks that lead out are all refused the same way.
import * as fs from 'fs';
import * as path from 'path';

/** A run's folder name: letters, digits, '.', '_', '-'; not starting with '.' (so never '.' or '..'). */
const RUN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

export function isRunName(name: unknown): name is string {
  return typeof name === 'string' && RUN_NAME.test(name);
}

/** An error the server turns into a JSON reply with this HTTP status. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Whether `child` is `parent` or lies below it (both already real, absolute paths). */
function within(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The runs folder, resolved once: the studio's whole world. */
export class RunsRoot {
  readonly real: string;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.real = fs.realpathSync(dir);
  }

  /**
   * The real path of an existing path inside the runs folder, or null when it is absent or (through a
   * symlink anywhere on the way) lies outside it.
   */
  contained(candidate: string): string | null {
    if (candidate.includes('\0')) return null;
    let real: string;
    try {
      real = fs.realpathSync(candidate);
    } catch {
      return null;
    }
    return within(this.real, real) && real !== this.real ? real : null;
  }

  /** The real folder of run `name`; 400 for a bad name, 404 when absent or outside the runs folder. */
  runFolder(name: unknown): string {
    if (!isRunName(name)) throw new HttpError(400, 'a run name is letters, digits, ".", "_" and "-" (at most 100), not starting with "."');
    const real = this.contained(path.join(this.real, name));
    if (real === null || !fs.statSync(real).isDirectory()) throw new HttpError(404, `no run named ${name}`);
    return real;
  }

  /** Where a new run `name` goes (it must not exist yet). */
  newRunFolder(name: unknown): string {
    if (!isRunName(name)) throw new HttpError(400, 'a run name is letters, digits, ".", "_" and "-" (at most 100), not starting with "."');
    const target = path.join(this.real, name);
    let exists = true;
    try {
      fs.lstatSync(target);
    } catch {
      exists = false;
    }
    if (exists) throw new HttpError(409, `a run named ${name} exists already`);
    return target;
  }

  /** The names of the run folders here (folders inside the runs folder by real path; hidden ones skipped). */
  runNames(): string[] {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.real);
    } catch {
      return [];
    }
    return entries.filter((name) => {
      if (!isRunName(name)) return false;
      const real = this.contained(path.join(this.real, name));
      try {
        return real !== null && fs.statSync(real).isDirectory();
      } catch {
        return false;
      }
    }).sort();
  }
}
