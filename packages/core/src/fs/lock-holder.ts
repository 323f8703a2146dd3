import type { LockRecord } from './lock-record.js';
import { currentProcess, liveness } from './process-identity.js';
import type { Vfs } from './vfs.js';

/** What a probe of the kernel lock on a LOCK file found. */
type Probe = 'locked' | 'free' | 'missing' | 'unavailable';

/**
 * Whether the LOCK file at `path`, which read as `record` (undefined:
 * damaged or unreadable), is held by a live process. The rules, in order
 * (docs/format/lock.md):
 * 1. A kernel lock on the file means a live holder, whatever the file says.
 * 2. A record that does not decode is stale: damage never locks a database forever.
 * 3. A holder on another host cannot be checked: held (a network file
 *    system may not carry kernel locks between hosts).
 * 4. A holder on this host that declared a kernel lock which is no longer
 *    there is gone, whatever its PID and PID namespace: stale.
 * 5. Otherwise its recorded identity decides (process-identity.ts); a holder
 *    in another PID namespace cannot be checked that way and stays held.
 */
export function holderState(vfs: Vfs, path: string, record: LockRecord | undefined): 'held' | 'stale' {
  if (probeKernelLock(vfs, path) === 'locked') return 'held';
  if (record === undefined) return 'stale';
  if (record.host !== currentProcess().host) return 'held';
  if (record.kernelLock && vfs.tryLock !== undefined) return 'stale';
  return liveness(record) === 'gone' ? 'stale' : 'held';
}

/**
 * Tries a shared lock on `path` through a fresh descriptor, released at once
 * by closing it. A holder keeps an exclusive lock, so the probe fails while
 * one lives; probes never conflict with each other.
 */
function probeKernelLock(vfs: Vfs, path: string): Probe {
  if (vfs.tryLock === undefined) return 'unavailable';
  let fd: number;
  try {
    fd = vfs.open(path, 'r');
  } catch {
    return 'missing';
  }
  try {
    return vfs.tryLock(fd, 'shared') ? 'free' : 'locked';
  } finally {
    vfs.close(fd);
  }
}
