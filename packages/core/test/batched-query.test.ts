import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmenDB, type Collection } from '../src/index.js';
import { searchWorker, stopSearchWorker } from '../src/ann/hnsw/hnsw-search-pool.js';
import { hasDataset, loadDataset } from './helpers/datasets.js';
import { DIST_INDEX } from './helpers/dist.js';
import { tempDir } from './helpers/tmp.js';
import { addInParts } from './fixtures/sift-parts.js';

/**
 * Fast tier of batched-query.long.test.ts: 4,600 sift10k rows (three
 * segments, unmerged, and a memtable graph), 40 queries per call; the answer must be
 * what one query per call gives, ids and distances, whichever thread
 * walked which query.
 */
const sift = hasDataset('sift10k');

async function workerReady(): Promise<void> {
  for (let i = 0; i < 500 && !searchWorker.available(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(searchWorker.available()).toBe(true);
}

async function expectSameAsOneAtATime(col: Collection, queries: Float32Array[], args: Record<string, unknown>): Promise<void> {
  const batched = await col.query({ ...args, queryEmbeddings: queries });
  for (let q = 0; q < queries.length; q++) {
    const single = await col.query({ ...args, queryEmbeddings: [queries[q]] });
    expect(batched.ids[q], `query ${q}`).toEqual(single.ids[0]);
    expect(batched.distances![q], `query ${q}`).toEqual(single.distances![0]);
  }
}

/** Calls until the worker has walked some queries (a loaded machine may let this thread take every query of one call). */
async function expectWorkerTakesPart(col: Collection, queries: Float32Array[]): Promise<void> {
  const before = searchWorker.sharedQueries;
  for (let i = 0; i < 50 && searchWorker.sharedQueries === before; i++) await col.query({ queryEmbeddings: queries, nResults: 10 });
  expect(searchWorker.sharedQueries).toBeGreaterThan(before);
}

describe.skipIf(!sift)('batched queries (sift10k, 4,600 rows: three segments and a memtable)', () => {
  let db: OmenDB;
  let col: Collection;
  let queries: Float32Array[];
  let cleanup: () => void;

  beforeAll(async () => {
    const data = loadDataset('sift10k', 'l2');
    const { dim, base } = data;
    const t = tempDir();
    cleanup = t.cleanup;
    db = await OmenDB.open(t.dir, { durability: 'none', mergePolicy: false });
    col = await db.createCollection({ name: 'sift', dimension: dim, metric: 'l2' });
    await addInParts(db, col, base, [
      [0, 1000, true],
      [1000, 2000, true],
      [2000, 3000, true],
      [3000, 4600, false],
    ]);
    queries = Array.from({ length: 40 }, (_, q) => data.queries.data.subarray(q * dim, (q + 1) * dim));
    await col.query({ queryEmbeddings: queries, nResults: 1 });
    await workerReady();
  });

  afterAll(async () => {
    await db?.close();
    cleanup?.();
  });

  it('equals one query at a time, and the worker takes part', async () => {
    await expectSameAsOneAtATime(col, queries, { nResults: 10 });
    await expectSameAsOneAtATime(col, queries, { nResults: 3, offset: 2, efSearch: 12 });
    await expectSameAsOneAtATime(col, queries, { nResults: 50, efSearch: 100 });
    await expectWorkerTakesPart(col, queries);
  });

  it('equals one query at a time with a filter, and with deleted rows in one segment (searched on this thread)', async () => {
    await expectSameAsOneAtATime(col, queries, { nResults: 10, where: { bucket: { $ne: 3 } } });
    await col.delete({ ids: Array.from({ length: 100 }, (_, i) => String(1000 + i * 3)) });
    await expectSameAsOneAtATime(col, queries, { nResults: 10 });
    await expectSameAsOneAtATime(col, queries, { nResults: 10, where: { bucket: { $in: [0, 1] } } });
    await expectWorkerTakesPart(col, queries);
  });

  it('the worker quits when stopped, starts again on demand, and stops when the database closes', async () => {
    await stopSearchWorker();
    expect(searchWorker.running).toBe(false);
    await col.query({ queryEmbeddings: queries, nResults: 1 });
    await workerReady();
    await expectSameAsOneAtATime(col, queries, { nResults: 10 });
    expect(searchWorker.running).toBe(true);
    await db.close();
    expect(searchWorker.running).toBe(false);
  });
});

describe('search worker lifecycle', () => {
  it('leaves no worker behind: a process that runs batched queries and never closes its database exits by itself', () => {
    const t = tempDir();
    const script = `
      import { OmenDB } from ${JSON.stringify(DIST_INDEX)};
      const db = await OmenDB.open(${JSON.stringify(join(t.dir, 'db'))}, { durability: 'none' });
      const col = await db.createCollection({ name: 'c', dimension: 8 });
      const v = (r) => Array.from({ length: 8 }, (_, j) => Math.sin(r * 8 + j));
      const ids = Array.from({ length: 3000 }, (_, r) => String(r));
      await col.add({ ids, embeddings: ids.map((_, r) => v(r)) });
      await db.checkpoint();
      const queries = Array.from({ length: 50 }, (_, r) => v(r + 0.5));
      for (let i = 0; i < 10; i++) {
        await col.query({ queryEmbeddings: queries, nResults: 3 });
        await new Promise((r) => setTimeout(r, 50));
      }
      console.log(await col.count());`;
    try {
      // A file, not -e: worker threads inherit execArgv, and --input-type would stop them.
      writeFileSync(join(t.dir, 'child.mjs'), script);
      const run = spawnSync(process.execPath, [join(t.dir, 'child.mjs')], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).not.toMatch(/Warning|Error/);
      expect(run.signal, 'killed by the timeout: something kept the process alive').toBeNull();
      expect(run.status).toBe(0);
      expect(run.stdout.trim()).toBe('3000');
    } finally {
      t.cleanup();
    }
  });
});
