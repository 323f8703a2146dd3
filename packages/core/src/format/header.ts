import { CorruptionError } from '../errors.js';
import { crc32 } from './checksum.js';

const MAGIC_BYTES = 8;

/**
 * Byte offsets of the 16-byte header that FORMAT and each WAL file start with
 * (database.md, wal.md): magic, format version u32, CRC-32 of bytes 0..12.
 */
export const FILE_HEADER_AT = { magic: 0, version: 8, crc: 12 } as const;
/** Bytes of that header. */
export const FILE_HEADER_BYTES = 16;

/** Writes an 8-byte ASCII magic (NUL-padded) at `offset`. */
export function writeMagic(view: DataView, offset: number, magic: string): void {
  for (let i = 0; i < MAGIC_BYTES; i++) view.setUint8(offset + i, i < magic.length ? magic.charCodeAt(i) : 0);
}

/** Throws CorruptionError unless `bytes` starts with `magic`. */
export function checkMagic(bytes: Uint8Array, magic: string, file: string): void {
  if (bytes.byteLength < MAGIC_BYTES) throw new CorruptionError(file, 0, `file too short for a header (${bytes.byteLength} bytes)`);
  for (let i = 0; i < MAGIC_BYTES; i++) {
    const expected = i < magic.length ? magic.charCodeAt(i) : 0;
    if (bytes[i] !== expected) throw new CorruptionError(file, 0, `bad magic, expected ${JSON.stringify(magic)}`);
  }
}

/** Throws CorruptionError unless the stored version is one this build reads. */
export function checkVersion(version: number, supported: number, file: string, offset: number): void {
  if (version !== supported) {
    throw new CorruptionError(file, offset, `format version ${version} is not supported (this build reads ${supported})`);
  }
}

/** Throws CorruptionError unless crc32(`bytes`) equals `stored`. */
export function checkCrc(bytes: Uint8Array, stored: number, file: string, offset: number, what: string): void {
  checkCrcValue(crc32(bytes), stored, file, offset, what);
}

/** Throws CorruptionError unless a crc32 computed elsewhere (e.g. over chunks) equals `stored`. */
export function checkCrcValue(actual: number, stored: number, file: string, offset: number, what: string): void {
  if (actual !== stored) {
    throw new CorruptionError(file, offset, `${what} checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)})`);
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
