import * as fs from 'node:fs';
import { CorruptionError } from '../errors.js';

const OPEN_FLAGS = {
  r: fs.constants.O_RDONLY,
  'r+': fs.constants.O_RDWR,
  a: fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT,
  wx: fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL,
} as const;

/**
 * Opens `path` only if it is a regular file. O_NOFOLLOW refuses a symlink in
 * the last component (ELOOP) and O_NONBLOCK keeps a FIFO from blocking the
 * open until a writer appears; fstat then tells the kind of what was opened,
 * so a FIFO, a device such as /dev/zero or a directory is refused before a
 * byte is read. A database's files are all regular: anything else in their
 * place is damage, reported as CorruptionError like a bad checksum.
 */
export function openRegularFile(path: string, flags: keyof typeof OPEN_FLAGS): number {
  let fd: number;
  try {
    fd = fs.openSync(path, OPEN_FLAGS[flags] | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK, 0o666);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new CorruptionError(path, 0, 'a symbolic link where a regular file belongs');
    if (code === 'EISDIR') throw new CorruptionError(path, 0, 'a directory where a regular file belongs');
    throw err;
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new CorruptionError(path, 0, `${kindOf(stat)} where a regular file belongs`);
  }
  return fd;
}

/**
 * Reads the regular file at `path` whole: exactly the size fstat reported
 * (a file growing meanwhile is read to that size), at most `maxBytes`.
 */
export function readRegularFile(path: string, maxBytes = Number.MAX_SAFE_INTEGER): Uint8Array {
  const fd = openRegularFile(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size > maxBytes) throw new CorruptionError(path, maxBytes, `${size} bytes, more than the ${maxBytes} such a file can hold`);
    const bytes = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, bytes, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return done === size ? bytes : bytes.subarray(0, done);
  } finally {
    fs.closeSync(fd);
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}
