import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OmenDB, type Collection } from '../src/index.js';
import { storeOf } from './helpers/store.js';
import { randomVectors, tempDir } from './helpers/tmp.js';

/**
 * A query over several parts (two segments and the memtable, background
 * merges off): each part's hits merged into one list, nearest first, equal
 * distances in storage order (the older part first); and the parts a query
 * searches follow every change of the collection, also when nothing but a
 * write happened between two queries of one state.
 */
const DIM = 8;
const PARTS = ['a', 'b', 'c'] as const;

let tmp: ReturnType<typeof tempDir>;
let db: OmenDB;
let col: Collection;

/** Part p holds `p-dup-0..3` (one vector, 4 times: ties within and across parts) and `p-0..19` (seeded). */
async function fill(): Promise<number[]> {
  const dup = randomVectors(1, DIM, 99)[0];
  for (const [p, part] of PARTS.entries()) {
    const own = randomVectors(20, DIM, 7 + p);
    await col.add({
      ids: [...Array.from({ length: 4 }, (_, i) => `${part}-dup-${i}`), ...own.map((_, i) => `${part}-${i}`)],
      embeddings: [...Array.from({ length: 4 }, () => dup), ...own],
    });
    // a and b are sealed into segments; c stays in the memtable.
    if (part !== 'c') await db.checkpoint();
  }
  return dup;
}

beforeEach(async () => {
  tmp = tempDir('omendb-query-fanout-');
  db = await OmenDB.open(tmp.dir, { mergePolicy: false });
  col = await db.createCollection({ name: 'c', metric: 'l2' });
});
afterEach(async () => {
  await db.close();
  tmp.cleanup();
});

describe('query over several parts', () => {
  for (const exact of [true, false]) {
    it(`merges the parts' hits by distance, ties in storage order (${exact ? 'exact' : 'HNSW'})`, async () => {
      const dup = await fill();
      const r = await col.query({ queryEmbeddings: [dup], nResults: 14, exact });
      const ids = r.ids[0];
      const distances = r.distances[0];
      // The 12 copies tie at distance 0, older part first; then the nearest of the rest.
      expect(distances.slice(0, 12)).toEqual(Array(12).fill(0));
      expect(ids.slice(0, 12).map((id) => id[0])).toEqual([...'aaaabbbbcccc']);
      expect(new Set(ids.slice(0, 12))).toEqual(new Set(PARTS.flatMap((p) => [0, 1, 2, 3].map((i) => `${p}-dup-${i}`))));
      expect(distances.slice(12).every((d, i) => d > 0 && d >= distances[11 + i])).toBe(true);
    });
  }

  it('with an offset, the merged list from that hit on', async () => {
    const dup = await fill();
    const all = await col.query({ queryEmbeddings: [dup], nResults: 16, exact: true });
    const paged = await col.query({ queryEmbeddings: [dup], nResults: 6, offset: 10, exact: true });
    expect(paged.ids[0]).toEqual(all.ids[0].slice(10, 16));
    expect(paged.distances[0]).toEqual(all.distances[0].slice(10, 16));
  });

  it('follows deletes, updates and checkpoints between queries of one state', async () => {
    const dup = await fill();
    const nearest = async () => (await col.query({ queryEmbeddings: [dup], nResults: 12, include: [] })).ids[0];
    expect((await nearest()).filter((id) => id.startsWith('a-dup'))).toHaveLength(4);
    // A delete in a segment (a part that had no dead row), then in the memtable.
    await col.delete({ ids: ['a-dup-0', 'c-dup-3'] });
    expect(await nearest()).not.toContain('a-dup-0');
    expect(await nearest()).not.toContain('c-dup-3');
    // An update moves a segment's record away; the memtable's new row answers instead.
    await col.update({ ids: ['b-dup-1'], embeddings: [dup.map((x) => x + 10)] });
    expect(await nearest()).not.toContain('b-dup-1');
    await col.upsert({ ids: ['b-dup-1'], embeddings: [dup] });
    expect(await nearest()).toContain('b-dup-1');
    // A checkpoint seals the memtable into a third segment.
    await db.checkpoint();
    const after = await nearest();
    expect(after.slice(0, 10).sort()).toEqual(['a-dup-1', 'a-dup-2', 'a-dup-3', 'b-dup-0', 'b-dup-1', 'b-dup-2', 'b-dup-3', 'c-dup-0', 'c-dup-1', 'c-dup-2']);
  });

  it('searches only the parts holding a live row, and a part again once it holds one', async () => {
    const dup = await fill();
    await db.checkpoint();
    // Every row of segment 1 (b) deleted; the memtable holds one row, deleted too.
    await col.delete({ ids: ['b-dup-0', 'b-dup-1', 'b-dup-2', 'b-dup-3', ...Array.from({ length: 20 }, (_, i) => `b-${i}`)] });
    await col.add({ ids: ['m-gone'], embeddings: [dup] });
    await col.delete({ ids: ['m-gone'] });
    const state = storeOf(col).state;
    const searched: string[] = [];
    const names = new Map(state.parts.map((part, i) => [part, i < state.segments.length ? `segment ${i}` : 'memtable']));
    for (const [part, name] of names) {
      const search = part.index.search.bind(part.index);
      part.index.search = (...args) => (searched.push(name), search(...args));
    }
    expect([...names.values()]).toEqual(['segment 0', 'segment 1', 'segment 2', 'memtable']);
    const before = await col.query({ queryEmbeddings: [dup], nResults: 8, include: [] });
    expect(searched).toEqual(['segment 0', 'segment 2']);
    expect(before.ids[0].slice(0, 8).map((id) => id[0])).toEqual([...'aaaacccc']);
    // A live row in the memtable: searched from the next query on, and found.
    searched.length = 0;
    await col.add({ ids: ['m-dup'], embeddings: [dup] });
    const after = await col.query({ queryEmbeddings: [dup], nResults: 9, include: [] });
    expect(searched).toEqual(['segment 0', 'segment 2', 'memtable']);
    expect(after.ids[0]).toContain('m-dup');
  });

  it('gives each result row arrays of its own', async () => {
    const dup = await fill();
    const first = await col.query({ queryEmbeddings: [dup, dup], nResults: 3, include: ['distances'] });
    expect(first.distances[0]).not.toBe(first.distances[1]);
    first.distances[0].push(42);
    first.metadatas[0][0] = { changed: true };
    const second = await col.query({ queryEmbeddings: [dup], nResults: 3, include: ['distances'] });
    expect(second.distances[0]).toEqual([0, 0, 0]);
    expect(second.metadatas[0]).toEqual([null, null, null]);
    const empty = await (await db.createCollection({ name: 'empty' })).query({ queryEmbeddings: [dup, dup], nResults: 3 });
    expect(empty.ids).toEqual([[], []]);
    expect(empty.distances[0]).not.toBe(empty.distances[1]);
  });
});
