import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockError } from '../errors.js';
import type { Vfs } from './vfs.js';

/** Directories this process holds, so a second open in-process fails at once. */
const heldInProcess = new Set<string>();

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

/**
 * The single-writer lock of a database directory: a `LOCK` file naming the
 * holder's pid, created atomically with link(2) (which fails when the name
 * exists). A lock whose holder process is gone is stale and taken over, so a
 * killed process never keeps the directory locked.
 */
export class DirectoryLock {
  private constructor(
    private readonly vfs: Vfs,
    private readonly path: string,
    private readonly key: string,
    private readonly token: string,
  ) {}

  /** Takes the lock of `dir`; throws LockError when another live opener holds it. */
  static acquire(vfs: Vfs, dir: string): DirectoryLock {
    const key = join(dir);
    if (heldInProcess.has(key)) {
      throw new LockError(`${dir} is already open in this process; close it first`);
    }
    const path = join(dir, 'LOCK');
    const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const owner: LockOwner = { pid: process.pid, host: hostname(), token };
    const tmp = join(dir, `LOCK.${token}.tmp`);
    const fd = vfs.open(tmp, 'wx');
    try {
      vfs.write(fd, new TextEncoder().encode(JSON.stringify(owner)), 0);
    } finally {
      vfs.close(fd);
    }
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        if (tryLink(vfs, tmp, path)) {
          heldInProcess.add(key);
          return new DirectoryLock(vfs, path, key, token);
        }
        const holder = readOwner(vfs, path);
        if (holder && isAlive(holder)) {
          throw new LockError(`${dir} is locked by process ${holder.pid} on ${holder.host}`);
        }
        takeOverStale(vfs, path, holder, token);
      }
      throw new LockError(`${dir}: could not take the lock (contended)`);
    } finally {
      vfs.unlink(tmp);
    }
  }

  /** Releases the lock; safe to call twice. */
  release(): void {
    if (!heldInProcess.delete(this.key)) return;
    const holder = readOwner(this.vfs, this.path);
    if (holder?.token === this.token) this.vfs.unlink(this.path);
  }
}

function tryLink(vfs: Vfs, from: string, to: string): boolean {
  try {
    vfs.link(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readOwner(vfs: Vfs, path: string): LockOwner | undefined {
  try {
    return JSON.parse(new TextDecoder().decode(vfs.readFile(path))) as LockOwner;
  } catch {
    // Missing (released meanwhile) or unreadable (a holder killed mid-write of an old format): stale.
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock from another host (shared file system) cannot be checked: treat it as held.
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a stale LOCK aside. Renaming is atomic, so of several processes taking
 * over the same stale lock only one moves it; if what we moved turns out to be a
 * fresh lock taken meanwhile, it is put back.
 */
function takeOverStale(vfs: Vfs, path: string, stale: LockOwner | undefined, token: string): void {
  const aside = `${path}.${token}.stale`;
  try {
    vfs.rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readOwner(vfs, aside);
  if (moved && stale && moved.token !== stale.token && isAlive(moved)) {
    tryLink(vfs, aside, path);
  }
  vfs.unlink(aside);
}
