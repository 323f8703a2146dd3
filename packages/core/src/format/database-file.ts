import { checkCrc, checkMagic, checkVersion, FILE_HEADER_AT as AT, FILE_HEADER_BYTES, viewOf, writeMagic } from './header.js';
import { crc32 } from './checksum.js';
import { CorruptionError } from '../errors.js';

/** Layout in docs/format/database.md. */
export const DATABASE_MAGIC = 'OMENDB';
export const DATABASE_FORMAT_VERSION = 1;
const LENGTH_BYTES = FILE_HEADER_BYTES;

export function encodeDatabaseFile(): Uint8Array {
  const bytes = new Uint8Array(LENGTH_BYTES);
  const view = viewOf(bytes);
  writeMagic(view, AT.magic, DATABASE_MAGIC);
  view.setUint32(AT.version, DATABASE_FORMAT_VERSION, true);
  view.setUint32(AT.crc, crc32(bytes.subarray(0, AT.crc)), true);
  return bytes;
}

/** Validates a FORMAT file; throws CorruptionError naming `file`. */
export function decodeDatabaseFile(bytes: Uint8Array, file: string): void {
  checkMagic(bytes, DATABASE_MAGIC, file);
  if (bytes.byteLength !== LENGTH_BYTES) throw new CorruptionError(file, bytes.byteLength, `expected ${LENGTH_BYTES} bytes`);
  const view = viewOf(bytes);
  checkCrc(bytes.subarray(0, AT.crc), view.getUint32(AT.crc, true), file, AT.crc, 'header');
  checkVersion(view.getUint32(AT.version, true), DATABASE_FORMAT_VERSION, file, AT.version);
}
