import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who a process is, recorded in the LOCK file beside its PID (see
 * docs/format/lock.md). A PID alone cannot tell a live holder from a dead
 * one: a writer that ran as PID 1 of a container is PID 1 again after a
 * restart. The kernel's start time of the process, the boot it ran in and its
 * PID namespace can. Fields Linux does not offer (no `/proc`) are undefined.
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Field 22 of `/proc/<pid>/stat`: clock ticks from boot to the process's start, as a decimal string. */
  startTicks?: string;
  /** `/proc/sys/kernel/random/boot_id`: a new UUID at every boot. */
  bootId?: string;
  /** The target of `/proc/self/ns/pid`, e.g. `pid:[4026531836]`. */
  pidNamespace?: string;
}

/** Whether the process an identity names is still running, as far as this host can tell. */
export type Liveness = 'alive' | 'gone' | 'unverifiable';

let self: ProcessIdentity | undefined;

/** This process's identity (computed once: none of its fields change while the process runs). */
export function currentProcess(): ProcessIdentity {
  self ??= {
    pid: process.pid,
    host: hostname(),
    startTicks: startTicksOf('self'),
    bootId: readProc('/proc/sys/kernel/random/boot_id')?.trim(),
    pidNamespace: readLink('/proc/self/ns/pid'),
  };
  return self;
}

/**
 * Whether `who` still runs. On this host the process is gone when the
 * machine rebooted since (boot id), when no process has its PID, or when the
 * process with its PID started at another time (the PID was reused, as PID 1
 * of a container is after a restart in the same namespace). A process on
 * another host, or in another PID namespace, cannot be checked
 * (`unverifiable`): its PID means nothing here, and a sibling container
 * sharing the directory may be alive. A field either side lacks is not compared.
 */
export function liveness(who: ProcessIdentity): Liveness {
  const me = currentProcess();
  if (who.host !== me.host) return 'unverifiable';
  if (differs(who.bootId, me.bootId)) return 'gone';
  if (differs(who.pidNamespace, me.pidNamespace)) return 'unverifiable';
  if (who.pid === me.pid) return differs(who.startTicks, me.startTicks) ? 'gone' : 'alive';
  if (!pidExists(who.pid)) return 'gone';
  return differs(who.startTicks, startTicksOf(String(who.pid))) ? 'gone' : 'alive';
}

function differs(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Field 22 (starttime) of `/proc/<pid>/stat`. The second field, the command
 * name, is in parentheses and may itself hold spaces and parentheses, so the
 * fields are counted from after the last `)`: there the first is field 3.
 */
function startTicksOf(pid: string): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[22 - 3];
  return ticks !== undefined && /^\d+$/.test(ticks) ? ticks : undefined;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
