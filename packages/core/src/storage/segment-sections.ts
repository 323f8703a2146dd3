import { CorruptionError } from '../errors.js';
import {
  checkSection,
  decodeSegmentTable,
  SEGMENT_HEADER_BYTES,
  type SectionEntry,
  SectionKind,
  type SegmentHeader,
  type SegmentLayout,
  segmentTableBytes,
} from '../format/segment-file.js';
import { adviseHugePages, releaseMappedPages } from '../fs/mmap.js';
import type { Vfs } from '../fs/vfs.js';
import { originalsFromBytes, type OriginalVectors } from './original-vectors.js';
import { openPagedVectors, type PagedVectors } from './paged-vectors.js';
import { openSegmentOriginals, readFully } from './segment-originals.js';

/**
 * The sections of one segment file (docs/format/segment.md), each handed
 * out only after its crc32 matched: as bytes of its own (`read`), written
 * straight into a destination the caller owns (`readInto`, used to put the
 * vectors section directly into an index's memory and check it there), or
 * left in the file and read row by row (`originals`, for quantized segments).
 */
export interface SegmentSections {
  readonly header: SegmentHeader;
  /** Bytes of the whole file. */
  readonly fileBytes: number;
  /** Kind → its table entry, for the sections present. */
  readonly entries: ReadonlyMap<SectionKind, SectionEntry>;
  /** The section's checked bytes (a view: read it, do not keep it past the segment's opening). */
  read(entry: SectionEntry): Uint8Array;
  /** Writes the section into `dest` (exactly its length) and checks it there. */
  readInto(entry: SectionEntry, dest: Uint8Array): void;
  /** The vectors section `entry` as rows read on demand (a quantized segment's originals), checked once. */
  originals(entry: SectionEntry, rows: number, dimension: number): OriginalVectors;
  /**
   * The vectors section `entry` read page by page, each page checked against
   * the page-checksums section `checksums` (version 2 files; see
   * paged-vectors.ts). Absent for a file held in memory, checked up front.
   */
  paged?(entry: SectionEntry, checksums: SectionEntry): PagedVectors;
  /** Called once the segment is open: views from `read` are not used after it. */
  done?(): void;
}

/**
 * Sections of a segment file held in memory, as one buffer or as the parts
 * a writer just wrote (see SegmentLayout): every checksum is verified up front.
 */
export function sectionsInMemory(file: Uint8Array | SegmentLayout, name: string): SegmentSections {
  const whole = file instanceof Uint8Array ? file : null;
  const layout = file instanceof Uint8Array ? null : file;
  const fileBytes = file.byteLength;
  const { header, sections } = decodeSegmentTable(whole ?? layout!.table, fileBytes, name);
  // The table lists the sections in the order they were laid out (a section may be empty, sharing its offset).
  const parts = new Map(sections.map((entry, i) => [entry, layout?.sections[i]] as const));
  const view = (entry: SectionEntry) => {
    if (whole) return whole.subarray(entry.offset, entry.offset + entry.lengthBytes);
    const part = parts.get(entry);
    if (part === undefined || part.offset !== entry.offset || part.bytes.byteLength !== entry.lengthBytes) {
      throw new CorruptionError(name, entry.offset, 'section is not where the table puts it');
    }
    return part.bytes;
  };
  for (const entry of sections) checkSection(view(entry), entry, name);
  const entries = new Map(sections.map((entry) => [entry.kind, entry] as const));
  return {
    header,
    fileBytes,
    entries,
    read: view,
    readInto: (entry, dest) => dest.set(view(entry)),
    originals: (entry, _rows, dimension) => originalsFromBytes(view(entry), dimension),
  };
}

/**
 * Sections of the segment file at `file`, read only when asked for: the
 * header and table are read and checked at once, each section's crc32 is
 * computed over the bytes where they land (`readInto`: in the destination)
 * or where they are read (`read`). Read from a read-only mapping of the
 * file when `vfs.mapReadOnly` gives one, else with positional reads through
 * `vfs` (open `fd` for reading; the caller closes it). The mapping is why
 * open is quick: a section the caller only parses and copies (the graph,
 * codes) is read where the OS page cache holds it instead of into fresh
 * memory first, whose every page the kernel must fault in and zero (≈ 14 µs
 * a 4 KiB page on the 2-core VM the benches run on). `readInto` still uses
 * a positional read, mapping or not: see {@link sectionsMapped}. The
 * mapping is dropped with the last view of it, once the segment is open.
 * Throws CorruptionError, or the Vfs's error when a read fails.
 */
export function sectionsInFile(vfs: Vfs, fd: number, file: string): SegmentSections {
  // A descriptor (or mapping) of its own: the segment keeps reading after this one is closed.
  const originals = (entry: SectionEntry, rows: number, dimension: number) => openSegmentOriginals(vfs, file, entry, rows, dimension);
  const readAt = (position: number, dest: Uint8Array) => readFully(vfs, fd, file, position, dest);
  const mapping = vfs.mapReadOnly?.(file) ?? null;
  if (mapping !== null) {
    const sections = sectionsMapped(mapping, file, readAt, originals);
    return { ...sections, paged: (entry, checksums) => openPagedVectors(vfs, file, entry, sections.read(checksums), checksums.offset) };
  }
  const fileBytes = vfs.sizeOf(file);
  if (fileBytes === undefined) throw new CorruptionError(file, 0, 'segment file is missing');
  const first = new Uint8Array(Math.min(SEGMENT_HEADER_BYTES, fileBytes));
  readAt(0, first);
  // A header too short for its count is reported by decodeSegmentTable, as for a file in memory.
  const prefix = first.byteLength < SEGMENT_HEADER_BYTES ? first : new Uint8Array(Math.min(segmentTableBytes(first), fileBytes));
  if (prefix !== first) readAt(0, prefix);
  const { header, sections } = decodeSegmentTable(prefix, fileBytes, file);
  const entries = new Map(sections.map((entry) => [entry.kind, entry] as const));
  const readInto = (entry: SectionEntry, dest: Uint8Array) => {
    adviseHugePages(new Uint8Array(dest.buffer));
    readAt(entry.offset, dest);
    checkSection(dest, entry, file);
  };
  const read = (entry: SectionEntry) => {
    const bytes = new Uint8Array(entry.lengthBytes);
    readInto(entry, bytes);
    return bytes;
  };
  return {
    header,
    fileBytes,
    entries,
    read,
    readInto,
    originals,
    paged: (entry, checksums) => openPagedVectors(vfs, file, entry, read(checksums), checksums.offset),
  };
}

/**
 * Sections of a segment file mapped read-only (see {@link sectionsInFile}):
 * each checked when it is read, the vectors where they land in `readInto`.
 * `read` gives a view of the mapping. `readInto` first asks for huge pages
 * for the whole memory `dest` lies in (an index's memory about to be
 * written in full: the vectors now, the links next; see adviseHugePages),
 * then fills it with a positional read (`readAt`), not from the mapping:
 * copying out of a mapping faults every page of it into the process's page
 * tables first (one fault per 64 KiB folio here), which a read(2) from the
 * page cache skips. Measured on the 1M × 128 segment of
 * bench/open-time.ts (512 MB of vectors, page cache warm, huge-page
 * memory, 6 fresh processes each, 2-core VM under load): 394–994 ms CPU
 * copying from the mapping, 104–282 ms reading.
 */
function sectionsMapped(
  mapping: Uint8Array,
  file: string,
  readAt: (position: number, dest: Uint8Array) => void,
  originals: SegmentSections['originals'],
): SegmentSections {
  const { header, sections } = decodeSegmentTable(mapping, mapping.byteLength, file);
  const view = (entry: SectionEntry) => mapping.subarray(entry.offset, entry.offset + entry.lengthBytes);
  return {
    header,
    fileBytes: mapping.byteLength,
    entries: new Map(sections.map((entry) => [entry.kind, entry] as const)),
    read: (entry) => {
      const bytes = view(entry);
      checkSection(bytes, entry, file);
      return bytes;
    },
    readInto: (entry, dest) => {
      adviseHugePages(new Uint8Array(dest.buffer));
      readAt(entry.offset, dest);
      checkSection(dest, entry, file);
    },
    originals,
    // The mapped pages read at open leave the RSS now rather than when the mapping is collected.
    done: () => releaseMappedPages(mapping),
  };
}
