/** The FORMAT file, byte for byte as docs/format/database.md lays it out, and every rule its decoder enforces. */
import { describe, expect, it } from 'vitest';
import { decodeDatabaseFile, encodeDatabaseFile } from '../src/format/database-file.js';
import { concat, corruptionAt, crc, hex, magic, patched, u32 } from './helpers/golden-bytes.js';

const FILE = 'FORMAT';

describe('FORMAT (database.md)', () => {
  it('is magic, version 2 and the CRC-32 of bytes 0..12: 16 bytes in all; version 1 (no CATALOG) still decodes', () => {
    const head = concat(magic('OMENDB'), u32(2));
    const expected = concat(head, crc(head));
    expect(hex(encodeDatabaseFile())).toBe(hex(expected));
    expect(hex(expected)).toBe('4f4d454e4442000002000000bbce779e');
    expect(decodeDatabaseFile(expected, FILE)).toBe(2);
    const v1 = concat(magic('OMENDB'), u32(1));
    expect(hex(concat(v1, crc(v1)))).toBe('4f4d454e44420000010000005561c28c');
    expect(decodeDatabaseFile(concat(v1, crc(v1)), FILE)).toBe(1);
  });

  it('raises CorruptionError at the offset of the bad field', () => {
    const good = encodeDatabaseFile();
    expect(corruptionAt(FILE, () => decodeDatabaseFile(patched(good, 3, Uint8Array.of(0x58)), FILE))).toBe(0);
    expect(corruptionAt(FILE, () => decodeDatabaseFile(patched(good, 12, u32(0)), FILE))).toBe(12);
    // A newer version with a matching checksum: refused at the version field.
    const v3 = concat(magic('OMENDB'), u32(3));
    expect(corruptionAt(FILE, () => decodeDatabaseFile(concat(v3, crc(v3)), FILE))).toBe(8);
    expect(corruptionAt(FILE, () => decodeDatabaseFile(good.subarray(0, 4), FILE))).toBe(0);
    expect(corruptionAt(FILE, () => decodeDatabaseFile(good.subarray(0, 12), FILE))).toBe(12);
    expect(corruptionAt(FILE, () => decodeDatabaseFile(concat(good, Uint8Array.of(0)), FILE))).toBe(17);
  });
});
