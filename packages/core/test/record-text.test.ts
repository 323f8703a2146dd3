import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobList } from '../src/format/blob-list.js';
import { OmenDB } from '../src/index.js';
import { ByteArena } from '../src/storage/byte-arena.js';
import { tempDir } from './helpers/tmp.js';

const encoder = new TextEncoder();
// A leading BOM is text too: it is given back as written.
const reference = new TextDecoder('utf-8', { ignoreBOM: true });

// Ids and documents as users write them: ASCII, accents, emoji, a BOM, an empty string, long ones (> 64 bytes).
const TEXTS = ['42', 'doc-000123', 'ünïcödé id', '😀', '\uFEFFwith BOM', '', 'x'.repeat(64), `${'y'.repeat(70)}é`, 'plain '.repeat(30)];
const ENTRIES: (Uint8Array | null)[] = [...TEXTS.map((t) => encoder.encode(t)), null, Uint8Array.of(0x61, 0xc3), Uint8Array.of(0xff, 0x41)];

describe('stored text decoding', () => {
  it('ByteArena.text equals TextDecoder over get(), null when absent; texts and presentTexts equal it row by row', () => {
    const arena = new ByteArena();
    for (const e of ENTRIES) arena.push(e);
    ENTRIES.forEach((e, i) => expect(arena.text(i), `entry ${i}`).toBe(e === null ? null : reference.decode(e)));
    const present = ENTRIES.flatMap((e, i) => (e === null ? [] : [i])).reverse();
    expect(arena.presentTexts(present)).toEqual(present.map((i) => reference.decode(ENTRIES[i]!)));
    const all = [...ENTRIES.keys(), 0, ENTRIES.indexOf(null)];
    expect(arena.texts(all)).toEqual(all.map((i) => arena.text(i)));
  });

  it('BlobList.presentText, texts and presentTexts equal text() for every entry they read', () => {
    const list = BlobList.decode(BlobList.encode(ENTRIES), 'test', 0);
    ENTRIES.forEach((e, i) => {
      expect(list.text(i), `entry ${i}`).toBe(e === null ? null : reference.decode(e));
      if (e !== null) expect(list.presentText(i), `entry ${i}`).toBe(reference.decode(e));
    });
    const present = ENTRIES.flatMap((e, i) => (e === null ? [] : [i, i]));
    expect(list.presentTexts(present)).toEqual(present.map((i) => reference.decode(ENTRIES[i]!)));
    const all = [...ENTRIES.keys()].reverse();
    expect(list.texts(all)).toEqual(all.map((i) => list.text(i)));
    expect(BlobList.absent(3).texts([2, 0])).toEqual([null, null]);
  });

  describe('through a collection', () => {
    let dir: string;
    let cleanup: () => void;
    beforeEach(() => ({ dir, cleanup } = tempDir()));
    afterEach(() => cleanup());

    it('query and get give back ids and documents as written (a leading BOM too), from the memtable, the log, a segment and both at once', async () => {
      let db = await OmenDB.open(dir);
      let col = await db.createCollection({ name: 't', dimension: 2 });
      const ids = [...TEXTS.slice(0, -1).map((t, i) => `${i}:${t}`), '\uFEFFid led by a BOM'];
      // Row i at (i, 0): the query at (0, 0) returns them in row order.
      const embeddings = ids.map((_, i) => [i, 0]);
      const documents = [...TEXTS.slice(1), null];
      await col.add({ ids, embeddings, documents });
      const check = async (where: string) => {
        const got = await col.query({ queryEmbeddings: [[0, 0]], nResults: ids.length });
        expect(got.ids[0], where).toEqual(ids);
        expect(got.documents[0], where).toEqual(documents);
        const byId = await col.get({ ids });
        expect(byId.ids, where).toEqual(ids);
        expect(byId.documents, where).toEqual(documents);
      };
      await check('memtable');
      await db.close();
      db = await OmenDB.open(dir);
      col = await db.getCollection('t');
      await check('memtable replayed from the log');
      await db.checkpoint();
      await check('segment');
      // Hits from two parts, interleaved by distance: the second half rewritten into the memtable.
      await col.upsert({ ids: ids.filter((_, i) => i % 2 === 1), embeddings: embeddings.filter((_, i) => i % 2 === 1), documents: documents.filter((_, i) => i % 2 === 1) });
      await check('a segment and the memtable');
      await db.close();
    });
  });
});
