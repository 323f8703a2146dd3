import { CorruptionError } from '../errors.js';
import { crc32 } from './checksum.js';
import { checkCrc, checkMagic, checkVersion, FILE_HEADER_AT, FILE_HEADER_BYTES, viewOf, writeMagic } from './header.js';

/** Layout in docs/format/wal.md. */
export const WAL_MAGIC = 'OMENWAL';
export const WAL_FORMAT_VERSION = 1;
export const WAL_FILE_HEADER_BYTES = FILE_HEADER_BYTES;
export const WAL_RECORD_HEADER_BYTES = 17;

/** Byte offsets of a record's fields, from the record's start (wal.md, "Record"). */
export const RECORD_AT = {
  length: 0,
  /** CRC-32 of the bytes from `type` to the end of the payload. */
  crc: 4,
  type: 8,
  lsn: 9,
  payload: WAL_RECORD_HEADER_BYTES,
} as const;

export const enum WalRecordType {
  Add = 1,
  Upsert = 2,
  Update = 3,
  Delete = 4,
}

export interface WalRecord {
  type: WalRecordType;
  lsn: number;
  payload: Uint8Array;
}

export function encodeWalFileHeader(): Uint8Array {
  const bytes = new Uint8Array(WAL_FILE_HEADER_BYTES);
  const view = viewOf(bytes);
  writeMagic(view, FILE_HEADER_AT.magic, WAL_MAGIC);
  view.setUint32(FILE_HEADER_AT.version, WAL_FORMAT_VERSION, true);
  view.setUint32(FILE_HEADER_AT.crc, crc32(bytes.subarray(0, FILE_HEADER_AT.crc)), true);
  return bytes;
}

export function checkWalFileHeader(bytes: Uint8Array, file: string): void {
  checkMagic(bytes, WAL_MAGIC, file);
  if (bytes.byteLength < WAL_FILE_HEADER_BYTES) throw new CorruptionError(file, 0, 'WAL header is truncated');
  const view = viewOf(bytes);
  checkCrc(bytes.subarray(0, FILE_HEADER_AT.crc), view.getUint32(FILE_HEADER_AT.crc, true), file, FILE_HEADER_AT.crc, 'WAL header');
  checkVersion(view.getUint32(FILE_HEADER_AT.version, true), WAL_FORMAT_VERSION, file, FILE_HEADER_AT.version);
}

export function encodeWalRecord(record: WalRecord): Uint8Array {
  const bytes = new Uint8Array(WAL_RECORD_HEADER_BYTES + record.payload.byteLength);
  bytes.set(record.payload, RECORD_AT.payload);
  return frameWalRecord(record.type, record.lsn, bytes);
}

/**
 * Fills in the header of a record whose payload already sits at
 * {@link RECORD_AT}.payload of `framed` (its first WAL_RECORD_HEADER_BYTES
 * reserved), and returns `framed`: a payload encoded in place is logged
 * without a copy of its own (a 1,000-row batch of 128-d vectors is 0.5 MB).
 */
export function frameWalRecord(type: WalRecordType, lsn: number, framed: Uint8Array): Uint8Array {
  const view = viewOf(framed);
  view.setUint32(RECORD_AT.length, framed.byteLength - WAL_RECORD_HEADER_BYTES, true);
  view.setUint8(RECORD_AT.type, type);
  view.setBigUint64(RECORD_AT.lsn, BigInt(lsn), true);
  view.setUint32(RECORD_AT.crc, crc32(framed.subarray(RECORD_AT.type)), true);
  return framed;
}

/** Outcome of reading the record at one offset. */
export type WalReadResult =
  | { kind: 'record'; record: WalRecord; nextOffset: number }
  | { kind: 'end' }
  | { kind: 'torn' }
  | { kind: 'corrupt'; detail: string };

/** Reads the record at `offset` of a WAL file's bytes (see wal.md, "Reading and recovery"). */
export function readWalRecord(bytes: Uint8Array, offset: number): WalReadResult {
  const remaining = bytes.byteLength - offset;
  if (remaining === 0) return { kind: 'end' };
  if (remaining < WAL_RECORD_HEADER_BYTES) return { kind: 'torn' };
  const view = viewOf(bytes);
  const length = view.getUint32(offset + RECORD_AT.length, true);
  const end = offset + WAL_RECORD_HEADER_BYTES + length;
  if (end > bytes.byteLength) return { kind: 'torn' };
  const stored = view.getUint32(offset + RECORD_AT.crc, true);
  if (crc32(bytes.subarray(offset + RECORD_AT.type, end)) !== stored) {
    if (end === bytes.byteLength || allZero(bytes, end)) return { kind: 'torn' };
    return { kind: 'corrupt', detail: 'record checksum mismatch with more records after it' };
  }
  const type = view.getUint8(offset + RECORD_AT.type);
  if (type < WalRecordType.Add || type > WalRecordType.Delete) {
    return { kind: 'corrupt', detail: `unknown record type ${type}` };
  }
  const lsn = Number(view.getBigUint64(offset + RECORD_AT.lsn, true));
  const payload = bytes.subarray(offset + RECORD_AT.payload, end);
  return { kind: 'record', record: { type, lsn, payload }, nextOffset: end };
}

/**
 * The first whole record — known type, valid checksum, LSN above `afterLsn` —
 * that starts after `offset`, if any. A torn tail is the end of the log, so
 * finding one after a record that looks torn means that record was damaged
 * in place (a flipped length field makes a middle record "run past the end").
 */
export function findRecordAfter(bytes: Uint8Array, offset: number, afterLsn: number): { offset: number; lsn: number } | undefined {
  const view = viewOf(bytes);
  // LSNs rise by one per record of at least 17 bytes, which bounds the LSNs worth checking.
  const maxLsn = afterLsn + Math.ceil((bytes.byteLength - offset) / WAL_RECORD_HEADER_BYTES) + 1;
  for (let at = offset + 1; at + WAL_RECORD_HEADER_BYTES <= bytes.byteLength; at++) {
    const type = bytes[at + 8];
    if (type < WalRecordType.Add || type > WalRecordType.Delete) continue;
    const lsn = view.getUint32(at + 9, true) + view.getUint32(at + 13, true) * 2 ** 32;
    if (lsn <= afterLsn || lsn > maxLsn) continue;
    const end = at + WAL_RECORD_HEADER_BYTES + view.getUint32(at, true);
    if (end > bytes.byteLength) continue;
    if (crc32(bytes.subarray(at + 8, end)) === view.getUint32(at + 4, true)) return { offset: at, lsn };
  }
  return undefined;
}

function allZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.byteLength; i++) if (bytes[i] !== 0) return false;
  return true;
}

export function walFileName(firstLsn: number): string {
  return `${String(firstLsn).padStart(20, '0')}.wal`;
}

/** The first LSN encoded in a WAL file name, or undefined for other names. */
export function parseWalFileName(name: string): number | undefined {
  const match = /^(\d{20})\.wal$/.exec(name);
  return match ? Number(match[1]) : undefined;
}
