import { CorruptionError } from '../errors.js';
import { crc32 } from './checksum.js';

/**
 * Bytes of the vectors section one page checksum covers (docs/format/segment.md,
 * "Page checksums"): the last page may be shorter.
 */
export const PAGE_BYTES = 4096;

/** Pages of a section of `lengthBytes` bytes. */
export function pageCount(lengthBytes: number): number {
  return Math.ceil(lengthBytes / PAGE_BYTES);
}

/** The page-checksums section for `section`: one u32 CRC-32 per {@link PAGE_BYTES} page, little-endian. */
export function encodePageChecksums(section: Uint8Array): Uint8Array {
  const pages = pageCount(section.byteLength);
  const out = new Uint8Array(4 * pages);
  const view = new DataView(out.buffer);
  for (let page = 0; page < pages; page++) {
    view.setUint32(4 * page, crc32(section.subarray(page * PAGE_BYTES, (page + 1) * PAGE_BYTES)), true);
  }
  return out;
}

/**
 * The stored checksums of a page-checksums section (already checked against
 * its own section CRC), for a covered section of `coveredBytes` bytes.
 * Throws CorruptionError(file, offset) when its length is not 4 × pages.
 */
export function decodePageChecksums(bytes: Uint8Array, coveredBytes: number, file: string, offset: number): Uint32Array {
  const pages = pageCount(coveredBytes);
  if (bytes.byteLength !== 4 * pages) {
    throw new CorruptionError(file, offset, `page checksums hold ${bytes.byteLength} bytes, expected 4 × ${pages} pages`);
  }
  const out = new Uint32Array(pages);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let page = 0; page < pages; page++) out[page] = view.getUint32(4 * page, true);
  return out;
}

/**
 * Throws CorruptionError(file, sectionOffset + page · PAGE_BYTES) unless the
 * CRC-32 of `bytes` — page `page` of the covered section, as read — is `stored`.
 */
export function checkPage(bytes: Uint8Array, stored: number, page: number, file: string, sectionOffset: number): void {
  const actual = crc32(bytes);
  if (actual !== stored) {
    const at = sectionOffset + page * PAGE_BYTES;
    throw new CorruptionError(file, at, `vectors page ${page} checksum mismatch (stored ${stored >>> 0}, computed ${actual})`);
  }
}

/**
 * Checks every page of `section` (a vectors section held in memory, at
 * `sectionOffset` in `file`) against the page-checksums section `checksums`
 * (at `checksumsOffset`): what `omendb verify` asks of a version-2 segment.
 * Throws CorruptionError at the first bad page.
 */
export function checkAllPages(section: Uint8Array, sectionOffset: number, checksums: Uint8Array, checksumsOffset: number, file: string): void {
  const crcs = decodePageChecksums(checksums, section.byteLength, file, checksumsOffset);
  for (let page = 0; page < crcs.length; page++) {
    checkPage(section.subarray(page * PAGE_BYTES, (page + 1) * PAGE_BYTES), crcs[page], page, file, sectionOffset);
  }
}
