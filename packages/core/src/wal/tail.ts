import { join } from 'node:path';
import { CorruptionError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import { decodeOperation, type Operation } from '../format/operation.js';
import { checkWalFileHeader, findRecordAfter, readWalRecord, walFileName, WAL_FILE_HEADER_BYTES } from '../format/wal-record.js';

/** Where a reader of a live WAL stands: just after the record `lsn`, at `offset` of the file `path`. */
export interface WalCursor {
  path: string;
  offset: number;
  lsn: number;
}

/** What {@link readWalTail} found after a cursor. */
export interface WalTail {
  /** Whole records after the cursor, in LSN order. */
  operations: { lsn: number; op: Operation }[];
  /** Where the next read starts: after the last whole record. */
  cursor: WalCursor;
  /** Bytes of whole records read. */
  bytesRead: number;
}

/**
 * Reads the records a live writer appended after `cursor`, for a read-only
 * reader (docs/format/readers.md). Unlike recovery, a record that runs past
 * the end of the file is not cut off: it is an append in progress, so the
 * read stops before it and the next call reads it whole. Only whole records
 * with a valid checksum are returned, and one call is one record (wal.md), so
 * a reader never applies part of a call. When the file ends at a record
 * boundary and `wal/<lsn + 1>.wal` exists, the writer has moved on to that
 * file (a checkpoint or an open started it) and reading continues there.
 * Throws the Vfs's ENOENT when the cursor's file is gone (a checkpoint
 * dropped it: the caller reloads from the newer manifest), CorruptionError
 * (file, offset) for a damaged record that whole records follow.
 */
export function readWalTail(vfs: Vfs, walDir: string, cursor: WalCursor, dimension: number | null): WalTail {
  const operations: WalTail['operations'] = [];
  let { path, offset, lsn } = cursor;
  let bytesRead = 0;
  for (;;) {
    const bytes = readFrom(vfs, path, offset);
    let at = 0;
    for (;;) {
      const result = readWalRecord(bytes, at);
      if (result.kind === 'end' || result.kind === 'torn') {
        // A torn record with whole records after it is damage, not an append in progress.
        if (result.kind === 'torn' && findRecordAfter(bytes, at, lsn)) throw new CorruptionError(path, offset + at, 'damaged record: whole records follow it');
        break;
      }
      if (result.kind === 'corrupt') throw new CorruptionError(path, offset + at, result.detail);
      const { record } = result;
      if (record.lsn !== lsn + 1) throw new CorruptionError(path, offset + at, `record has LSN ${record.lsn}, expected ${lsn + 1}`);
      let op: Operation;
      try {
        op = decodeOperation(record.type, record.payload);
      } catch (err) {
        throw new CorruptionError(path, offset + at, `record LSN ${record.lsn} does not decode: ${(err as Error).message}`);
      }
      if ('dim' in op && op.vectors && dimension !== null && op.dim !== dimension) {
        throw new CorruptionError(path, offset + at, `record LSN ${record.lsn} holds ${op.dim}-d vectors, the collection is ${dimension}-d`);
      }
      if ('dim' in op && op.vectors) dimension = op.dim;
      operations.push({ lsn: record.lsn, op });
      lsn = record.lsn;
      bytesRead += result.nextOffset - at;
      at = result.nextOffset;
    }
    offset += at;
    if (at < bytes.byteLength) break;
    // The file ends at a record boundary: the writer appends here, or has started the next file.
    const next = join(walDir, walFileName(lsn + 1));
    if (next === path || !vfs.exists(next)) break;
    checkWalFileHeader(readFrom(vfs, next, 0).subarray(0, WAL_FILE_HEADER_BYTES), next);
    path = next;
    offset = WAL_FILE_HEADER_BYTES;
  }
  return { operations, cursor: { path, offset, lsn }, bytesRead };
}

/**
 * The bytes of `path` from `offset` to its end, read through one descriptor
 * until a read returns nothing: the file may grow meanwhile, or be unlinked
 * after the open (its bytes stay readable through the descriptor).
 */
function readFrom(vfs: Vfs, path: string, offset: number): Uint8Array {
  const fd = vfs.open(path, 'r');
  try {
    let out = new Uint8Array(Math.max(64 * 1024, (vfs.sizeOf(path) ?? 0) - offset));
    let done = 0;
    for (;;) {
      if (done === out.byteLength) {
        const grown = new Uint8Array(out.byteLength * 2);
        grown.set(out);
        out = grown;
      }
      const n = vfs.read(fd, out, done, out.byteLength - done, offset + done);
      if (n === 0) return out.subarray(0, done);
      done += n;
    }
  } finally {
    vfs.close(fd);
  }
}
