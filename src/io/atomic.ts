// Writing files so that a crash or a kill never leaves a half-written file under the real name: write a
// temp file beside the target (same folder, so the rename cannot cross file systems), flush it to disk,
// then rename it over the target, which POSIX file systems do atomically.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Replaces `file` with `data` in one step: readers see the old content or the new, never a mix. The folder
 * must exist; nothing but a short-lived temp file is created. Errors name `file` and the reason.
 */
export function writeFileAtomic(file: string, data: Buffer | Uint8Array | string): void {
  const dir = path.dirname(file);
  // pid + random bytes: concurrent writers (other processes, or this one) never share a temp file.
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  let created = false;
  try {
    fd = fs.openSync(temp, 'wx');
    created = true;
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(temp, file);
    created = false;
  } catch (err) {
    if (fd !== null) closeQuietly(fd);
    // Only remove a temp file this call created ('wx' fails rather than open someone else's).
    if (created) fs.rmSync(temp, { force: true });
    throw new Error(`cannot write ${file}: ${reason(err as NodeJS.ErrnoException)}`);
  }
  syncFolder(dir);
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // The write already failed; that error is the one worth reporting.
  }
}

/** The rename lives in the folder's entry list; flushing the folder makes it survive a power cut too. */
function syncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a folder; the data itself is already on disk.
  } finally {
    if (fd !== null) closeQuietly(fd);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOTEMPTY: 'it is a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'the name is too long',
};

/** "CODE: reason", without the temp file's name that Node's own message would show. */
function reason(e: NodeJS.ErrnoException): string {
  if (!e.code) return e.message;
  // Node's messages read "CODE: description, syscall 'path' -> 'path'"; keep the description.
  const described = REASONS[e.code] ?? e.message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+ '.*$/, '');
  return `${e.code}: ${described}`;
}

/**
 * Creates `dir` and any missing parents, one level at a time, so every failure is one error that names the
 * level that could not be made (and carries the bare reason as `reason`). (Node's own recursive mkdir retries forever where a parent exists but
 * refuses new entries with ENOENT, as /proc does.) Returns the folders it created, outermost first.
 */
export function makeFolders(dir: string): string[] {
  const fail = (why: string) => Object.assign(new Error(`cannot create ${dir}: ${why}`), { reason: why });
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    let stat: fs.Stats | null = null;
    try {
      stat = fs.statSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw fail(`${reason(err as NodeJS.ErrnoException)} (at ${at})`);
    }
    if (stat) {
      if (!stat.isDirectory()) throw fail(`${at} is not a folder`);
      break;
    }
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EEXIST' && fs.statSync(level).isDirectory()) continue; // made meanwhile by someone else
      // ENOENT for a folder whose parent exists: a file system that takes no new entries there (/proc, /sys).
      const why = e.code === 'ENOENT' ? `ENOENT: ${path.dirname(level)} does not accept new folders` : reason(e);
      throw fail(why);
    }
  }
  return missing;
}

/** writeFileAtomic's temp names: `.NAME.PID.HEX.tmp`. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.([0-9a-f]{12})\.tmp$/;

/** Whether a process with this id exists now (EPERM: it exists, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files that writeFileAtomic leaves behind when its process is killed mid-write (SIGKILL,
 * a power cut), in `dir` and the folders below it to `depth` levels. Only files of that exact name pattern
 * whose writer's process id is no longer alive are removed: a live writer's temp file (another process
 * writing into the same folder now) is never touched. A dead writer whose id has since been
 * reused by an unrelated process keeps its temp file until that process ends: left over, never lost.
 * Returns the paths removed.
 */
export function removeStaleTemps(dir: string, depth = 1): string[] {
  const removed: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return removed; // no folder, nothing stale
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) removed.push(...removeStaleTemps(full, depth - 1));
      continue;
    }
    const match = entry.isFile() ? TEMP_NAME.exec(entry.name) : null;
    if (!match) continue;
    const pid = Number(match[2]);
    // writeFileAtomic is synchronous, so this process has no write in flight now: a temp file with our own id
    // was left by an earlier process that had the same id.
    if (pid !== process.pid && processAlive(pid)) continue;
    fs.rmSync(full, { force: true });
    removed.push(full);
  }
  return removed;
}
