import { checkCrc, checkMagic, FILE_HEADER_AT as AT, FILE_HEADER_BYTES, viewOf, writeMagic } from './header.js';
import { crc32 } from './checksum.js';
import { CorruptionError } from '../errors.js';

/** Layout in docs/format/database.md. */
export const DATABASE_MAGIC = 'OMENDB';
/** Version 2: the database has a CATALOG naming its collections (catalog.md). */
export const DATABASE_FORMAT_VERSION = 2;
/** Version 1 (no CATALOG) is still read, and upgraded to 2 by the first open that may write. */
export const LEGACY_DATABASE_FORMAT_VERSION = 1;
export const DATABASE_FILE_BYTES = FILE_HEADER_BYTES;

export function encodeDatabaseFile(version: number = DATABASE_FORMAT_VERSION): Uint8Array {
  const bytes = new Uint8Array(DATABASE_FILE_BYTES);
  const view = viewOf(bytes);
  writeMagic(view, AT.magic, DATABASE_MAGIC);
  view.setUint32(AT.version, version, true);
  view.setUint32(AT.crc, crc32(bytes.subarray(0, AT.crc)), true);
  return bytes;
}

/** Validates a FORMAT file and returns its format version (1 or 2); throws CorruptionError naming `file`. */
export function decodeDatabaseFile(bytes: Uint8Array, file: string): number {
  checkMagic(bytes, DATABASE_MAGIC, file);
  if (bytes.byteLength !== DATABASE_FILE_BYTES) throw new CorruptionError(file, bytes.byteLength, `expected ${DATABASE_FILE_BYTES} bytes`);
  const view = viewOf(bytes);
  checkCrc(bytes.subarray(0, AT.crc), view.getUint32(AT.crc, true), file, AT.crc, 'header');
  const version = view.getUint32(AT.version, true);
  if (version !== DATABASE_FORMAT_VERSION && version !== LEGACY_DATABASE_FORMAT_VERSION) {
    throw new CorruptionError(file, AT.version, `format version ${version} is not supported (this build reads ${LEGACY_DATABASE_FORMAT_VERSION} and ${DATABASE_FORMAT_VERSION})`);
  }
  return version;
}
