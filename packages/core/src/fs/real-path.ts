import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The canonical absolute path of an existing directory (symlinks resolved),
 * so that two spellings of one directory name one open database; the
 * resolved path where it cannot be read.
 */
export function canonicalPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}
