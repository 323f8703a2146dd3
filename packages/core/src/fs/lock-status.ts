import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Vfs } from './vfs.js';

/**
 * Who holds the single-writer lock of a database directory, read without
 * taking it or changing any file (for read-only tools such as
 * `omendb verify`). The rules follow `DirectoryLock` in lock.ts: a holder on
 * another host cannot be checked and counts as live; a holder process that no
 * longer exists leaves a stale lock that the next open takes over.
 */
export type LockStatus =
  | { state: 'free' }
  | { state: 'held'; pid: number; host: string; /** Held by this very process. */ self: boolean }
  | { state: 'stale'; pid: number | undefined; host: string | undefined };

/** Reads `<dir>/LOCK` and reports whether a live writer holds it. Never writes. */
export function readLockStatus(vfs: Vfs, dir: string): LockStatus {
  const path = join(dir, 'LOCK');
  if (!vfs.exists(path)) return { state: 'free' };
  let owner: { pid?: unknown; host?: unknown };
  try {
    owner = JSON.parse(new TextDecoder().decode(vfs.readFile(path))) as { pid?: unknown; host?: unknown };
  } catch {
    // Released between exists() and readFile(), or unreadable: DirectoryLock treats both as stale.
    return vfs.exists(path) ? { state: 'stale', pid: undefined, host: undefined } : { state: 'free' };
  }
  const pid = typeof owner?.pid === 'number' ? owner.pid : undefined;
  const host = typeof owner?.host === 'string' ? owner.host : undefined;
  if (pid === undefined || host === undefined) return { state: 'stale', pid, host };
  if (host !== hostname()) return { state: 'held', pid, host, self: false };
  if (pid === process.pid) return { state: 'held', pid, host, self: true };
  return isRunning(pid) ? { state: 'held', pid, host, self: false } : { state: 'stale', pid, host };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
