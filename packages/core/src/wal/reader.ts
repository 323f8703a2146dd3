import { join } from 'node:path';
import { CorruptionError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import {
  checkWalFileHeader,
  findRecordAfter,
  parseWalFileName,
  readWalRecord,
  WAL_FILE_HEADER_BYTES,
  type WalRecord,
} from '../format/wal-record.js';

export interface WalFileInfo {
  name: string;
  path: string;
  firstLsn: number;
  /** LSN of the last whole record, or firstLsn − 1 when empty. */
  lastLsn: number;
  /** Bytes of whole records plus header (the length after any torn-tail cut). */
  validBytes: number;
}

export interface WalScan {
  files: WalFileInfo[];
  /** Records with lsn > afterLsn, in LSN order. */
  records: WalRecord[];
  /** Whether a torn tail was cut from the last file. */
  truncatedTail: boolean;
}

/**
 * Reads every WAL file of a collection (wal.md, "Reading and recovery"),
 * cutting a torn tail off the last file and raising CorruptionError for any
 * other damage. Returns the records after `afterLsn`.
 */
export function scanWal(vfs: Vfs, walDir: string, afterLsn: number): WalScan {
  const names = vfs
    .list(walDir)
    .filter((n) => parseWalFileName(n) !== undefined)
    .sort();
  const files: WalFileInfo[] = [];
  const records: WalRecord[] = [];
  let truncatedTail = false;
  let expectedLsn: number | undefined;
  names.forEach((name, index) => {
    const path = join(walDir, name);
    const firstLsn = parseWalFileName(name)!;
    const isLast = index === names.length - 1;
    const bytes = vfs.readFile(path);
    if (isLast && bytes.byteLength <= WAL_FILE_HEADER_BYTES && !isWholeHeader(bytes, path)) {
      // Crash while creating the file: its header was never made durable (it may be short, or
      // full length but torn), and no record was written, since records follow the header's fdatasync.
      vfs.truncate(path, 0);
      files.push({ name, path, firstLsn, lastLsn: firstLsn - 1, validBytes: 0 });
      truncatedTail = bytes.byteLength > 0;
      return;
    }
    checkWalFileHeader(bytes, path);
    // A gap is harmless when everything before it is covered by the checkpoint.
    if (expectedLsn !== undefined && (firstLsn < expectedLsn || (firstLsn > expectedLsn && expectedLsn > afterLsn))) {
      throw new CorruptionError(path, 0, `file starts at LSN ${firstLsn}, expected ${expectedLsn}`);
    }
    let offset = WAL_FILE_HEADER_BYTES;
    let lsn = firstLsn - 1;
    for (;;) {
      const result = readWalRecord(bytes, offset);
      if (result.kind === 'end') break;
      if (result.kind === 'torn') {
        if (!isLast) throw new CorruptionError(path, offset, 'torn record in a WAL file that is not the last');
        // Without this check a bit flip in the length field of a middle record made it look torn,
        // and every acknowledged record after it was cut off silently (found by the corruption sweep).
        const later = findRecordAfter(bytes, offset, lsn);
        if (later) {
          throw new CorruptionError(path, offset, `damaged record: a whole record (LSN ${later.lsn}) follows at offset ${later.offset}, so it is not a torn tail`);
        }
        vfs.truncate(path, offset);
        truncatedTail = true;
        break;
      }
      if (result.kind === 'corrupt') throw new CorruptionError(path, offset, result.detail);
      if (result.record.lsn !== lsn + 1) {
        throw new CorruptionError(path, offset, `LSN ${result.record.lsn} follows ${lsn}`);
      }
      lsn = result.record.lsn;
      if (lsn > afterLsn) records.push({ ...result.record, payload: result.record.payload.slice() });
      offset = result.nextOffset;
    }
    files.push({ name, path, firstLsn, lastLsn: lsn, validBytes: offset });
    expectedLsn = lsn + 1;
  });
  return { files, records, truncatedTail };
}

function isWholeHeader(bytes: Uint8Array, path: string): boolean {
  try {
    checkWalFileHeader(bytes, path);
    return true;
  } catch (err) {
    if (err instanceof CorruptionError) return false;
    throw err;
  }
}
