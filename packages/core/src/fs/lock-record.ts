import { z } from 'zod';
import type { ProcessIdentity } from './process-identity.js';
import type { Vfs } from './vfs.js';

/**
 * The contents of a `LOCK` file (and of `LOCK.takeover`): one JSON object
 * naming the holder. Specified in docs/format/lock.md.
 */
export interface LockRecord extends ProcessIdentity {
  /** Unique per acquisition, so a holder removes only its own LOCK. */
  token: string;
  /** True when the holder keeps a kernel lock on the file while it holds it (docs/format/lock.md). */
  kernelLock: boolean;
}

const text = z.string().min(1).max(256);

/** Extra fields are allowed, so that a later version can add some without being read as damaged. */
const lockRecordSchema = z.object({
  pid: z.number().int().min(1).max(2 ** 31 - 1),
  host: text,
  token: text,
  startTicks: z.string().regex(/^\d{1,20}$/).optional(),
  bootId: text.optional(),
  pidNamespace: text.optional(),
  // Written by versions without kernel locks: absent means false.
  kernelLock: z.boolean().default(false),
});

/** Largest LOCK file read: a record is a few hundred bytes; anything larger is damaged. */
const MAX_RECORD_BYTES = 4096;

export function encodeLockRecord(record: LockRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record));
}

/** The record in `bytes`, or undefined when they are not one (damaged: any field missing or of the wrong type). */
export function decodeLockRecord(bytes: Uint8Array): LockRecord | undefined {
  if (bytes.byteLength > MAX_RECORD_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  const parsed = lockRecordSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Reads the record at `path`: undefined when it is missing (released meanwhile), unreadable or damaged. */
export function readLockRecord(vfs: Vfs, path: string): LockRecord | undefined {
  try {
    return decodeLockRecord(vfs.readFile(path));
  } catch {
    return undefined;
  }
}
