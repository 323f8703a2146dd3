/**
 * Page checksums of a vectors section (docs/format/segment.md, "Page
 * checksums") byte for byte, the version rule they bring (version 2 exactly
 * when the section is present), and the checks on them: a length that does
 * not cover the vectors, or a page whose bytes do not match, is a
 * CorruptionError at the offset the page says.
 */
import { describe, expect, it } from 'vitest';
import { checkAllPages, decodePageChecksums, encodePageChecksums, PAGE_BYTES } from '../src/format/page-checksums.js';
import { decodeSegment, encodeSegment, HEADER_AT, SectionKind } from '../src/format/segment-file.js';
import { Findings } from '../src/cli/verify/report.js';
import { verifySegment } from '../src/cli/verify/verify-segment.js';
import { concat, corruptionAt, crc, hex, patched, u32, u8 } from './helpers/golden-bytes.js';

const FILE = 'segments/1/segment.bin';
// Two full pages and a short third one: the last page covers the rest.
const SECTION = Uint8Array.from({ length: 2 * PAGE_BYTES + 10 }, (_, i) => (i * 7 + 3) & 0xff);

describe('page checksums', () => {
  it('are the CRC-32 of each 4096-byte page, little-endian u32, the last page short', () => {
    const expected = concat(crc(SECTION.subarray(0, 4096)), crc(SECTION.subarray(4096, 8192)), crc(SECTION.subarray(8192)));
    expect(hex(encodePageChecksums(SECTION))).toBe(hex(expected));
    expect(Array.from(decodePageChecksums(expected, SECTION.byteLength, FILE, 0))).toEqual([0, 4, 8].map((at) => new DataView(expected.buffer).getUint32(at, true)));
    expect(encodePageChecksums(new Uint8Array(0)).byteLength).toBe(0);
  });

  it('a length that does not cover the section is a CorruptionError at the checksums section', () => {
    const sums = encodePageChecksums(SECTION);
    expect(corruptionAt(FILE, () => decodePageChecksums(sums.subarray(0, 8), SECTION.byteLength, FILE, 640))).toBe(640);
  });

  it('a damaged page is a CorruptionError at the first byte of that page', () => {
    const sums = encodePageChecksums(SECTION);
    expect(() => checkAllPages(SECTION, 128, sums, 640, FILE)).not.toThrow();
    for (const [at, page] of [
      [5, 0],
      [PAGE_BYTES + 17, 1],
      [2 * PAGE_BYTES + 9, 2],
    ]) {
      const damaged = patched(SECTION, at, u8(SECTION[at] ^ 0x20));
      expect(corruptionAt(FILE, () => checkAllPages(damaged, 128, sums, 640, FILE))).toBe(128 + page * PAGE_BYTES);
    }
  });
});

describe('segment version 2', () => {
  const vectors = SECTION.subarray(0, 2 * PAGE_BYTES);
  const header = { rows: 2, dimension: 1024, metric: 'l2' as const };
  const withPages = encodeSegment(header, [
    { kind: SectionKind.Vectors, bytes: vectors },
    { kind: SectionKind.PageChecksums, bytes: encodePageChecksums(vectors) },
  ]);
  const withoutPages = encodeSegment(header, [{ kind: SectionKind.Vectors, bytes: vectors }]);

  it('is written exactly when the page checksums are, and both versions are read', () => {
    expect(hex(withPages.subarray(HEADER_AT.version, HEADER_AT.version + 4))).toBe(hex(u32(2)));
    expect(hex(withoutPages.subarray(HEADER_AT.version, HEADER_AT.version + 4))).toBe(hex(u32(1)));
    expect(decodeSegment(withPages, FILE).sections.has(SectionKind.PageChecksums)).toBe(true);
    expect(decodeSegment(withoutPages, FILE).sections.size).toBe(1);
  });

  it('a version-2 header without page checksums, or page checksums in version 1, is a CorruptionError', () => {
    const reseal = (bytes: Uint8Array) => {
      // The header CRC covers bytes 0..44 and the table; recomputed so only the version rule can fail.
      const count = new DataView(bytes.buffer, bytes.byteOffset).getUint32(HEADER_AT.sectionCount, true);
      const covered = concat(bytes.subarray(0, HEADER_AT.crc), bytes.subarray(48, 48 + count * 32));
      return patched(bytes, HEADER_AT.crc, crc(covered));
    };
    expect(corruptionAt(FILE, () => decodeSegment(reseal(patched(withoutPages, HEADER_AT.version, u32(2))), FILE))).toBe(HEADER_AT.version);
    expect(corruptionAt(FILE, () => decodeSegment(reseal(patched(withPages, HEADER_AT.version, u32(1))), FILE))).toBe(48 + 32);
    expect(corruptionAt(FILE, () => decodeSegment(reseal(patched(withPages, HEADER_AT.version, u32(3))), FILE))).toBe(HEADER_AT.version);
  });
});

describe('omendb verify', () => {
  it('reports page checksums that disagree with a vectors section whose own CRC-32 holds, at the page', () => {
    const rows = 24;
    const dimension = 128; // 12 KiB of vectors: three pages
    const vectors = new Float32Array(rows * dimension).map((_, i) => Math.sin(i));
    const bytes = new Uint8Array(vectors.buffer);
    const sums = encodePageChecksums(bytes);
    sums[4] ^= 0x01; // page 1's stored checksum
    const file = encodeSegment({ rows, dimension, metric: 'l2' }, [
      { kind: SectionKind.Vectors, bytes },
      { kind: SectionKind.PageChecksums, bytes: sums },
    ]);
    const findings = new Findings();
    verifySegment(file, FILE, { rows, dimension, metric: 'l2', hnsw: { M: 16, efConstruction: 200, efSearch: 64 } }, findings);
    const vectorsAt = decodeSegment(file, FILE).sections.get(SectionKind.Vectors)!.offset;
    const pageProblems = findings.problems.filter((p) => /page 1 checksum/.test(p.message));
    expect(pageProblems.map((p) => [p.severity, p.offset])).toEqual([['error', vectorsAt + PAGE_BYTES]]);
  });
});
