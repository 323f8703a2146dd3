import { CorruptionError } from '../errors.js';
import type { Metric } from '../types.js';
import { crc32 } from './checksum.js';
import { checkCrc, checkCrcValue, checkMagic, checkVersion, viewOf, writeMagic } from './header.js';

/** Layout in docs/format/segment.md. */
export const SEGMENT_MAGIC = 'OMENSEG';
export const SEGMENT_FORMAT_VERSION = 1;
const HEADER_BYTES = 48;
/** Bytes of the fixed header, before the section table. */
export const SEGMENT_HEADER_BYTES = HEADER_BYTES;
const TABLE_ENTRY_BYTES = 32;
const SECTION_ALIGN = 64;

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
}

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

/** Lays out a segment file: header, section table, 64-byte-aligned sections. */
export function encodeSegment(header: SegmentHeader, sections: { kind: SectionKind; bytes: Uint8Array }[]): Uint8Array {
  let at = align(HEADER_BYTES + sections.length * TABLE_ENTRY_BYTES);
  const offsets = sections.map((s) => {
    const offset = at;
    at = align(at + s.bytes.byteLength);
    return offset;
  });
  const last = sections.length > 0 ? offsets[sections.length - 1] + sections[sections.length - 1].bytes.byteLength : at;
  const out = new Uint8Array(last);
  const view = viewOf(out);
  writeMagic(view, 0, SEGMENT_MAGIC);
  view.setUint32(8, SEGMENT_FORMAT_VERSION, true);
  view.setUint32(12, sections.length, true);
  view.setUint32(16, header.rows, true);
  view.setUint32(20, header.dimension, true);
  view.setUint32(24, METRICS.indexOf(header.metric), true);
  sections.forEach((s, i) => {
    const entry = HEADER_BYTES + i * TABLE_ENTRY_BYTES;
    view.setUint32(entry, s.kind, true);
    view.setBigUint64(entry + 8, BigInt(offsets[i]), true);
    view.setBigUint64(entry + 16, BigInt(s.bytes.byteLength), true);
    view.setUint32(entry + 24, crc32(s.bytes), true);
    out.set(s.bytes, offsets[i]);
  });
  view.setUint32(44, headerCrc(out, sections.length), true);
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
  return HEADER_BYTES + viewOf(header).getUint32(12, true) * TABLE_ENTRY_BYTES;
}

/**
 * Parses and verifies the header and the section table of a segment file
 * of `fileBytes` bytes, given its first bytes (at least the header, and the
 * whole table when the file holds it): magic, header checksum, version,
 * metric, and every section inside the file. The sections' own checksums
 * are left to {@link checkSection}, so a reader can check each section
 * where it lands. Throws CorruptionError.
 */
export function decodeSegmentTable(prefix: Uint8Array, fileBytes: number, file: string): { header: SegmentHeader; sections: SectionEntry[] } {
  checkMagic(prefix, SEGMENT_MAGIC, file);
  if (prefix.byteLength < HEADER_BYTES) throw new CorruptionError(file, 0, 'segment header is truncated');
  const view = viewOf(prefix);
  const count = view.getUint32(12, true);
  const tableEnd = HEADER_BYTES + count * TABLE_ENTRY_BYTES;
  if (tableEnd > fileBytes || tableEnd > prefix.byteLength) throw new CorruptionError(file, 12, `section table of ${count} entries runs past the end`);
  checkCrc(headerBytes(prefix, count), view.getUint32(44, true), file, 44, 'segment header');
  checkVersion(view.getUint32(8, true), SEGMENT_FORMAT_VERSION, file, 8);
  const metricCode = view.getUint32(24, true);
  const metric = METRICS[metricCode];
  if (!metric) throw new CorruptionError(file, 24, `unknown metric code ${metricCode}`);
  const header: SegmentHeader = { rows: view.getUint32(16, true), dimension: view.getUint32(20, true), metric };
  const sections: SectionEntry[] = [];
  for (let i = 0; i < count; i++) {
    const entry = HEADER_BYTES + i * TABLE_ENTRY_BYTES;
    const kind = view.getUint32(entry, true) as SectionKind;
    const offset = Number(view.getBigUint64(entry + 8, true));
    const lengthBytes = Number(view.getBigUint64(entry + 16, true));
    if (offset < tableEnd || offset + lengthBytes > fileBytes) {
      throw new CorruptionError(file, entry + 8, `section ${kind} [${offset}, ${offset + lengthBytes}) is outside the file`);
    }
    sections.push({ kind, offset, lengthBytes, crc: view.getUint32(entry + 24, true) });
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
 * Parses and verifies a segment file held in memory: header, table and every
 * section checksum. Sections are views into `bytes`. Throws CorruptionError.
 */
export function decodeSegment(bytes: Uint8Array, file: string): { header: SegmentHeader; sections: Map<SectionKind, SectionRef> } {
  const { header, sections: entries } = decodeSegmentTable(bytes, bytes.byteLength, file);
  const sections = new Map<SectionKind, SectionRef>();
  for (const entry of entries) {
    const section = bytes.subarray(entry.offset, entry.offset + entry.lengthBytes);
    checkSection(section, entry, file);
    sections.set(entry.kind, { kind: entry.kind, offset: entry.offset, bytes: section });
  }
  return { header, sections };
}

function headerBytes(bytes: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(44 + count * TABLE_ENTRY_BYTES);
  out.set(bytes.subarray(0, 44));
  out.set(bytes.subarray(HEADER_BYTES, HEADER_BYTES + count * TABLE_ENTRY_BYTES), 44);
  return out;
}

function headerCrc(bytes: Uint8Array, count: number): number {
  return crc32(headerBytes(bytes, count));
}

function align(n: number): number {
  return Math.ceil(n / SECTION_ALIGN) * SECTION_ALIGN;
}
