import { join } from 'node:path';
import { holderState } from './lock-holder.js';
import { readLockRecord } from './lock-record.js';
import { currentProcess } from './process-identity.js';
import type { Vfs } from './vfs.js';

/**
 * Who holds the single-writer lock of a database directory, read without
 * taking it or changing any file (for read-only tools such as
 * `omendb verify`). The rules are those of `DirectoryLock` (lock-holder.ts,
 * docs/format/lock.md): a live kernel lock or a live recorded holder is held;
 * a gone holder or a damaged record is stale, and the next open takes it over.
 */
export type LockStatus =
  | { state: 'free' }
  | { state: 'held'; pid: number; host: string; /** Held by this very process. */ self: boolean }
  | { state: 'stale'; pid: number | undefined; host: string | undefined };

/** Reads `<dir>/LOCK` and reports whether a live writer holds it. Never writes (a probe takes and drops a shared kernel lock). */
export function readLockStatus(vfs: Vfs, dir: string): LockStatus {
  const path = join(dir, 'LOCK');
  if (!vfs.exists(path)) return { state: 'free' };
  const record = readLockRecord(vfs, path);
  if (holderState(vfs, path, record) === 'stale') {
    // Released between exists() and the read: free, not stale.
    return vfs.exists(path) ? { state: 'stale', pid: record?.pid, host: record?.host } : { state: 'free' };
  }
  const me = currentProcess();
  const pid = record?.pid ?? -1;
  const host = record?.host ?? '?';
  return { state: 'held', pid, host, self: pid === me.pid && host === me.host && record?.startTicks === me.startTicks };
}
