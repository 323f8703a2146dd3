import { checkCrc, checkMagic, checkVersion, viewOf, writeMagic } from './header.js';
import { crc32 } from './checksum.js';
import { CorruptionError } from '../errors.js';

/** Layout in docs/format/database.md. */
export const DATABASE_MAGIC = 'OMENDB';
export const DATABASE_FORMAT_VERSION = 1;
const LENGTH_BYTES = 16;

export function encodeDatabaseFile(): Uint8Array {
  const bytes = new Uint8Array(LENGTH_BYTES);
  const view = viewOf(bytes);
  writeMagic(view, 0, DATABASE_MAGIC);
  view.setUint32(8, DATABASE_FORMAT_VERSION, true);
  view.setUint32(12, crc32(bytes.subarray(0, 12)), true);
  return bytes;
}

/** Validates a FORMAT file; throws CorruptionError naming `file`. */
export function decodeDatabaseFile(bytes: Uint8Array, file: string): void {
  checkMagic(bytes, DATABASE_MAGIC, file);
  if (bytes.byteLength !== LENGTH_BYTES) throw new CorruptionError(file, bytes.byteLength, `expected ${LENGTH_BYTES} bytes`);
  const view = viewOf(bytes);
  checkCrc(bytes.subarray(0, 12), view.getUint32(12, true), file, 12, 'header');
  checkVersion(view.getUint32(8, true), DATABASE_FORMAT_VERSION, file, 8);
}
