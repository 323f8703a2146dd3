/**
 * Segment files byte for byte as docs/format/segment.md lays them out — the
 * header, the section table, 64-byte-aligned sections with zero gaps — and
 * every rule of the page the decoder enforces, each a CorruptionError at the
 * offset of the bad field.
 */
import { describe, expect, it } from 'vitest';
import { decodeSegment, decodeSegmentTable, encodeSegment, ENTRY_AT, HEADER_AT, layoutSegment, SectionKind } from '../src/format/segment-file.js';
import { concat, corruptionAt, crc, hex, magic, patched, u32, u64, u8, zeros } from './helpers/golden-bytes.js';

const FILE = 'segments/1/segment.bin';
const VECTORS = Float32Array.of(1, -2, 0.5, 4); // 2 rows × 2
const IDS = concat(u32(2), Uint8Array.of(1, 1, 0, 0), u32(0), u32(1), u32(3), Uint8Array.of(0x61, 0x62, 0x63)); // blob list ["a", "bc"]

function encoded(): Uint8Array {
  const vectors = new Uint8Array(VECTORS.buffer);
  return encodeSegment({ rows: 2, dimension: 2, metric: 'cosine' }, [
    { kind: SectionKind.Vectors, bytes: vectors },
    { kind: SectionKind.Ids, bytes: IDS },
  ]);
}

/** The header field values at 0..44, then the table: the CRC at 44 covers both. */
function expectedFile(): Uint8Array {
  const vectors = new Uint8Array(VECTORS.buffer);
  const fields = concat(magic('OMENSEG'), u32(1), u32(2), u32(2), u32(2), u32(1), zeros(16));
  const table = concat(
    concat(u32(1), zeros(4), u64(128), u64(16), crc(vectors), zeros(4)),
    concat(u32(2), zeros(4), u64(192), u64(IDS.byteLength), crc(IDS), zeros(4)),
  );
  // Header 48 + table 64 = 112, so the first section starts at 128 and the second at 192.
  return concat(fields, crc(fields, table), table, zeros(16), vectors, zeros(48), IDS);
}

/** `bytes` with the header CRC recomputed, so that a check behind it is reached. */
function resealed(bytes: Uint8Array): Uint8Array {
  const count = new DataView(bytes.buffer, bytes.byteOffset).getUint32(HEADER_AT.sectionCount, true);
  return patched(bytes, HEADER_AT.crc, crc(bytes.subarray(0, 44), bytes.subarray(48, 48 + 32 * count)));
}

const entry = (i: number, field: keyof typeof ENTRY_AT) => 48 + 32 * i + ENTRY_AT[field];

describe('segment file (segment.md)', () => {
  it('header, section table and aligned sections, byte for byte', () => {
    const bytes = encoded();
    expect(hex(bytes)).toBe(hex(expectedFile()));
    const { header, sections } = decodeSegment(bytes, FILE);
    expect(header).toEqual({ rows: 2, dimension: 2, metric: 'cosine' });
    expect([...sections.values()].map((s) => [s.kind, s.offset, s.bytes.byteLength])).toEqual([
      [SectionKind.Vectors, 128, 16],
      [SectionKind.Ids, 192, IDS.byteLength],
    ]);
  });

  it('laid out in parts: the table at 0, each section as given (not a copy) at its offset, zero gaps unwritten', () => {
    const vectors = new Uint8Array(VECTORS.buffer);
    const layout = layoutSegment({ rows: 2, dimension: 2, metric: 'cosine' }, [
      { kind: SectionKind.Vectors, bytes: vectors },
      { kind: SectionKind.Ids, bytes: IDS },
    ]);
    expect(layout.sections.map((s) => [s.kind, s.offset])).toEqual([
      [SectionKind.Vectors, 128],
      [SectionKind.Ids, 192],
    ]);
    expect(layout.sections[0].bytes).toBe(vectors);
    expect(layout.sections[1].bytes).toBe(IDS);
    // Written part by part over zeros (a sparse file), the parts make the file byte for byte.
    const file = new Uint8Array(layout.byteLength);
    file.set(layout.table, 0);
    for (const s of layout.sections) file.set(s.bytes, s.offset);
    expect(hex(file)).toBe(hex(expectedFile()));
    // Without sections, the table part alone is the whole (padded) file.
    const empty = layoutSegment({ rows: 0, dimension: 3, metric: 'ip' }, []);
    expect(empty.sections).toEqual([]);
    expect(empty.table.byteLength).toBe(empty.byteLength);
    expect(hex(empty.table)).toBe(hex(encodeSegment({ rows: 0, dimension: 3, metric: 'ip' }, [])));
  });

  it('an empty segment is the header, padded to the first boundary', () => {
    const fields = concat(magic('OMENSEG'), u32(1), u32(0), u32(0), u32(3), u32(2), zeros(16));
    const bytes = encodeSegment({ rows: 0, dimension: 3, metric: 'ip' }, []);
    expect(hex(bytes)).toBe(hex(concat(fields, crc(fields), zeros(16))));
    expect(decodeSegment(bytes, FILE).sections.size).toBe(0);
  });

  const good = encoded();
  const at = (bytes: Uint8Array) => corruptionAt(FILE, () => decodeSegment(bytes, FILE));
  const cases: [string, Uint8Array, number][] = [
    ['bad magic', patched(good, 1, u8(0)), 0],
    ['truncated header', good.subarray(0, 40), 0],
    ['a table running past the end', resealed(patched(good, HEADER_AT.sectionCount, u32(1000))), HEADER_AT.sectionCount],
    ['a header checksum mismatch', patched(good, HEADER_AT.rows, u32(3)), HEADER_AT.crc],
    ['a table checksum mismatch', patched(good, entry(1, 'lengthBytes'), u64(1)), HEADER_AT.crc],
    ['another version', resealed(patched(good, HEADER_AT.version, u32(2))), HEADER_AT.version],
    ['an unknown metric', resealed(patched(good, HEADER_AT.metric, u32(3))), HEADER_AT.metric],
    ['a reserved header byte not zero', resealed(patched(good, HEADER_AT.reserved + 5, u8(1))), HEADER_AT.reserved + 5],
    ['an unknown section kind', resealed(patched(good, entry(1, 'kind'), u32(10))), entry(1, 'kind')],
    ['a kind twice', resealed(patched(good, entry(1, 'kind'), u32(1))), entry(1, 'kind')],
    ['a reserved table byte not zero', resealed(patched(good, entry(0, 'reserved') + 2, u8(1))), entry(0, 'reserved') + 2],
    ['a reserved table tail byte not zero', resealed(patched(good, entry(1, 'reservedTail'), u8(1))), entry(1, 'reservedTail')],
    ['a section not 64-byte aligned', resealed(patched(good, entry(1, 'offset'), u64(160))), entry(1, 'offset')],
    ['a section before the end of the previous one', resealed(patched(good, entry(1, 'offset'), u64(128))), entry(1, 'offset')],
    ['a section inside the table', resealed(patched(good, entry(0, 'offset'), u64(64))), entry(0, 'offset')],
    ['a section past the end', resealed(patched(good, entry(1, 'lengthBytes'), u64(IDS.byteLength + 1))), entry(1, 'offset')],
    ['a section checksum mismatch', patched(good, 130, u8(0x55)), 128],
    ['a gap byte not zero', patched(good, 150, u8(1)), 150],
    ['a padding byte after the table not zero', patched(good, 120, u8(1)), 120],
    ['garbage after the last section', concat(good, u8(7)), good.byteLength],
  ];
  it.each(cases)('raises CorruptionError for %s, at its offset', (_, bytes, offset) => {
    expect(at(bytes)).toBe(offset);
  });

  it('the table alone (sections read in place) is checked the same way', () => {
    const prefix = resealed(patched(good, entry(1, 'offset'), u64(160))).subarray(0, 112);
    expect(corruptionAt(FILE, () => decodeSegmentTable(prefix, good.byteLength, FILE))).toBe(entry(1, 'offset'));
    expect(decodeSegmentTable(good.subarray(0, 112), good.byteLength, FILE).sections.map((s) => s.offset)).toEqual([128, 192]);
  });
});
