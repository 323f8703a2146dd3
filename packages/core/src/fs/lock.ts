import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockError } from '../errors.js';
import { asIOError } from './io-error.js';
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
    try {
      const fd = vfs.open(tmp, 'wx');
      try {
        vfs.write(fd, new TextEncoder().encode(JSON.stringify(owner)), 0);
      } finally {
        vfs.close(fd);
      }
    } catch (err) {
      bestEffort(() => vfs.exists(tmp) && vfs.unlink(tmp));
      throw asIOError(err, `taking the lock of ${dir}`);
    }
    let lock: DirectoryLock | undefined;
    try {
      for (let attempt = 0; attempt < 5 && !lock; attempt++) {
        if (tryLink(vfs, tmp, path)) {
          heldInProcess.add(key);
          lock = new DirectoryLock(vfs, path, key, token);
          break;
        }
        const holder = readOwner(vfs, path);
        if (holder && isAlive(holder)) {
          throw new LockError(`${dir} is locked by process ${holder.pid} on ${holder.host}`);
        }
        takeOverStale(vfs, path, holder, tmp);
      }
      if (!lock) throw new LockError(`${dir}: could not take the lock (contended)`);
      vfs.unlink(tmp);
      return lock;
    } catch (err) {
      // Leave nothing held: a failed unlink of the temp file after the link succeeded used to
      // keep the directory in `heldInProcess`, so every later open in this process got LockError.
      bestEffort(() => lock?.release());
      bestEffort(() => vfs.exists(tmp) && vfs.unlink(tmp));
      throw asIOError(err, `taking the lock of ${dir}`);
    }
  }

  /** Releases the lock; safe to call twice. Throws IOError when the LOCK file cannot be removed. */
  release(): void {
    if (!heldInProcess.delete(this.key)) return;
    try {
      if (this.ownsLockFile()) this.vfs.unlink(this.path);
    } catch (err) {
      // Released in this process, but a LOCK naming it stays on disk until the process exits.
      throw asIOError(err, `releasing the lock ${this.path}`);
    }
  }

  /**
   * Whether LOCK is still this holder's. An unreadable one counts as ours: no other process
   * takes over a live holder's lock, and leaving it would refuse every later open in this
   * process (a LOCK naming a live pid is held), as an EIO while reading it used to.
   */
  private ownsLockFile(): boolean {
    let bytes: Uint8Array;
    try {
      bytes = this.vfs.readFile(this.path);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== 'ENOENT';
    }
    try {
      return (JSON.parse(new TextDecoder().decode(bytes)) as LockOwner).token === this.token;
    } catch {
      return true;
    }
  }
}

/** Cleanup on a path that is already failing: the first error is the one to report. */
function bestEffort(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // Ignored: the caller rethrows the original failure.
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
 * Removes a stale LOCK so the caller can link its own. Takers serialize on
 * `LOCK.takeover`, created with link(2) like LOCK itself: while one holds it
 * nobody else removes LOCK, and a new lock is only ever linked where LOCK is
 * missing, so the LOCK the holder reads is the one it removes. (Moving LOCK
 * aside without such a mutex could displace a fresh lock that another taker
 * had just linked, and a third opener then linked its own: two holders.)
 * Returns without removing anything when another taker is at work; the
 * caller retries.
 */
function takeOverStale(vfs: Vfs, path: string, stale: LockOwner | undefined, tmp: string): void {
  const mutex = `${path}.takeover`;
  if (!tryLink(vfs, tmp, mutex)) {
    const taker = readOwner(vfs, mutex);
    // A taker killed inside its few calls leaves the mutex behind; remove it if it is still that
    // one. (Two openers doing this at the same instant after such a kill is the one race left.)
    if (taker === undefined || !isAlive(taker)) removeIfStill(vfs, mutex, taker);
    return;
  }
  try {
    const current = readOwner(vfs, path);
    const stillStale = current === undefined ? vfs.exists(path) : current.token === stale?.token && !isAlive(current);
    if (stillStale) vfs.unlink(path);
  } finally {
    vfs.unlink(mutex);
  }
}

/** Unlinks `path` if it still holds `owner` (undefined: if it is still unreadable). */
function removeIfStill(vfs: Vfs, path: string, owner: LockOwner | undefined): void {
  const now = readOwner(vfs, path);
  if (now?.token !== owner?.token || !vfs.exists(path)) return;
  try {
    vfs.unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
