/**
 * CATALOG byte for byte against docs/format/catalog.md (golden bytes computed
 * from the table with zlib's CRC-32), and every rule the decoder enforces.
 * FORMAT is pinned in format-database.test.ts.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CorruptionError } from '../src/index.js';
import { decodeCatalog, encodeCatalog } from '../src/format/catalog.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

// magic OMENCATL | version 1 | count 2 | 02 "ab" | 03 "xyz" | CRC-32 of all before it
const TWO_IDS = '4f4d454e4341544c01000000020000000261620378797a6320c637';
const EMPTY = '4f4d454e4341544c0100000000000000f3a263ec';

function corruption(fn: () => unknown): CorruptionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CorruptionError);
    return err as CorruptionError;
  }
  throw new Error('expected a CorruptionError');
}

/** A catalog with a valid checksum over whatever `body` holds (header + entries). */
function sealed(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.byteLength + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.byteLength, crc32(body), true);
  return out;
}

describe('CATALOG (catalog.md)', () => {
  it('encodes to the documented bytes and decodes back', () => {
    expect(hex(encodeCatalog(['ab', 'xyz']))).toBe(TWO_IDS);
    expect(hex(encodeCatalog([]))).toBe(EMPTY);
    expect(decodeCatalog(bytes(TWO_IDS), 'CATALOG')).toEqual(['ab', 'xyz']);
    expect(decodeCatalog(bytes(EMPTY), 'CATALOG')).toEqual([]);
  });

  it('refuses a bad magic, checksum, version, count, length or id, at the offset of the bad field', () => {
    const good = bytes(TWO_IDS);
    const flipped = (at: number) => {
      const b = good.slice();
      b[at] ^= 1;
      return b;
    };
    expect(corruption(() => decodeCatalog(flipped(0), 'C')).offset).toBe(0);
    // Any other flipped byte fails the checksum, stored in the last 4 bytes.
    for (const at of [8, 12, 16, 20, good.byteLength - 1]) expect(corruption(() => decodeCatalog(flipped(at), 'C')).offset).toBe(good.byteLength - 4);
    expect(corruption(() => decodeCatalog(good.subarray(0, 18), 'C')).file).toBe('C');
    const header = (version: number, count: number) => {
      const h = new Uint8Array(16);
      h.set(Buffer.from('OMENCATL'));
      new DataView(h.buffer).setUint32(8, version, true);
      new DataView(h.buffer).setUint32(12, count, true);
      return h;
    };
    const withEntries = (version: number, count: number, entries: number[]) => sealed(new Uint8Array([...header(version, count), ...entries]));
    expect(corruption(() => decodeCatalog(withEntries(2, 0, []), 'C')).offset).toBe(8);
    expect(corruption(() => decodeCatalog(withEntries(1, 2, [1, 0x61]), 'C')).offset).toBe(18);
    expect(corruption(() => decodeCatalog(withEntries(1, 1, [0]), 'C')).offset).toBe(16);
    expect(corruption(() => decodeCatalog(withEntries(1, 1, [5, 0x61]), 'C')).offset).toBe(16);
    expect(corruption(() => decodeCatalog(withEntries(1, 1, [1, 0x61, 0x62]), 'C')).offset).toBe(18);
    expect(corruption(() => decodeCatalog(withEntries(1, 2, [1, 0x61, 1, 0x61]), 'C')).message).toMatch(/listed twice/);
    expect(corruption(() => decodeCatalog(withEntries(1, 1, [2, 0x2e, 0x2e]), 'C')).message).toMatch(/not a directory name/);
    expect(corruption(() => decodeCatalog(withEntries(1, 1, [1, 0xff]), 'C')).message).toMatch(/not UTF-8/);
  });

  it('refuses ids that are not directory names when encoding', () => {
    expect(() => encodeCatalog([''])).toThrow(RangeError);
    expect(() => encodeCatalog(['x'.repeat(256)])).toThrow(RangeError);
  });
});
