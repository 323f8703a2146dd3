import { posix } from 'node:path';
import { CorruptionError } from '../errors.js';
import { errnoError } from './errno.js';
import { SimDir, SimFile, type SimDisk, type SimNode } from './sim-disk.js';
import type { Vfs } from './vfs.js';

interface OpenFile {
  file: SimFile;
  path: string;
  append: boolean;
  /** Next byte written by a positionless write on a non-append descriptor. */
  position: number;
}

/**
 * A {@link Vfs} on a {@link SimDisk}: POSIX semantics (errno codes as
 * `node:fs` raises them, O_APPEND, hard links, renames that replace) over the
 * disk's visible state, with `fdatasync` / `fsyncDirectory` moving changes to
 * its stable state. Paths are absolute POSIX paths inside the disk (`/db/…`).
 *
 * A mount belongs to one boot: after `disk.powerLoss()` every call on it
 * throws EIO (the process that used it died with the machine), so a test
 * that keeps an old database object around cannot touch the new state.
 * Mount the disk again to "reboot".
 */
export class SimVfs implements Vfs {
  private readonly fds = new Map<number, OpenFile>();
  private nextFd = 1000;
  private readonly epoch: number;

  constructor(private readonly disk: SimDisk) {
    this.epoch = disk.epoch;
  }

  open(path: string, flags: 'r' | 'a' | 'wx' | 'r+'): number {
    this.alive('open', path);
    let node = this.lookup(path, 'open');
    if (node && flags === 'wx') throw errnoError('EEXIST', 'open', path, 'file already exists');
    if (!node) {
      if (flags === 'r' || flags === 'r+') throw errnoError('ENOENT', 'open', path, 'no such file or directory');
      const { dir, name } = this.parent(path, 'open');
      node = new SimFile();
      dir.set(this.disk.nextSeq(), name, node);
    }
    if (node.kind === 'dir') throw errnoError('EISDIR', 'open', path, 'illegal operation on a directory');
    const fd = this.nextFd++;
    this.fds.set(fd, { file: node, path, append: flags === 'a', position: 0 });
    return fd;
  }

  close(fd: number): void {
    this.alive('close');
    if (!this.fds.delete(fd)) throw errnoError('EBADF', 'close', undefined, 'bad file descriptor');
  }

  write(fd: number, data: Uint8Array, position?: number): void {
    this.alive('write');
    const f = this.fd(fd, 'write');
    // O_APPEND writes at the end whatever the position, as Linux pwrite does.
    const at = f.append ? f.file.size : (position ?? f.position);
    f.file.write(this.disk.nextSeq(), at, data);
    if (!f.append && position === undefined) f.position = at + data.byteLength;
  }

  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.alive('read');
    const content = this.fd(fd, 'read').file.content();
    const n = Math.max(0, Math.min(length, content.byteLength - position));
    buffer.set(content.subarray(position, position + n), offset);
    return n;
  }

  async fdatasync(fd: number): Promise<void> {
    this.alive('fdatasync');
    const { file } = this.fd(fd, 'fdatasync');
    const upto = this.disk.currentSeq;
    // Completes on a later turn, like the thread-pool call it stands for, so writes can queue behind it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.alive('fdatasync');
    file.sync(upto);
  }

  async fsyncDirectory(path: string): Promise<void> {
    this.alive('fsync', path);
    const node = this.lookup(path, 'open');
    if (!node) throw errnoError('ENOENT', 'open', path, 'no such file or directory');
    if (node.kind !== 'dir') throw errnoError('ENOTDIR', 'fsync', path, 'not a directory');
    const upto = this.disk.currentSeq;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.alive('fsync', path);
    node.sync(upto);
  }

  readFile(path: string, maxBytes?: number): Uint8Array {
    this.alive('open', path);
    const content = this.file(path, 'open').content();
    if (maxBytes !== undefined && content.byteLength > maxBytes) throw new CorruptionError(path, maxBytes, `${content.byteLength} bytes, more than the ${maxBytes} such a file can hold`);
    return Buffer.from(content);
  }

  sizeOf(path: string): number | undefined {
    this.alive('stat', path);
    const node = this.lookup(path, 'stat');
    if (!node) return undefined;
    return node.kind === 'file' ? node.size : 0;
  }

  truncate(path: string, lengthBytes: number): void {
    this.alive('truncate', path);
    this.file(path, 'truncate').truncate(this.disk.nextSeq(), lengthBytes);
  }

  rename(from: string, to: string): void {
    this.alive('rename', from);
    const node = this.lookup(from, 'rename');
    if (!node) throw errnoError('ENOENT', 'rename', from, 'no such file or directory');
    const source = this.parent(from, 'rename');
    const target = this.parent(to, 'rename');
    const existing = target.dir.entries.get(target.name);
    if (existing === node) return;
    if (existing?.kind === 'dir' && node.kind === 'file') throw errnoError('EISDIR', 'rename', to, 'illegal operation on a directory');
    if (existing?.kind === 'file' && node.kind === 'dir') throw errnoError('ENOTDIR', 'rename', to, 'not a directory');
    if (existing?.kind === 'dir' && existing.entries.size > 0) throw errnoError('ENOTEMPTY', 'rename', to, 'directory not empty');
    if (source.dir === target.dir) {
      source.dir.rename(this.disk.nextSeq(), source.name, target.name);
    } else {
      // Two directories, two changes: the new name first, so a power loss never loses both names.
      target.dir.set(this.disk.nextSeq(), target.name, node);
      source.dir.delete(this.disk.nextSeq(), source.name);
    }
  }

  link(from: string, to: string): void {
    this.alive('link', from);
    const file = this.file(from, 'link');
    const target = this.parent(to, 'link');
    if (target.dir.entries.has(target.name)) throw errnoError('EEXIST', 'link', to, 'file already exists');
    target.dir.set(this.disk.nextSeq(), target.name, file);
  }

  unlink(path: string): void {
    this.alive('unlink', path);
    const node = this.lookup(path, 'unlink');
    if (!node) throw errnoError('ENOENT', 'unlink', path, 'no such file or directory');
    if (node.kind === 'dir') throw errnoError('EISDIR', 'unlink', path, 'illegal operation on a directory');
    const { dir, name } = this.parent(path, 'unlink');
    dir.delete(this.disk.nextSeq(), name);
  }

  mkdir(path: string): void {
    this.alive('mkdir', path);
    let dir = this.disk.root;
    for (const name of components(path)) {
      const node = dir.entries.get(name);
      if (node?.kind === 'file') throw errnoError('EEXIST', 'mkdir', path, 'file already exists');
      if (node) {
        dir = node;
        continue;
      }
      const created = new SimDir();
      dir.set(this.disk.nextSeq(), name, created);
      // The Vfs contract: a created directory is durable, its parent fsynced (see NodeVfs.mkdir).
      dir.sync(this.disk.currentSeq);
      dir = created;
    }
  }

  removeTree(path: string): void {
    this.alive('rm', path);
    const node = this.lookup(path, 'rm');
    if (!node) return;
    if (node.kind === 'dir') for (const name of [...node.entries.keys()]) this.removeTree(posix.join(path, name));
    const { dir, name } = this.parent(path, 'rm');
    dir.delete(this.disk.nextSeq(), name);
  }

  list(path: string): string[] {
    this.alive('scandir', path);
    const node = this.lookup(path, 'scandir');
    if (!node) return [];
    if (node.kind !== 'dir') throw errnoError('ENOTDIR', 'scandir', path, 'not a directory');
    return [...node.entries.keys()].sort();
  }

  exists(path: string): boolean {
    this.alive('stat', path);
    return this.lookup(path, 'stat', false) !== undefined;
  }

  isDirectory(path: string): boolean {
    this.alive('stat', path);
    return this.lookup(path, 'stat', false)?.kind === 'dir';
  }

  private alive(syscall: string, path?: string): void {
    if (this.disk.epoch !== this.epoch) throw errnoError('EIO', syscall, path, 'the simulated machine lost power; mount the disk again');
  }

  private fd(fd: number, syscall: string): OpenFile {
    const f = this.fds.get(fd);
    if (!f) throw errnoError('EBADF', syscall, undefined, 'bad file descriptor');
    return f;
  }

  private file(path: string, syscall: string): SimFile {
    const node = this.lookup(path, syscall);
    if (!node) throw errnoError('ENOENT', syscall, path, 'no such file or directory');
    // As NodeVfs (regular-file.ts): opening a directory in a file's place is damage, not an I/O failure.
    if (node.kind === 'dir' && syscall === 'open') throw new CorruptionError(path, 0, 'a directory where a regular file belongs');
    if (node.kind === 'dir') throw errnoError('EISDIR', syscall, path, 'illegal operation on a directory');
    return node;
  }

  /** The node at `path`, or undefined; a file in the middle of the path is ENOTDIR (or undefined when `strict` is off). */
  private lookup(path: string, syscall: string, strict = true): SimNode | undefined {
    let node: SimNode = this.disk.root;
    for (const name of components(path)) {
      if (node.kind !== 'dir') {
        if (!strict) return undefined;
        throw errnoError('ENOTDIR', syscall, path, 'not a directory');
      }
      const next: SimNode | undefined = node.entries.get(name);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  private parent(path: string, syscall: string): { dir: SimDir; name: string } {
    const names = components(path);
    if (names.length === 0) throw errnoError('EISDIR', syscall, path, 'the root has no parent');
    const dir = this.lookup(`/${names.slice(0, -1).join('/')}`, syscall);
    if (!dir) throw errnoError('ENOENT', syscall, path, 'no such file or directory');
    if (dir.kind !== 'dir') throw errnoError('ENOTDIR', syscall, path, 'not a directory');
    return { dir, name: names[names.length - 1] };
  }
}

function components(path: string): string[] {
  if (!path.startsWith('/')) throw errnoError('ENOENT', 'resolve', path, 'simulated paths are absolute');
  return posix.normalize(path).split('/').filter((c) => c.length > 0);
}
