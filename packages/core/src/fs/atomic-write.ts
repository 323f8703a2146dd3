import { dirname } from 'node:path';
import type { Vfs } from './vfs.js';

/**
 * Replaces `path` with `data` so that after a crash the file holds either the
 * old or the new bytes, never a mix: write a temp file, fsync it, rename it over
 * the target, fsync the directory.
 */
export async function writeFileAtomic(vfs: Vfs, path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  if (vfs.exists(tmp)) vfs.unlink(tmp);
  const fd = vfs.open(tmp, 'wx');
  try {
    vfs.write(fd, data, 0);
    // Crash before this fsync ⇒ the temp file may be partial; open() deletes *.tmp.
    await vfs.fdatasync(fd);
  } finally {
    vfs.close(fd);
  }
  // Crash after rename but before the directory fsync ⇒ either name may survive; both are whole files.
  vfs.rename(tmp, path);
  await vfs.fsyncDirectory(dirname(path));
}
