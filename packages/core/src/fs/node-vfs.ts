import * as fs from 'node:fs';
import { dirname, resolve } from 'node:path';
import { kernelLocksAvailable, tryLockFile } from './kernel-lock.js';
import { mapFileReadOnly } from './mmap.js';
import { openRegularFile, readRegularFile } from './regular-file.js';
import type { Vfs } from './vfs.js';

/** {@link Vfs} on the real file system through `node:fs`. */
export class NodeVfs implements Vfs {
  /** Present only where the native lock binding loads. */
  readonly tryLock?: (fd: number, mode: 'shared' | 'exclusive') => boolean;

  constructor() {
    if (kernelLocksAvailable()) this.tryLock = tryLockFile;
  }

  open(path: string, flags: 'r' | 'a' | 'wx' | 'r+'): number {
    return openRegularFile(path, flags);
  }

  close(fd: number): void {
    fs.closeSync(fd);
  }

  write(fd: number, data: Uint8Array, position?: number): void {
    let written = 0;
    while (written < data.byteLength) {
      const at = position === undefined ? null : position + written;
      written += fs.writeSync(fd, data, written, data.byteLength - written, at);
    }
  }

  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    return fs.readSync(fd, buffer, offset, length, position);
  }

  fdatasync(fd: number): Promise<void> {
    return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  async fsyncDirectory(path: string): Promise<void> {
    const fd = fs.openSync(path, 'r');
    try {
      await new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
    } finally {
      fs.closeSync(fd);
    }
  }

  readFile(path: string, maxBytes?: number): Uint8Array {
    return readRegularFile(path, maxBytes);
  }

  sizeOf(path: string): number | undefined {
    try {
      return fs.statSync(path).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  truncate(path: string, lengthBytes: number): void {
    fs.truncateSync(path, lengthBytes);
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  }

  link(from: string, to: string): void {
    fs.linkSync(from, to);
  }

  unlink(path: string): void {
    fs.unlinkSync(path);
  }

  mkdir(path: string): void {
    // mkdirSync returns the first directory it had to create, or undefined when all existed.
    const first = fs.mkdirSync(path, { recursive: true });
    if (first === undefined) return;
    // The new names live in the parents: fsync the parent of every directory created.
    // Without this, a database created in a fresh directory could vanish whole in a power loss,
    // acknowledged writes included (found by the power-loss test).
    const created = resolve(first);
    for (let dir = resolve(path); ; dir = dirname(dir)) {
      fsyncDirectorySync(dirname(dir));
      if (dir === created) break;
    }
  }

  removeTree(path: string): void {
    fs.rmSync(path, { recursive: true, force: true });
  }

  list(path: string): string[] {
    try {
      return fs.readdirSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  mapReadOnly(path: string): Uint8Array | null {
    return mapFileReadOnly(path);
  }

  isDirectory(path: string): boolean {
    try {
      return fs.statSync(path).isDirectory();
    } catch {
      return false;
    }
  }
}

function fsyncDirectorySync(path: string): void {
  const fd = fs.openSync(path, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
