import { crc32 } from '../../format/checksum.js';
import { SEGMENT_FORMAT_VERSION, SEGMENT_MAGIC } from '../../format/segment-file.js';
import type { Findings } from './report.js';

/**
 * Header and section-table layout of a segment file, from
 * docs/format/segment.md. Verify reads it on its own, rather than only through
 * `decodeSegment` (which stops at the first bad checksum), so that it can
 * check every section and report each damaged one.
 */
const HEADER_BYTES = 48;
const TABLE_ENTRY_BYTES = 32;
const SECTION_ALIGN = 64;
const HEADER_CRC_AT = 44;

/** Names of the section kinds, for messages. */
export const SECTION_NAMES: Record<number, string> = { 1: 'vectors', 2: 'ids', 3: 'metadata', 4: 'documents', 5: 'graph', 10: 'page checksums' };

/**
 * Checks the magic, version and header checksum, then every section's
 * bounds, alignment, reserved bytes and checksum, reporting each failure with
 * its offset (a checksum failure covers the whole section: the flipped bytes
 * are somewhere in `[offset, offset + length)`). Returns true when all pass.
 */
export function checkSegmentChecksums(bytes: Uint8Array, file: string, findings: Findings): boolean {
  if (bytes.byteLength < HEADER_BYTES) {
    findings.error(file, `${bytes.byteLength} bytes, shorter than the ${HEADER_BYTES}-byte header`, 0);
    return false;
  }
  for (let i = 0; i < 8; i++) {
    const expected = i < SEGMENT_MAGIC.length ? SEGMENT_MAGIC.charCodeAt(i) : 0;
    if (bytes[i] !== expected) {
      findings.error(file, `bad magic, expected ${JSON.stringify(SEGMENT_MAGIC)}`, 0);
      return false;
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(12, true);
  const tableEnd = HEADER_BYTES + count * TABLE_ENTRY_BYTES;
  if (tableEnd > bytes.byteLength) {
    findings.error(file, `section table of ${count} entries runs past the end of the file`, 12);
    return false;
  }
  const covered = new Uint8Array(HEADER_CRC_AT + count * TABLE_ENTRY_BYTES);
  covered.set(bytes.subarray(0, HEADER_CRC_AT));
  covered.set(bytes.subarray(HEADER_BYTES, tableEnd), HEADER_CRC_AT);
  const storedHeaderCrc = view.getUint32(HEADER_CRC_AT, true);
  if (crc32(covered) !== storedHeaderCrc) {
    // The table cannot be trusted, so the sections cannot be located.
    findings.error(file, `header or section table checksum mismatch (bytes 0–${tableEnd}); the sections cannot be located`, 0, tableEnd);
    return false;
  }
  let ok = true;
  const version = view.getUint32(8, true);
  if (version !== 1 && version !== SEGMENT_FORMAT_VERSION) {
    findings.error(file, `format version ${version} is not supported (this build reads 1 and ${SEGMENT_FORMAT_VERSION})`, 8);
    ok = false;
  }
  for (let i = 0; i < count; i++) {
    const entry = HEADER_BYTES + i * TABLE_ENTRY_BYTES;
    const kind = view.getUint32(entry, true);
    const name = SECTION_NAMES[kind] ?? `kind ${kind}`;
    const offset = Number(view.getBigUint64(entry + 8, true));
    const length = Number(view.getBigUint64(entry + 16, true));
    if (offset < tableEnd || offset + length > bytes.byteLength) {
      findings.error(file, `${name} section [${offset}, ${offset + length}) lies outside the file`, entry + 8);
      ok = false;
      continue;
    }
    if (offset % SECTION_ALIGN !== 0) findings.warning(file, `${name} section starts at ${offset}, not a multiple of ${SECTION_ALIGN}`, entry + 8);
    const stored = view.getUint32(entry + 24, true);
    const actual = crc32(bytes.subarray(offset, offset + length));
    if (actual !== stored) {
      findings.error(
        file,
        `${name} section checksum mismatch (stored 0x${hex(stored)}, computed 0x${hex(actual)}): a byte in [${offset}, ${offset + length}) is damaged`,
        offset,
        length,
      );
      ok = false;
    }
  }
  return ok;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
