import { join } from 'node:path';
import { CorruptionError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import { decodeOperation, type Operation } from '../format/operation.js';
import { checkWalFileHeader, findRecordAfter, parseWalFileName, readWalRecord, WAL_FILE_HEADER_BYTES } from '../format/wal-record.js';

/** How to read a collection's WAL. */
export interface WalReadOptions {
  /** The manifest's checkpointLsn: records up to it are in segments and are only checked, not returned. */
  checkpointLsn: number;
  /** The manifest's dimension (null until the first vector): every logged vector must have it. */
  dimension: number | null;
  /**
   * 'repair' (open): a torn tail is cut off the file, as recovery must before appending after it.
   * 'report' (`omendb verify`): nothing is written; the same tail is returned for the report.
   */
  mode: 'repair' | 'report';
  /**
   * A format-1 database (docs/format/database.md): its WAL files were created in place, so a crash
   * could leave the last one shorter than its header, or a new collection with no WAL file yet.
   */
  legacy: boolean;
}

export interface WalFileInfo {
  name: string;
  path: string;
  firstLsn: number;
  /** LSN of the last whole record, or firstLsn − 1 when empty. */
  lastLsn: number;
  /** Bytes of the header and whole records (the length after any torn-tail cut; 0 for a reset file). */
  validBytes: number;
}

/** A torn tail: bytes after the last whole record of the last file (cut off in 'repair' mode). */
export interface WalTornTail {
  file: string;
  /** Offset of the first byte cut off: the end of the last whole record (0 for a header never made durable). */
  offset: number;
  lengthBytes: number;
}

export interface WalScan {
  files: WalFileInfo[];
  /** Decoded records with lsn > checkpointLsn, in LSN order: what open replays. */
  operations: { lsn: number; op: Operation }[];
  tornTail: WalTornTail | null;
  /** `*.tmp` entries: WAL files whose atomic creation was interrupted (never part of the log). */
  leftovers: string[];
  /** Entries that are neither WAL files nor leftovers; OmenDB ignores them. */
  foreign: string[];
}

/**
 * The one reader of a collection's WAL (docs/format/wal.md, "Reading and
 * recovery"), used by open (mode 'repair') and by `omendb verify` (mode
 * 'report'), so the two always agree. Checks every file header, every record's
 * checksum, type and LSN, LSN continuity within and across files, that the log
 * reaches the checkpoint and resumes right after it, and that every record
 * after the checkpoint decodes with the collection's dimension. The first
 * damage found raises CorruptionError naming the file and the byte offset of
 * the bad header, record or file end; a torn tail of the last file is not
 * damage (it was never acknowledged) and is returned instead.
 */
export function readWal(vfs: Vfs, walDir: string, options: WalReadOptions): WalScan {
  const { checkpointLsn, mode, legacy } = options;
  if (!vfs.isDirectory(walDir)) throw new CorruptionError(walDir, 0, 'the WAL directory is missing');
  const entries = vfs.list(walDir).sort();
  const names = entries.filter((n) => parseWalFileName(n) !== undefined);
  const leftovers = entries.filter((n) => n.endsWith('.tmp'));
  const foreign = entries.filter((n) => parseWalFileName(n) === undefined && !n.endsWith('.tmp'));
  if (names.length === 0 && (checkpointLsn > 0 || !legacy)) {
    // Every collection is created with its first WAL file, and every checkpoint makes the next one
    // durable before it publishes its manifest: an empty wal/ means log files were deleted.
    throw new CorruptionError(walDir, 0, checkpointLsn > 0 ? `no WAL file continues after the checkpoint at LSN ${checkpointLsn}` : 'the WAL directory holds no log file');
  }
  const files: WalFileInfo[] = [];
  const operations: WalScan['operations'] = [];
  let tornTail: WalTornTail | null = null;
  let dim = options.dimension;
  let previous: WalFileInfo | undefined;
  names.forEach((name, index) => {
    const path = join(walDir, name);
    const firstLsn = parseWalFileName(name)!;
    const isLast = index === names.length - 1;
    const bytes = vfs.readFile(path);
    if (previous) checkContinuity(previous, firstLsn, checkpointLsn);
    if (legacy && isLast && bytes.byteLength <= WAL_FILE_HEADER_BYTES && !isWholeHeader(bytes, path)) {
      // Format 1 created WAL files in place: a crash before the header's fdatasync left it short or
      // torn, with no record in it (records follow that fdatasync).
      if (mode === 'repair') vfs.truncate(path, 0);
      if (bytes.byteLength > 0) tornTail = { file: path, offset: 0, lengthBytes: bytes.byteLength };
      files.push({ name, path, firstLsn, lastLsn: firstLsn - 1, validBytes: 0 });
      return;
    }
    checkWalFileHeader(bytes, path);
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
        if (mode === 'repair') vfs.truncate(path, offset);
        tornTail = { file: path, offset, lengthBytes: bytes.byteLength - offset };
        break;
      }
      if (result.kind === 'corrupt') throw new CorruptionError(path, offset, result.detail);
      const record = result.record;
      if (record.lsn !== lsn + 1) throw new CorruptionError(path, offset, `record has LSN ${record.lsn}, expected ${lsn + 1}`);
      lsn = record.lsn;
      if (lsn > checkpointLsn) {
        if (operations.length === 0 && lsn !== checkpointLsn + 1) {
          throw new CorruptionError(path, offset, `the WAL resumes at LSN ${lsn}, the checkpoint covers up to ${checkpointLsn}: records are missing`);
        }
        let op: Operation;
        try {
          op = decodeOperation(record.type, record.payload);
        } catch (err) {
          throw new CorruptionError(path, offset, `record LSN ${lsn} does not decode: ${(err as Error).message}`);
        }
        if ('dim' in op && op.vectors) {
          if (dim !== null && op.dim !== dim) throw new CorruptionError(path, offset, `record LSN ${lsn} holds ${op.dim}-d vectors, the collection is ${dim}-d`);
          dim = op.dim;
        }
        operations.push({ lsn, op });
      }
      offset = result.nextOffset;
    }
    previous = { name, path, firstLsn, lastLsn: lsn, validBytes: offset };
    files.push(previous);
  });
  // A checkpoint makes the WAL file that continues after it durable before publishing its
  // manifest, so some file reaches checkpointLsn. None means WAL files were lost, and with them
  // acknowledged writes that would otherwise vanish silently (found by the corruption sweep).
  const reaches = (f: WalFileInfo) => f.firstLsn <= checkpointLsn + 1 && f.lastLsn >= checkpointLsn;
  if (files.length > 0 && checkpointLsn > 0 && !files.some(reaches)) {
    throw new CorruptionError(walDir, 0, `no WAL file continues after the checkpoint at LSN ${checkpointLsn}`);
  }
  return { files, operations, tornTail, leftovers, foreign };
}

/**
 * Each file after the first starts where the one before it ends. A gap is
 * harmless only when everything before it is covered by the checkpoint.
 * Named at the end of the earlier file: a gap is what a file cut at a record
 * boundary (or a deleted file) leaves, once a later file records where the log went on.
 */
function checkContinuity(previous: WalFileInfo, firstLsn: number, checkpointLsn: number): void {
  const expected = previous.lastLsn + 1;
  if (firstLsn < expected || (firstLsn > expected && expected > checkpointLsn)) {
    throw new CorruptionError(previous.path, previous.validBytes, `the log ends at LSN ${previous.lastLsn} here, the next file starts at LSN ${firstLsn}`);
  }
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
