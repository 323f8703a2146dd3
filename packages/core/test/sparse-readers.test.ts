/**
 * A read-only open of a collection with full-text and sparse-vector indexes
 * ranks exactly as the writer does, as it follows deletes, checkpoints (its
 * segments' tombstones reset from the newer manifest) and compaction.
 */
import { K, Knn, Search } from 'chromadb-search';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OmenDB, type Collection } from '../src/index.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
const open: OmenDB[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  cleanup();
});

/** Sparse vectors given in metadata under `sv`, bm25 idf on; the schema read by shape. */
const SCHEMA = { keys: { '#document': { string: { ftsIndex: { enabled: true, config: {} } } }, sv: { sparseVector: { sparseVectorIndex: { enabled: true, config: { sourceKey: null, bm25: true } } } } } };
const WORDS = ['apple', 'pear', 'plum', 'fig', 'kiwi', 'lime'];

function record(i: number) {
  const words = [WORDS[i % 6], WORDS[(i * 5) % 6], WORDS[(i * 7 + 1) % 6]].slice(0, 1 + (i % 3));
  const dims = [...new Set(words.map((w) => WORDS.indexOf(w)))].sort((a, b) => a - b);
  return { id: `r${i}`, document: words.join(' '), sv: { indices: dims, values: dims.map((d) => 1 + ((i + d) % 4)) } };
}

async function rankings(col: Collection): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const q of ['apple plum', 'kiwi', 'fig lime pear']) out.push(await col.fullTextSearch({ query: q, limit: 100 }));
  for (const query of [{ indices: [0, 2], values: [1, 1] }, { indices: [4], values: [2] }]) {
    const r = await col.search(new Search().rank(Knn({ query, key: 'sv', limit: 100 })).limit(100).select(K.SCORE));
    out.push(r.ids[0].map((id, i) => [id, r.scores[0]![i]]).sort());
  }
  return out;
}

describe('a reader of full-text and sparse indexes', () => {
  it('ranks as the writer does across deletes, checkpoints and compaction', async () => {
    const w = await OmenDB.open(dir, { durability: 'os' });
    open.push(w);
    const c = await w.createCollection({ name: 'c', dimension: 0, schema: SCHEMA });
    const rows = Array.from({ length: 60 }, (_, i) => record(i));
    await c.add({ ids: rows.map((r) => r.id), documents: rows.map((r) => r.document), metadatas: rows.map((r) => ({ sv: r.sv })) });
    await w.checkpoint();
    const r = await OmenDB.open(dir, { readOnly: true });
    open.push(r);
    const rc = await r.getCollection('c');
    expect(await rankings(rc)).toEqual(await rankings(c));
    // Deletes the reader replays from the log, then a checkpoint that makes them tombstones of a segment it keeps.
    await c.delete({ ids: rows.filter((_, i) => i % 4 === 0).map((x) => x.id) });
    await r.refresh();
    expect(await rankings(rc), 'deletes replayed').toEqual(await rankings(c));
    await w.checkpoint();
    await r.refresh();
    expect(await rankings(rc), 'tombstones from the manifest').toEqual(await rankings(c));
    await c.delete({ ids: rows.filter((_, i) => i % 4 === 1).map((x) => x.id) });
    await w.checkpoint();
    await r.refresh();
    expect(await rankings(rc), 'a second checkpoint').toEqual(await rankings(c));
    await c.compact();
    await r.refresh();
    expect(await rankings(rc), 'compacted').toEqual(await rankings(c));
  });
});
