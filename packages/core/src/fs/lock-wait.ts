import { setTimeout as sleep } from 'node:timers/promises';
import { LockError } from '../errors.js';
import { DirectoryLock } from './lock.js';
import type { Vfs } from './vfs.js';

/** First and largest pause between attempts: short enough to follow a quick close, long enough not to spin. */
const FIRST_PAUSE_MS = 5;
const MAX_PAUSE_MS = 200;

/**
 * Takes the lock of `dir`, retrying while another process holds it for up
 * to `timeoutMs` (0: one attempt), pausing 5 ms, then twice as long each
 * time up to 200 ms. Polling rather than a blocking kernel-lock wait: the
 * winner is decided by link(2), which cannot be waited on, and a dead
 * holder's LOCK must still be taken over. Throws LockError naming the
 * holder, with what to do, when the time runs out.
 */
export async function acquireLock(vfs: Vfs, dir: string, timeoutMs: number): Promise<DirectoryLock> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    try {
      return DirectoryLock.acquire(vfs, dir);
    } catch (err) {
      const left = deadline - Date.now();
      if (!(err instanceof LockError) || left <= 0) throw explain(err, timeoutMs);
      await sleep(Math.min(pause, left));
    }
  }
}

function explain(err: unknown, timeoutMs: number): unknown {
  if (!(err instanceof LockError)) return err;
  const waited = timeoutMs > 0 ? ` (waited ${timeoutMs} ms)` : '';
  const advice =
    timeoutMs > 0
      ? 'open it read-only ({ readOnly: true }) to read beside that writer, or wait: close the database in that process, or pass a larger lockTimeoutMs to OmenDB.open'
      : 'open it read-only ({ readOnly: true }) to read beside that writer, or wait: close the database in that process, or pass { lockTimeoutMs } to OmenDB.open to wait for it';
  return new LockError(`${err.message}${waited}: one process writes a database at a time; ${advice}`, { cause: err, holder: err.holder });
}
