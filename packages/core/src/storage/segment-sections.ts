import { CorruptionError } from '../errors.js';
import {
  checkSection,
  decodeSegmentTable,
  SEGMENT_HEADER_BYTES,
  type SectionEntry,
  SectionKind,
  type SegmentHeader,
  segmentTableBytes,
} from '../format/segment-file.js';
import type { Vfs } from '../fs/vfs.js';
import { originalsFromBytes, type OriginalVectors } from './original-vectors.js';
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
}

/** Sections of a segment file held in memory (just encoded): every checksum is verified up front. */
export function sectionsInMemory(bytes: Uint8Array, file: string): SegmentSections {
  const { header, sections } = decodeSegmentTable(bytes, bytes.byteLength, file);
  const view = (entry: SectionEntry) => bytes.subarray(entry.offset, entry.offset + entry.lengthBytes);
  for (const entry of sections) checkSection(view(entry), entry, file);
  const entries = new Map(sections.map((entry) => [entry.kind, entry] as const));
  return {
    header,
    fileBytes: bytes.byteLength,
    entries,
    read: view,
    readInto: (entry, dest) => dest.set(view(entry)),
    originals: (entry, _rows, dimension) => originalsFromBytes(view(entry), dimension),
  };
}

/**
 * Sections of the segment file at `file`, read with positional reads through
 * `vfs` (open `fd` for reading; the caller closes it) only when asked for:
 * the header and table are read and checked at once, each section's crc32
 * is computed over the bytes where they land. Throws CorruptionError, or the
 * Vfs's error when a read fails.
 */
export function sectionsInFile(vfs: Vfs, fd: number, file: string): SegmentSections {
  const fileBytes = vfs.sizeOf(file);
  if (fileBytes === undefined) throw new CorruptionError(file, 0, 'segment file is missing');
  const readAt = (position: number, dest: Uint8Array) => readFully(vfs, fd, file, position, dest);
  const first = new Uint8Array(Math.min(SEGMENT_HEADER_BYTES, fileBytes));
  readAt(0, first);
  // A header too short for its count is reported by decodeSegmentTable, as for a file in memory.
  const prefix = first.byteLength < SEGMENT_HEADER_BYTES ? first : new Uint8Array(Math.min(segmentTableBytes(first), fileBytes));
  if (prefix !== first) readAt(0, prefix);
  const { header, sections } = decodeSegmentTable(prefix, fileBytes, file);
  const entries = new Map(sections.map((entry) => [entry.kind, entry] as const));
  const readInto = (entry: SectionEntry, dest: Uint8Array) => {
    readAt(entry.offset, dest);
    checkSection(dest, entry, file);
  };
  return {
    header,
    fileBytes,
    entries,
    read: (entry) => {
      const bytes = new Uint8Array(entry.lengthBytes);
      readInto(entry, bytes);
      return bytes;
    },
    readInto,
    // A descriptor (or mapping) of its own: the segment keeps reading after this one is closed.
    originals: (entry, rows, dimension) => openSegmentOriginals(vfs, file, entry, rows, dimension),
  };
}
