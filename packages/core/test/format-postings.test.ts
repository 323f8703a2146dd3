import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptionError, OmenDB } from '../src/index.js';
import { decodePostings, encodePostings, NO_DOCUMENT, POSTINGS_HEADER_BYTES, type PostingsLayout } from '../src/format/postings.js';
import { decodeSegment, encodeSegment, SectionKind } from '../src/format/segment-file.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** Rows 0 "b a b" (3 tokens), 1 none, 2 "c" (1 token); terms a, b, c. */
function small(): PostingsLayout {
  return {
    analyzer: 1,
    rows: 3,
    docLengths: Uint32Array.of(3, NO_DOCUMENT, 1),
    totalTokens: 4,
    termOffsets: Uint32Array.of(0, 1, 2, 3),
    termBytes: new TextEncoder().encode('abc'),
    postingStart: Uint32Array.of(0, 1, 2, 3),
    postingRows: Uint32Array.of(0, 0, 2),
    postingTfs: Uint32Array.of(1, 2, 1),
  };
}

function expectCorruption(fn: () => unknown, offset: number): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CorruptionError);
    expect((err as CorruptionError).offset).toBe(offset);
    return;
  }
  throw new Error('expected CorruptionError');
}

describe('postings section (docs/format/postings.md)', () => {
  it('lays out the header, doc lengths, term table, term bytes and postings as documented', () => {
    const bytes = encodePostings(small());
    const view = new DataView(bytes.buffer);
    expect([view.getUint32(0, true), view.getUint32(4, true), view.getUint32(8, true), view.getUint32(12, true)]).toEqual([1, 3, 3, 3]);
    expect(view.getBigUint64(16, true)).toBe(4n);
    expect(view.getUint32(POSTINGS_HEADER_BYTES + 4, true)).toBe(0xffffffff);
    // 24 header + 12 lengths + 16 offsets + 16 starts + 4 term bytes + 12 rows + 12 tfs.
    expect(bytes.byteLength).toBe(96);
    expect(new TextDecoder().decode(bytes.subarray(68, 71))).toBe('abc');
    const back = decodePostings(bytes, 3, 'f', 0);
    expect([...back.postingTfs]).toEqual([1, 2, 1]);
  });

  it('raises CorruptionError at the offending field', () => {
    const at = 1000;
    const tamper = (edit: (view: DataView) => void, rows = 3) => {
      const bytes = encodePostings(small());
      edit(new DataView(bytes.buffer));
      return () => decodePostings(bytes, rows, 'seg', at);
    };
    expectCorruption(tamper(() => undefined, 4), at + 4);
    expectCorruption(tamper((v) => v.setBigUint64(16, 5n, true)), at + 16);
    expectCorruption(tamper((v) => v.setUint32(84, 0, true)), at + 84); // tf of the first posting
    expectCorruption(tamper((v) => v.setUint32(72 + 4, 1, true)), at + 72 + 4); // row of b: 0 → 1, a row without a document
    expectCorruption(tamper((v) => v.setUint8(68, 0x63)), at + 36 + 4); // term a → c: not before b
    expectCorruption(tamper((v) => v.setUint32(24, 2, true)), at + 16); // doc length of row 0 off: total disagrees
    expectCorruption(() => decodePostings(encodePostings(small()).subarray(0, 90), 3, 'seg', at), at + 12);
  });

  it('is checked when a segment is opened: a bad checksum, a bad layout or a missing section raises CorruptionError', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 't', dimension: 0, fullText: true });
    await col.add({ ids: ['a', 'b'], documents: ['first document here', 'second document'] });
    await db.close();
    const [collection] = readdirSync(join(dir, 'collections'));
    const segments = join(dir, 'collections', collection, 'segments');
    const file = join(segments, readdirSync(segments)[0], 'segment.bin');
    const original = readFileSync(file);
    const { header, sections } = decodeSegment(new Uint8Array(original), file);
    const postings = sections.get(SectionKind.Postings)!;
    const reopen = async () => {
      const error = await OmenDB.open(dir).then(
        (d) => d.close().then(() => null),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CorruptionError);
      return error as CorruptionError;
    };

    const flipped = Buffer.from(original);
    flipped[postings.offset + 30] ^= 0x10;
    writeFileSync(file, flipped);
    expect((await reopen()).file).toBe(file);

    // Valid checksums, inconsistent content: the decoder names the field.
    const bad = postings.bytes.slice();
    new DataView(bad.buffer).setBigUint64(16, 99n, true);
    const rebuilt = (drop: boolean) =>
      encodeSegment(
        header,
        [...sections.values()].filter((s) => !(drop && s.kind === SectionKind.Postings)).map((s) => ({ kind: s.kind, bytes: s.kind === SectionKind.Postings ? bad : s.bytes })),
      );
    writeFileSync(file, rebuilt(false));
    const inconsistent = await reopen();
    expect(inconsistent.offset).toBe(postings.offset + 16);
    writeFileSync(file, rebuilt(true));
    expect((await reopen()).message).toMatch(/no postings section/);

    writeFileSync(file, original);
    const db2 = await OmenDB.open(dir);
    expect((await (await db2.getCollection('t')).fullTextSearch({ query: 'second', limit: 5 })).ids).toEqual(['b']);
    await db2.close();
  });
});
