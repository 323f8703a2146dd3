import { join } from 'node:path';
import type { Vfs } from '../../fs/vfs.js';
import { decodeOperation, type Operation } from '../../format/operation.js';
import { checkWalFileHeader, parseWalFileName, readWalRecord, WAL_FILE_HEADER_BYTES } from '../../format/wal-record.js';
import { attempt, type Findings } from './report.js';

/** What the WAL of a collection holds after its checkpoint. */
export interface WalContents {
  /** Decoded operations with lsn > checkpointLsn, in order (what the next open replays). */
  operations: Operation[];
  lastLsn: number;
}

/**
 * Reads every WAL file of a collection the way recovery does
 * (docs/format/wal.md, "Reading and recovery") but changes nothing: a torn
 * tail of the last file is a warning (the next open cuts it off; it was never
 * acknowledged), any other damage an error at its file and offset. Also
 * checks LSN continuity across files and that every record after the
 * checkpoint decodes and matches the collection's dimension.
 */
export function verifyWal(vfs: Vfs, walDir: string, checkpointLsn: number, dimension: number | null, findings: Findings): WalContents {
  const entries = vfs.list(walDir).sort();
  for (const name of entries) {
    if (parseWalFileName(name) === undefined) findings.warning(join(walDir, name), 'unexpected file in the WAL directory; OmenDB ignores it');
  }
  const names = entries.filter((n) => parseWalFileName(n) !== undefined);
  const operations: Operation[] = [];
  let dim = dimension;
  let expectedLsn: number | undefined;
  let lastLsn = checkpointLsn;
  let firstReplayed: number | undefined;
  names.forEach((name, index) => {
    const path = join(walDir, name);
    const firstLsn = parseWalFileName(name)!;
    const isLast = index === names.length - 1;
    const bytes = findings.read(vfs.readFile(path));
    if (bytes.byteLength < WAL_FILE_HEADER_BYTES && isLast) {
      if (bytes.byteLength > 0) findings.warning(path, `${bytes.byteLength}-byte WAL file cut short while being created; the next open resets it`, 0);
      return;
    }
    const headerValid = attempt(findings, () => {
      checkWalFileHeader(bytes, path);
      return true;
    });
    if (!headerValid) return;
    if (expectedLsn !== undefined && (firstLsn < expectedLsn || (firstLsn > expectedLsn && expectedLsn > checkpointLsn))) {
      findings.error(path, `file starts at LSN ${firstLsn}, the previous file ends at ${expectedLsn - 1}`, 0);
    }
    let offset = WAL_FILE_HEADER_BYTES;
    let lsn = firstLsn - 1;
    for (;;) {
      const result = readWalRecord(bytes, offset);
      if (result.kind === 'end') break;
      if (result.kind === 'torn') {
        const tail = bytes.byteLength - offset;
        if (isLast) findings.warning(path, `torn tail: the last ${tail} bytes are an incomplete record, never acknowledged; the next open cuts them off`, offset);
        else findings.error(path, `torn record in a WAL file that is not the last (${tail} bytes to the end of the file)`, offset);
        break;
      }
      if (result.kind === 'corrupt') {
        findings.error(path, result.detail, offset);
        break;
      }
      const record = result.record;
      if (record.lsn !== lsn + 1) findings.error(path, `record has LSN ${record.lsn}, expected ${lsn + 1}`, offset);
      lsn = record.lsn;
      if (lsn > checkpointLsn) {
        if (firstReplayed === undefined) {
          firstReplayed = lsn;
          if (lsn !== checkpointLsn + 1) findings.error(path, `the WAL resumes at LSN ${lsn}, the checkpoint covers up to ${checkpointLsn}: records are missing`, offset);
        }
        try {
          const op = decodeOperation(record.type, record.payload);
          if ('dim' in op && op.vectors) {
            if (dim !== null && op.dim !== dim) findings.error(path, `record LSN ${lsn} holds ${op.dim}-d vectors, the collection is ${dim}-d`, offset);
            dim ??= op.dim;
          }
          operations.push(op);
        } catch (err) {
          findings.error(path, `record LSN ${lsn} does not decode: ${(err as Error).message}`, offset);
        }
      }
      offset = result.nextOffset;
    }
    expectedLsn = lsn + 1;
    lastLsn = Math.max(lastLsn, lsn);
  });
  return { operations, lastLsn };
}
