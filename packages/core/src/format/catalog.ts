import { CorruptionError } from '../errors.js';
import { crc32 } from './checksum.js';
import { checkCrc, checkMagic, checkVersion, viewOf, writeMagic } from './header.js';

/** Layout in docs/format/catalog.md. */
export const CATALOG_MAGIC = 'OMENCATL';
export const CATALOG_FORMAT_VERSION = 1;
const HEADER_BYTES = 16;
const CRC_BYTES = 4;
/** Longest collection directory name the catalog accepts (ids are 32 hex digits today). */
export const MAX_CATALOG_ID_BYTES = 255;
/**
 * Largest CATALOG read: 1,000,000 collections of the longest ids. Reads are
 * bounded by it, so a damaged or foreign file is never read whole.
 */
export const MAX_CATALOG_BYTES = HEADER_BYTES + 1_000_000 * (1 + MAX_CATALOG_ID_BYTES) + CRC_BYTES;

/**
 * The ids (directory names under `collections/`) of every collection of a
 * database, in the order given. A collection exists exactly when the
 * published CATALOG names it.
 */
export function encodeCatalog(ids: readonly string[]): Uint8Array {
  const encoded = ids.map((id) => new TextEncoder().encode(id));
  for (const [i, bytes] of encoded.entries()) {
    if (bytes.byteLength === 0 || bytes.byteLength > MAX_CATALOG_ID_BYTES) throw new RangeError(`collection id ${JSON.stringify(ids[i])} is not 1–${MAX_CATALOG_ID_BYTES} bytes`);
  }
  const length = HEADER_BYTES + encoded.reduce((n, b) => n + 1 + b.byteLength, 0) + CRC_BYTES;
  const out = new Uint8Array(length);
  const view = viewOf(out);
  writeMagic(view, 0, CATALOG_MAGIC);
  view.setUint32(8, CATALOG_FORMAT_VERSION, true);
  view.setUint32(12, ids.length, true);
  let at = HEADER_BYTES;
  for (const bytes of encoded) {
    out[at] = bytes.byteLength;
    out.set(bytes, at + 1);
    at += 1 + bytes.byteLength;
  }
  view.setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}

/** Parses a CATALOG file; throws CorruptionError naming `file` and the offset of the bad field. */
export function decodeCatalog(bytes: Uint8Array, file: string): string[] {
  checkMagic(bytes, CATALOG_MAGIC, file);
  if (bytes.byteLength < HEADER_BYTES + CRC_BYTES) throw new CorruptionError(file, bytes.byteLength, 'catalog is truncated');
  const view = viewOf(bytes);
  const crcAt = bytes.byteLength - CRC_BYTES;
  // The checksum covers everything, so a bad count or length is reported as what it is only once the bytes are known whole.
  checkCrc(bytes.subarray(0, crcAt), view.getUint32(crcAt, true), file, crcAt, 'catalog');
  checkVersion(view.getUint32(8, true), CATALOG_FORMAT_VERSION, file, 8);
  const count = view.getUint32(12, true);
  const ids: string[] = [];
  const seen = new Set<string>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + 1 > crcAt) throw new CorruptionError(file, at, `catalog ends after ${i} of ${count} ids`);
    const length = bytes[at];
    if (length === 0 || at + 1 + length > crcAt) throw new CorruptionError(file, at, `id ${i} has a bad length (${length})`);
    let id: string;
    try {
      id = decoder.decode(bytes.subarray(at + 1, at + 1 + length));
    } catch {
      throw new CorruptionError(file, at + 1, `id ${i} is not UTF-8`);
    }
    if (!isDirectoryName(id)) throw new CorruptionError(file, at + 1, `id ${JSON.stringify(id)} is not a directory name`);
    if (seen.has(id)) throw new CorruptionError(file, at + 1, `id ${JSON.stringify(id)} is listed twice`);
    seen.add(id);
    ids.push(id);
    at += 1 + length;
  }
  if (at !== crcAt) throw new CorruptionError(file, at, 'trailing bytes after the last id');
  return ids;
}

function isDirectoryName(id: string): boolean {
  return id !== '.' && id !== '..' && !/[/\\\0]/.test(id) && !id.endsWith('.tmp') && !id.endsWith('.deleted');
}
