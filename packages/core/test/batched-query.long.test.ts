import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmenDB, type Collection } from '../src/index.js';
import { searchWorker, stopSearchWorker, MIN_SHARED_QUERIES } from '../src/ann/hnsw/hnsw-search-pool.js';
import { hasDataset, loadDataset } from './helpers/datasets.js';
import { tempDir } from './helpers/tmp.js';
import { addInParts } from './fixtures/sift-parts.js';

/**
 * Batched queries (many query embeddings in one call) share their graph
 * walks with the search worker; the answer must be exactly what one query at
 * a time gives: same ids, same distances, same order.
 */
const sift = hasDataset('sift10k');

/** Waits until the search worker runs (the first call that could use it starts it). */
async function workerReady(): Promise<void> {
  for (let i = 0; i < 500 && !searchWorker.available(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(searchWorker.available()).toBe(true);
}

async function oneAtATime(col: Collection, queries: Float32Array[], args: Record<string, unknown>) {
  const ids: string[][] = [];
  const distances: number[][] = [];
  for (const q of queries) {
    const r = await col.query({ ...args, queryEmbeddings: [q] });
    ids.push(r.ids[0]);
    distances.push(r.distances![0]);
  }
  return { ids, distances };
}

describe.skipIf(!sift)('batched queries on sift10k (two segments + memtable graph)', () => {
  let db: OmenDB;
  let col: Collection;
  let queries: Float32Array[];
  let cleanup: () => void;
  let dir: string;

  beforeAll(async () => {
    const data = loadDataset('sift10k', 'l2');
    const { dim, base } = data;
    const t = tempDir();
    cleanup = t.cleanup;
    dir = t.dir;
    db = await OmenDB.open(t.dir, { durability: 'none', mergePolicy: false });
    col = await db.createCollection({ name: 'sift', dimension: dim, metric: 'l2' });
    // Rows [0, 3500) and [3500, 7000) become segments (not merged); [7000, 10000) stay in the memtable (a graph past 2,048 rows).
    await addInParts(db, col, base, [
      [0, 3500, true],
      [3500, 7000, true],
      [7000, 10_000, false],
    ]);
    queries = Array.from({ length: data.queries.count }, (_, q) => data.queries.data.subarray(q * dim, (q + 1) * dim));
    expect(queries.length).toBeGreaterThanOrEqual(MIN_SHARED_QUERIES);
    await col.query({ queryEmbeddings: queries, nResults: 1 });
    await workerReady();
  });

  afterAll(async () => {
    await db?.close();
    await stopSearchWorker();
    cleanup?.();
  });

  it.each([
    { nResults: 10 },
    { nResults: 10, efSearch: 16 },
    { nResults: 100, efSearch: 200 },
    { nResults: 5, offset: 3 },
  ])('equals one query at a time (%o)', async (args) => {
    const before = searchWorker.sharedQueries;
    const batched = await col.query({ ...args, queryEmbeddings: queries });
    // The worker walked some of the queries (unless this thread took them all first, which a loaded machine allows).
    expect(searchWorker.sharedQueries).toBeGreaterThanOrEqual(before);
    const single = await oneAtATime(col, queries, args);
    expect(batched.ids).toEqual(single.ids);
    expect(batched.distances).toEqual(single.distances);
  });

  it('shares walks with the worker over many calls', async () => {
    const before = searchWorker.sharedQueries;
    for (let i = 0; i < 20 && searchWorker.sharedQueries === before; i++) await col.query({ queryEmbeddings: queries, nResults: 10 });
    expect(searchWorker.sharedQueries).toBeGreaterThan(before);
  });

  it('equals one query at a time with a filter and with deleted rows', async () => {
    const where = { bucket: { $in: [1, 2] } };
    const batchedFiltered = await col.query({ queryEmbeddings: queries, nResults: 10, where });
    const singleFiltered = await oneAtATime(col, queries, { nResults: 10, where });
    expect(batchedFiltered.ids).toEqual(singleFiltered.ids);
    expect(batchedFiltered.distances).toEqual(singleFiltered.distances);
    // Deleted rows in the first segment: that segment is searched on this thread, the others are shared.
    await col.delete({ ids: Array.from({ length: 300 }, (_, i) => String(i * 7)) });
    const batched = await col.query({ queryEmbeddings: queries, nResults: 10 });
    const single = await oneAtATime(col, queries, { nResults: 10 });
    expect(batched.ids).toEqual(single.ids);
    expect(batched.distances).toEqual(single.distances);
    for (const ids of batched.ids) for (let i = 0; i < 300; i++) expect(ids).not.toContain(String(i * 7));
  });

  it('equals one query at a time after reopening (segments read from their files)', async () => {
    await db.close();
    db = await OmenDB.open(dir, { durability: 'none', mergePolicy: false });
    col = await db.getCollection('sift');
    await col.query({ queryEmbeddings: queries, nResults: 1 });
    await workerReady();
    const batched = await col.query({ queryEmbeddings: queries, nResults: 10, efSearch: 64 });
    const single = await oneAtATime(col, queries, { nResults: 10, efSearch: 64 });
    expect(batched.ids).toEqual(single.ids);
    expect(batched.distances).toEqual(single.distances);
  });
});
