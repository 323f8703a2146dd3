import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../src/format/utf8.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';

const reference = new TextDecoder('utf-8', { ignoreBOM: true });
const encode = (s: string) => new TextEncoder().encode(s);

describe('decodeUtf8', () => {
  it('equals TextDecoder on ids, documents, a BOM, malformed bytes and a slice inside a larger buffer', () => {
    const cases = [
      encode(''),
      encode('42'),
      encode('doc-000123'),
      encode('ünïcödé id'),
      encode('😀'),
      Uint8Array.of(0xef, 0xbb, 0xbf, 0x61), // a BOM, kept (the default TextDecoder drops it)
      Uint8Array.of(0x61, 0xc3), // a cut sequence
      Uint8Array.of(0xff, 0x41),
      encode('x'.repeat(64)),
      encode('y'.repeat(65)),
      encode(`${'z'.repeat(70)}é`),
    ];
    for (const bytes of cases) {
      const padded = new Uint8Array(bytes.length + 6);
      padded.set(bytes, 3);
      expect(decodeUtf8(padded, 3, 3 + bytes.length)).toBe(reference.decode(bytes));
    }
  });

  it('equals TextDecoder on 2,000 seeded random byte strings of 0–80 bytes', () => {
    const random = new SeededRandom(20261206);
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(random.next() * 81);
      // Mostly ASCII, sometimes any byte: both paths and the switch between them.
      const bytes = Uint8Array.from({ length }, () => (random.next() < 0.9 ? 0x20 + Math.floor(random.next() * 95) : Math.floor(random.next() * 256)));
      expect(decodeUtf8(bytes, 0, length), `string ${n}`).toBe(reference.decode(bytes));
    }
  });
});
