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
