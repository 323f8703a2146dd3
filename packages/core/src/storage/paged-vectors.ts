import { checkPage, decodePageChecksums, PAGE_BYTES } from '../format/page-checksums.js';
import type { SectionEntry } from '../format/segment-file.js';
import type { Vfs } from '../fs/vfs.js';
import { readFully } from './segment-originals.js';

/**
 * A segment's vectors section read a page at a time (docs/format/segment.md,
 * "Page checksums"): each {@link PAGE_BYTES} page is checked against its
 * stored CRC-32 where it lands, before anyone can use it.
 */
export interface PagedVectors {
  /** Bytes of the vectors section. */
  readonly lengthBytes: number;
  /**
   * Reads pages [first, first + count) into `dest` (their bytes: count ×
   * PAGE_BYTES, the section's last page may be shorter) with one positional
   * read and checks each. Throws CorruptionError(file, offset of the bad
   * page), or the Vfs's error; `dest` then holds unchecked bytes the caller
   * must not use.
   */
  readPages(first: number, count: number, dest: Uint8Array): void;
  /** Closes the descriptor; later reads throw. Idempotent. */
  close(): void;
}

/**
 * The vectors section `entry` of `file`, with its page checksums `checksums`
 * (the bytes of the page-checksums section, already checked against that
 * section's CRC-32), read through a descriptor of its own held until `close`.
 * Throws CorruptionError when the checksums do not cover the section.
 */
export function openPagedVectors(vfs: Vfs, file: string, entry: SectionEntry, checksums: Uint8Array, checksumsOffset: number): PagedVectors {
  const crcs = decodePageChecksums(checksums, entry.lengthBytes, file, checksumsOffset);
  let fd: number | null = vfs.open(file, 'r');
  return {
    lengthBytes: entry.lengthBytes,
    readPages(first, count, dest) {
      if (fd === null) throw new Error(`segment file ${file} is closed`);
      readFully(vfs, fd, file, entry.offset + first * PAGE_BYTES, dest);
      for (let i = 0; i < count; i++) {
        checkPage(dest.subarray(i * PAGE_BYTES, (i + 1) * PAGE_BYTES), crcs[first + i], first + i, file, entry.offset);
      }
    },
    close() {
      // Closed at most once, even when the close itself fails.
      const open = fd;
      fd = null;
      if (open !== null) vfs.close(open);
    },
  };
}
