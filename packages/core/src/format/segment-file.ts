import { CorruptionError } from '../errors.js';
import type { Metric } from '../types.js';
import { crc32 } from './checksum.js';
import { checkCrc, checkCrcValue, checkMagic, checkVersion, viewOf, writeMagic } from './header.js';

/** Layout in docs/format/segment.md. */
export const SEGMENT_MAGIC = 'OMENSEG';
/**
 * Version 2 = a segment with page checksums of its vectors section (kind
 * {@link SectionKind.PageChecksums}); version 1, without them, is still read.
 */
export const SEGMENT_FORMAT_VERSION = 2;
const PAGED_VERSION = 2;
const HEADER_BYTES = 48;
/** Bytes of the fixed header, before the section table. */
export const SEGMENT_HEADER_BYTES = HEADER_BYTES;
const TABLE_ENTRY_BYTES = 32;
const SECTION_ALIGN = 64;

/** Byte offsets of the header's fields (segment.md, "Header"). */
export const HEADER_AT = {
  magic: 0,
  version: 8,
  sectionCount: 12,
  rows: 16,
  dimension: 20,
  metric: 24,
  /** 16 bytes, zero. */
  reserved: 28,
  /** CRC-32 of bytes 0..44 and of the section table. */
  crc: 44,
} as const;

/** Byte offsets of a section-table entry's fields, from the entry's start (segment.md, "Section table"). */
export const ENTRY_AT = {
  kind: 0,
  /** 4 bytes, zero. */
  reserved: 4,
  offset: 8,
  lengthBytes: 16,
  crc: 24,
  /** 4 bytes, zero. */
  reservedTail: 28,
} as const;

export const enum SectionKind {
  Vectors = 1,
  Ids = 2,
  Metadata = 3,
  Documents = 4,
  Graph = 5,
  /** Quantized codes, one per row (docs/format/quantization.md). */
  Codes = 6,
  /** The quantizer's codebook (docs/format/quantization.md). */
  Codebook = 7,
  /** Full-text postings and doc lengths (docs/format/postings.md; collections with `fullText` only). */
  Postings = 8,
  /** Sparse-vector postings per dimension (docs/format/sparse-postings.md; collections with a sparse-vector index only). */
  SparsePostings = 9,
  /** CRC-32 per 4 KiB page of the vectors section (docs/format/segment.md, "Page checksums"; version 2 only). */
  PageChecksums = 10,
}

const LAST_SECTION_KIND = SectionKind.PageChecksums;

const METRICS: Metric[] = ['l2', 'cosine', 'ip'];

export interface SegmentHeader {
  rows: number;
  dimension: number;
  metric: Metric;
}

export interface SectionRef {
  kind: SectionKind;
  /** Byte offset of the section in the file. */
  offset: number;
  bytes: Uint8Array;
}

/**
 * A segment file as its parts: the header and section table (`table`,
 * written at offset 0) and each section's bytes at its offset, not copied.
 * The gaps between parts are zero bytes, left unwritten (a sparse file
 * reads them as zeros). Written part by part (segment-writer.ts), so a
 * segment never exists twice in memory.
 */
export interface SegmentLayout {
  table: Uint8Array;
  sections: SectionRef[];
  /** Bytes of the whole file. */
  byteLength: number;
}

/**
 * Lays out a segment file: header, section table, 64-byte-aligned sections.
 * Version 2 when the sections hold page checksums, else version 1.
 */
export function layoutSegment(header: SegmentHeader, sections: { kind: SectionKind; bytes: Uint8Array }[]): SegmentLayout {
  const tableBytes = HEADER_BYTES + sections.length * TABLE_ENTRY_BYTES;
  let at = align(tableBytes);
  const placed = sections.map((s) => {
    const offset = at;
    at = align(at + s.bytes.byteLength);
    return { kind: s.kind, offset, bytes: s.bytes };
  });
  const byteLength = placed.length > 0 ? placed[placed.length - 1].offset + placed[placed.length - 1].bytes.byteLength : at;
  // Without sections the table part runs to the first boundary, so the parts still cover the whole file.
  const table = new Uint8Array(placed.length > 0 ? tableBytes : byteLength);
  const view = viewOf(table);
  writeMagic(view, 0, SEGMENT_MAGIC);
  const paged = sections.some((s) => s.kind === SectionKind.PageChecksums);
  view.setUint32(HEADER_AT.version, paged ? PAGED_VERSION : 1, true);
  view.setUint32(HEADER_AT.sectionCount, sections.length, true);
  view.setUint32(HEADER_AT.rows, header.rows, true);
  view.setUint32(HEADER_AT.dimension, header.dimension, true);
  view.setUint32(HEADER_AT.metric, METRICS.indexOf(header.metric), true);
  placed.forEach((s, i) => {
    const entry = HEADER_BYTES + i * TABLE_ENTRY_BYTES;
    view.setUint32(entry + ENTRY_AT.kind, s.kind, true);
    view.setBigUint64(entry + ENTRY_AT.offset, BigInt(s.offset), true);
    view.setBigUint64(entry + ENTRY_AT.lengthBytes, BigInt(s.bytes.byteLength), true);
    view.setUint32(entry + ENTRY_AT.crc, crc32(s.bytes), true);
  });
  view.setUint32(HEADER_AT.crc, headerCrc(table, sections.length), true);
  return { table, sections: placed, byteLength };
}

/** A segment file as one buffer, laid out by {@link layoutSegment}. */
export function encodeSegment(header: SegmentHeader, sections: { kind: SectionKind; bytes: Uint8Array }[]): Uint8Array {
  return segmentBytes(layoutSegment(header, sections));
}

/** The file of `layout` as one buffer. */
export function segmentBytes(layout: SegmentLayout): Uint8Array {
  const out = new Uint8Array(layout.byteLength);
  out.set(layout.table);
  for (const s of layout.sections) out.set(s.bytes, s.offset);
  return out;
}

/** A section as the table describes it; its bytes are checked with {@link checkSection}. */
export interface SectionEntry {
  kind: SectionKind;
  /** Byte offset of the section in the file. */
  offset: number;
  lengthBytes: number;
  /** Stored crc32 of the section bytes. */
  crc: number;
}

/** Bytes of the header and section table, from the file's first {@link SEGMENT_HEADER_BYTES} bytes (its section count). */
export function segmentTableBytes(header: Uint8Array): number {
  return HEADER_BYTES + viewOf(header).getUint32(HEADER_AT.sectionCount, true) * TABLE_ENTRY_BYTES;
}

/**
 * Parses and verifies the header and the section table of a segment file
 * of `fileBytes` bytes, given its first bytes (at least the header, and the
 * whole table when the file holds it): magic, header checksum, version,
 * metric, zero reserved bytes, and every section of a known kind, at most
 * once, 64-byte aligned, after the previous one and inside the file. The
 * sections' own checksums (and the zero gaps between them) are left to
 * {@link checkSection} and {@link decodeSegment}, so a reader can check each
 * section where it lands. Throws CorruptionError at the offset of the bad
 * field.
 */
export function decodeSegmentTable(prefix: Uint8Array, fileBytes: number, file: string): { header: SegmentHeader; sections: SectionEntry[] } {
  checkMagic(prefix, SEGMENT_MAGIC, file);
  if (prefix.byteLength < HEADER_BYTES) throw new CorruptionError(file, 0, 'segment header is truncated');
  const view = viewOf(prefix);
  const count = view.getUint32(HEADER_AT.sectionCount, true);
  const tableEnd = HEADER_BYTES + count * TABLE_ENTRY_BYTES;
  if (tableEnd > fileBytes || tableEnd > prefix.byteLength) {
    throw new CorruptionError(file, HEADER_AT.sectionCount, `section table of ${count} entries runs past the end`);
  }
  checkCrc(headerBytes(prefix, count), view.getUint32(HEADER_AT.crc, true), file, HEADER_AT.crc, 'segment header');
  const version = view.getUint32(HEADER_AT.version, true);
  if (version !== 1) checkVersion(version, SEGMENT_FORMAT_VERSION, file, HEADER_AT.version);
  const metricCode = view.getUint32(HEADER_AT.metric, true);
  const metric = METRICS[metricCode];
  if (!metric) throw new CorruptionError(file, HEADER_AT.metric, `unknown metric code ${metricCode}`);
  checkZero(prefix, HEADER_AT.reserved, HEADER_AT.crc, file, 'reserved header byte');
  const header: SegmentHeader = { rows: view.getUint32(HEADER_AT.rows, true), dimension: view.getUint32(HEADER_AT.dimension, true), metric };
  const sections: SectionEntry[] = [];
  let previousEnd = tableEnd;
  for (let i = 0; i < count; i++) {
    const entry = HEADER_BYTES + i * TABLE_ENTRY_BYTES;
    const kind = view.getUint32(entry + ENTRY_AT.kind, true) as SectionKind;
    if (kind < SectionKind.Vectors || kind > LAST_SECTION_KIND) throw new CorruptionError(file, entry + ENTRY_AT.kind, `unknown section kind ${kind}`);
    if (kind === SectionKind.PageChecksums && version < PAGED_VERSION) {
      throw new CorruptionError(file, entry + ENTRY_AT.kind, `section kind ${kind} in a version ${version} segment`);
    }
    if (sections.some((s) => s.kind === kind)) throw new CorruptionError(file, entry + ENTRY_AT.kind, `section kind ${kind} appears twice`);
    checkZero(prefix, entry + ENTRY_AT.reserved, entry + ENTRY_AT.offset, file, 'reserved section-table byte');
    checkZero(prefix, entry + ENTRY_AT.reservedTail, entry + TABLE_ENTRY_BYTES, file, 'reserved section-table byte');
    const offset = Number(view.getBigUint64(entry + ENTRY_AT.offset, true));
    const lengthBytes = Number(view.getBigUint64(entry + ENTRY_AT.lengthBytes, true));
    if (offset % SECTION_ALIGN !== 0) throw new CorruptionError(file, entry + ENTRY_AT.offset, `section ${kind} at ${offset} is not ${SECTION_ALIGN}-byte aligned`);
    if (offset < previousEnd || offset + lengthBytes > fileBytes) {
      throw new CorruptionError(file, entry + ENTRY_AT.offset, `section ${kind} [${offset}, ${offset + lengthBytes}) is outside the file or before the end of the one it follows`);
    }
    sections.push({ kind, offset, lengthBytes, crc: view.getUint32(entry + ENTRY_AT.crc, true) });
    previousEnd = offset + lengthBytes;
  }
  if (version === PAGED_VERSION && !sections.some((s) => s.kind === SectionKind.PageChecksums)) {
    throw new CorruptionError(file, HEADER_AT.version, `a version ${version} segment without page checksums`);
  }
  return { header, sections };
}

/** Throws CorruptionError unless `bytes`, the section `entry` describes, match its checksum. */
export function checkSection(bytes: Uint8Array, entry: SectionEntry, file: string): void {
  checkSectionCrc(crc32(bytes), entry, file);
}

/** Throws CorruptionError unless the crc32 computed over the section `entry` describes matches its checksum. */
export function checkSectionCrc(actual: number, entry: SectionEntry, file: string): void {
  checkCrcValue(actual, entry.crc, file, entry.offset, `section ${entry.kind}`);
}

/**
 * Parses and verifies a segment file held in memory: header, table, every
 * section checksum, and zero bytes in the alignment gaps. Sections are views
 * into `bytes`. Throws CorruptionError.
 */
export function decodeSegment(bytes: Uint8Array, file: string): { header: SegmentHeader; sections: Map<SectionKind, SectionRef> } {
  const { header, sections: entries } = decodeSegmentTable(bytes, bytes.byteLength, file);
  const sections = new Map<SectionKind, SectionRef>();
  let gapStart = segmentTableBytes(bytes);
  for (const entry of entries) {
    checkZero(bytes, gapStart, entry.offset, file, 'gap byte before a section');
    const section = bytes.subarray(entry.offset, entry.offset + entry.lengthBytes);
    checkSection(section, entry, file);
    sections.set(entry.kind, { kind: entry.kind, offset: entry.offset, bytes: section });
    gapStart = entry.offset + entry.lengthBytes;
  }
  checkZero(bytes, gapStart, bytes.byteLength, file, 'gap byte after the last section');
  return { header, sections };
}

function headerBytes(bytes: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(HEADER_AT.crc + count * TABLE_ENTRY_BYTES);
  out.set(bytes.subarray(0, HEADER_AT.crc));
  out.set(bytes.subarray(HEADER_BYTES, HEADER_BYTES + count * TABLE_ENTRY_BYTES), HEADER_AT.crc);
  return out;
}

/** Throws CorruptionError at the first byte in [from, to) of `bytes` that is not zero. */
function checkZero(bytes: Uint8Array, from: number, to: number, file: string, what: string): void {
  for (let at = from; at < to; at++) if (bytes[at] !== 0) throw new CorruptionError(file, at, `${what} is not zero`);
}

function headerCrc(bytes: Uint8Array, count: number): number {
  return crc32(headerBytes(bytes, count));
}

function align(n: number): number {
  return Math.ceil(n / SECTION_ALIGN) * SECTION_ALIGN;
}
