import { describe, expect, it } from 'vitest';
import { BlobList } from '../src/format/blob-list.js';
import { decodeUtf8, decodeUtf8Rows, utf8ByteLength, utf8Key } from '../src/format/utf8.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import { ByteArena } from '../src/storage/byte-arena.js';

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

  it('decodeUtf8Rows equals decodeUtf8 entry by entry: any rows, repeated, in any order, more than its first scratch holds', () => {
    const seed = 20261207;
    const random = new SeededRandom(seed);
    const entries = Array.from({ length: 300 }, () => {
      const length = Math.floor(random.next() * 90);
      return Uint8Array.from({ length }, () => (random.next() < 0.95 ? 0x20 + Math.floor(random.next() * 95) : Math.floor(random.next() * 256)));
    });
    const offsets = new Uint32Array(entries.length + 1);
    entries.forEach((e, i) => (offsets[i + 1] = offsets[i] + e.length));
    const data = new Uint8Array(offsets[entries.length]);
    entries.forEach((e, i) => data.set(e, offsets[i]));
    for (const n of [0, 1, 10, 17, 100, 40]) {
      const rows = Array.from({ length: n }, () => Math.floor(random.next() * entries.length));
      expect(decodeUtf8Rows(data, offsets, rows), `seed ${seed}, ${n} rows`).toEqual(rows.map((r) => reference.decode(entries[r])));
    }
  });
});

describe('utf8ByteLength and BlobList.encodeStrings', () => {
  const strings = ['', '42', 'doc-000123', 'ünïcödé id', '😀', 'a\ud800b', '\udc00', 'x\ud83d', `${'z'.repeat(70)}é`, '中文'];

  it('gives the byte length TextEncoder gives, lone surrogates included', () => {
    for (const s of strings) expect(utf8ByteLength(s), JSON.stringify(s)).toBe(encode(s).byteLength);
  });

  it('encodes the list BlobList.encode gives over the encoded strings, absent entries included', () => {
    const entries = [...strings, null, 'tail', null];
    expect(BlobList.encodeStrings(entries)).toEqual(BlobList.encode(entries.map((s) => (s === null ? null : encode(s)))));
    expect(BlobList.encodeStrings([])).toEqual(BlobList.encode([]));
  });

  it('equals BlobList.encode on 500 seeded random strings of any UTF-16 code units', () => {
    const random = new SeededRandom(20261207);
    const entries = Array.from({ length: 500 }, () =>
      random.next() < 0.1 ? null : String.fromCharCode(...Array.from({ length: Math.floor(random.next() * 12) }, () => Math.floor(random.next() * 0x10000))),
    );
    expect(BlobList.encodeStrings(entries), 'seed 20261207').toEqual(BlobList.encode(entries.map((s) => (s === null ? null : encode(s)))));
  });
});

describe('UTF-8 encoded in place', () => {
  // ASCII, 2-, 3- and 4-byte characters, a lone surrogate (→ U+FFFD), the empty string, a BOM.
  const texts = ['id-42', 'é', '€uro', 'a😀b', 'x\ud800y', '', '\ufeffbom', 'ü'.repeat(300)];

  it('utf8Key gives the bytes TextEncoder does, in one reused buffer', () => {
    const encoder = new TextEncoder();
    const buffers = new Set<ArrayBufferLike>();
    for (const text of texts) {
      const key = utf8Key(text);
      expect(Array.from(key)).toEqual(Array.from(encoder.encode(text)));
      buffers.add(key.buffer);
    }
    // Grown once, for the 300 two-byte characters.
    expect(buffers.size).toBe(2);
  });

  it('ByteArena.pushText stores what push of the encoded bytes stores', () => {
    const encoder = new TextEncoder();
    const byText = new ByteArena();
    const byBytes = new ByteArena();
    for (const text of [...texts, null, ...texts]) {
      const i = byText.pushText(text);
      expect(byBytes.push(text === null ? null : encoder.encode(text))).toBe(i);
    }
    for (let i = 0; i < byText.length; i++) {
      expect(byText.get(i) === null ? null : Array.from(byText.get(i)!)).toEqual(byBytes.get(i) === null ? null : Array.from(byBytes.get(i)!));
      expect(byText.text(i)).toBe(byBytes.text(i));
    }
  });
});
