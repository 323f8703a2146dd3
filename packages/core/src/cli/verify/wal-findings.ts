import { join } from 'node:path';
import { CorruptionError } from '../../errors.js';
import type { Vfs } from '../../fs/vfs.js';
import type { Operation } from '../../format/operation.js';
import { readWal, type WalReadOptions } from '../../wal/reader.js';
import type { Findings } from './report.js';

/** What the WAL of a collection holds after its checkpoint. */
export interface WalContents {
  /** Decoded operations with lsn > checkpointLsn, in order (what the next open replays); [] when the WAL is damaged. */
  operations: Operation[];
}

/**
 * Reads a collection's WAL with the reader open uses (wal/reader.ts), in its
 * report-only mode, so verify's verdict is open's: the damage that would make
 * open raise CorruptionError is an error at the same file and offset; a torn
 * tail that open would cut off is a warning; nothing is written.
 */
export function verifyWal(vfs: Vfs, walDir: string, options: Omit<WalReadOptions, 'mode'>, findings: Findings): WalContents {
  try {
    const scan = readWal(vfs, walDir, { ...options, mode: 'report' });
    for (const f of scan.files) findings.count(f.validBytes + (scan.tornTail?.file === f.path ? scan.tornTail.lengthBytes : 0));
    for (const name of scan.leftovers) findings.warning(join(walDir, name), 'WAL file whose creation was interrupted; the next open removes it');
    for (const name of scan.foreign) findings.warning(join(walDir, name), 'unexpected file in the WAL directory; OmenDB ignores it');
    const tail = scan.tornTail;
    if (tail) {
      const what = tail.offset === 0 ? 'a WAL file whose header was never made durable' : 'an incomplete record, never acknowledged';
      findings.warning(tail.file, `torn tail: the last ${tail.lengthBytes} bytes are ${what}; the next open cuts them off`, tail.offset);
    }
    return { operations: scan.operations.map((r) => r.op) };
  } catch (err) {
    if (!(err instanceof CorruptionError)) throw err;
    findings.corruption(err);
    return { operations: [] };
  }
}
