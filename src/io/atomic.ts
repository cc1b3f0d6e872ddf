// Writing files so that a crash or kill never leaves a half-written file under the real name: write a temp
// file beside the target, flush it to disk, then rename over the target (atomic on POSIX file systems).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export function writeFileAtomic(file: string, data: Buffer | Uint8Array | string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(temp, 'wx');
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(temp, file);
  } catch (err) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot write ${file}: ${e.code ? `${e.code}: ` : ''}${describe(e)}`);
  }
}

function describe(e: NodeJS.ErrnoException): string {
  // Node's messages repeat the code and the temp path; keep just the reason.
  const reasons: Record<string, string> = {
    ENOENT: 'the folder does not exist', ENOTDIR: 'a part of the path is not a folder', EACCES: 'permission denied',
    EISDIR: 'it is a folder', ENOSPC: 'no space left on the device', EROFS: 'read-only file system',
  };
  return (e.code && reasons[e.code]) ?? e.message;
}
