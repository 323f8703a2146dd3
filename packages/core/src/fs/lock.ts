import { join } from 'node:path';
import { LockError } from '../errors.js';
import { asIOError } from './io-error.js';
import { holderState } from './lock-holder.js';
import { encodeLockRecord, readLockRecord, type LockRecord } from './lock-record.js';
import { currentProcess } from './process-identity.js';
import type { Vfs } from './vfs.js';

/** Directories this copy of the module holds, so a second acquire in-process fails at once. */
const heldInProcess = new Set<string>();

/**
 * The single-writer lock of a database directory (docs/format/lock.md): a
 * `LOCK` file naming the holder, created atomically with link(2) (which
 * fails when the name exists), so exactly one opener wins. The holder keeps
 * a kernel lock on the file's inode (taken before the link, so no one sees
 * LOCK unlocked while its holder lives) that the kernel drops when the holder
 * dies; where no kernel lock exists, the holder's recorded start time, boot id
 * and PID namespace tell a live holder from a dead one that had the same PID.
 * A lock whose holder is gone, or whose record is damaged, is stale and taken over.
 */
export class DirectoryLock {
  private constructor(
    private readonly vfs: Vfs,
    private readonly path: string,
    private readonly key: string,
    private readonly token: string,
    /** The descriptor carrying the kernel lock; closing it releases that lock. */
    private readonly fd: number,
  ) {}

  /**
   * Takes the lock of `dir` without waiting (fs/lock-wait.ts waits).
   * Throws LockError (with the holder) when a live process holds it, IOError when the file system fails.
   */
  static acquire(vfs: Vfs, dir: string): DirectoryLock {
    const key = join(dir);
    if (heldInProcess.has(key)) {
      throw new LockError(`${dir} is locked by this process (another copy of OmenDB, or a different file system option, opened it)`, {
        holder: { pid: process.pid, host: currentProcess().host },
      });
    }
    const path = join(dir, 'LOCK');
    const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const tmp = join(dir, `LOCK.${token}.tmp`);
    const record: LockRecord = { ...currentProcess(), token, kernelLock: vfs.tryLock !== undefined };
    let fd: number | undefined;
    try {
      fd = vfs.open(tmp, 'wx');
      vfs.write(fd, encodeLockRecord(record), 0);
      // Locked before it is linked as LOCK: a prober never sees a live holder's LOCK unlocked.
      if (vfs.tryLock && !vfs.tryLock(fd, 'exclusive')) throw new Error(`a new file ${tmp} is locked by someone else`);
    } catch (err) {
      const opened = fd;
      bestEffort(() => opened !== undefined && vfs.close(opened));
      bestEffort(() => vfs.exists(tmp) && vfs.unlink(tmp));
      throw asIOError(err, `taking the lock of ${dir}`);
    }
    let lock: DirectoryLock | undefined;
    try {
      for (let attempt = 0; attempt < 5 && !lock; attempt++) {
        if (tryLink(vfs, tmp, path)) {
          heldInProcess.add(key);
          lock = new DirectoryLock(vfs, path, key, token, fd);
          break;
        }
        const holder = readLockRecord(vfs, path);
        if (holderState(vfs, path, holder) === 'held') {
          const me = currentProcess();
          const self = holder?.pid === me.pid && holder.host === me.host && holder.startTicks === me.startTicks;
          // This process, yet not through the shared registry: a copy of OmenDB that does not share it.
          const note = self ? ' (this process, through another copy of @omendb/core that does not share open databases with this one)' : '';
          throw new LockError(`${dir} is locked by process ${holder?.pid ?? '?'} on ${holder?.host ?? '?'}${note}`, {
            holder: holder && { pid: holder.pid, host: holder.host },
          });
        }
        takeOverStale(vfs, path, holder, tmp);
      }
      if (!lock) throw new LockError(`${dir}: could not take the lock (contended)`);
      vfs.unlink(tmp);
      return lock;
    } catch (err) {
      // Leave nothing held: a failed unlink of the temp file after the link succeeded used to
      // keep the directory in `heldInProcess`, so every later open in this process got LockError.
      if (lock) bestEffort(() => lock?.release());
      else bestEffort(() => vfs.close(fd));
      bestEffort(() => vfs.exists(tmp) && vfs.unlink(tmp));
      throw asIOError(err, `taking the lock of ${dir}`);
    }
  }

  /** Releases the lock; safe to call twice. Throws IOError when the LOCK file cannot be removed. */
  release(): void {
    if (!heldInProcess.delete(this.key)) return;
    try {
      // Unlinked before the kernel lock goes, so LOCK never stands unlocked while this holder lives.
      if (this.ownsLockFile()) this.vfs.unlink(this.path);
    } catch (err) {
      // Released in this process; the LOCK left on disk is stale once the descriptor below is closed.
      throw asIOError(err, `releasing the lock ${this.path}`);
    } finally {
      bestEffort(() => this.vfs.close(this.fd));
    }
  }

  /**
   * Whether LOCK is still this holder's. An unreadable one counts as ours: no other process
   * takes over a live holder's lock, and leaving it would refuse every later open in this
   * process (a LOCK naming a live pid is held), as an EIO while reading it used to.
   */
  private ownsLockFile(): boolean {
    try {
      this.vfs.readFile(this.path);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== 'ENOENT';
    }
    const record = readLockRecord(this.vfs, this.path);
    return record === undefined || record.token === this.token;
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
function takeOverStale(vfs: Vfs, path: string, stale: LockRecord | undefined, tmp: string): void {
  const mutex = `${path}.takeover`;
  if (!tryLink(vfs, tmp, mutex)) {
    const taker = readLockRecord(vfs, mutex);
    // A taker killed inside its few calls leaves the mutex behind; remove it if it is still that
    // one. (Without kernel locks, two openers doing this at the same instant after such a kill
    // is the one race left; with them, a live taker's mutex is never removed.)
    if (holderState(vfs, mutex, taker) === 'stale') removeIfStill(vfs, mutex, taker);
    return;
  }
  try {
    const current = readLockRecord(vfs, path);
    const stillStale =
      current === undefined
        ? vfs.exists(path) && holderState(vfs, path, undefined) === 'stale'
        : current.token === stale?.token && holderState(vfs, path, current) === 'stale';
    if (stillStale) vfs.unlink(path);
  } finally {
    vfs.unlink(mutex);
  }
}

/** Unlinks `path` if it still holds `owner` (undefined: if it is still unreadable). */
function removeIfStill(vfs: Vfs, path: string, owner: LockRecord | undefined): void {
  const now = readLockRecord(vfs, path);
  if (now?.token !== owner?.token || !vfs.exists(path)) return;
  try {
    vfs.unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
