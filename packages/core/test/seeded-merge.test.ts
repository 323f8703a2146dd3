/**
 * Merges seeded by their largest segment's graph (float32 or sq8), through the collection:
 * every record present in storage order after a merge of three segments
 * (deletes in the largest) and after reopening, recall unchanged against an
 * exact search, and a merge aborted by close leaves no segment directory
 * the manifest does not name.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OmenDB, type Collection } from '../src/index.js';
import { storeOf } from './helpers/store.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const SEED = 5521;
const DIM = 24;
const HNSW = { M: 12, efConstruction: 48 };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Rows around 40 seeded centres (the same centres for every call). */
function clustered(ids: string[], seed: number): number[][] {
  const centresRand = seededRandom(SEED);
  const centres = Array.from({ length: 40 }, () => Array.from({ length: DIM }, () => centresRand() * 4));
  const rand = seededRandom(seed);
  return ids.map(() => centres[Math.floor(rand() * centres.length)].map((x) => x + rand() - 0.5));
}

/**
 * Three checkpointed segments of 1,500, 6,000 and 2,000 rows (merging off),
 * one in ten rows of the largest deleted before its checkpoint is followed
 * by another: the merge seeds from the middle segment and drops its dead rows.
 */
async function threeSegments(dir: string, quantization: 'none' | 'sq8' = 'none'): Promise<{ ids: string[]; deleted: Set<string> }> {
  const db = await OmenDB.open(dir, { mergePolicy: false });
  const col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW, quantization });
  const ids: string[] = [];
  const deleted = new Set<string>();
  let next = 0;
  for (const [part, rows] of [1500, 6000, 2000].entries()) {
    const batch = Array.from({ length: rows }, () => `r${next++}`);
    await col.add({ ids: batch, embeddings: clustered(batch, SEED + part), documents: batch.map((id) => `doc ${id}`), metadatas: batch.map((id) => ({ id })) });
    await db.checkpoint();
    if (part === 1) {
      const gone = batch.filter((_, i) => i % 10 === 3);
      await col.delete({ ids: gone });
      for (const id of gone) deleted.add(id);
    }
    ids.push(...batch);
  }
  await db.checkpoint();
  await db.close();
  return { ids: ids.filter((id) => !deleted.has(id)), deleted };
}

async function recallAt10(col: Collection, queries: number[][]): Promise<number> {
  let hits = 0;
  for (const q of queries) {
    const approx = await col.query({ queryEmbeddings: [q], nResults: 10, efSearch: 48 });
    const exact = await col.query({ queryEmbeddings: [q], nResults: 10, exact: true });
    const truth = new Set(exact.ids[0]);
    hits += approx.ids[0].filter((id) => truth.has(id)).length;
  }
  return hits / (10 * queries.length);
}

describe('merges seeded by the largest segment', () => {
  it.each(['none', 'sq8'] as const)('quantization %s, three segments, deletes in the largest: every live record in storage order after compact() and reopen, recall ≥ 0.9', async (quantization) => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const { ids, deleted } = await threeSegments(dir, quantization);
    const queries = clustered(Array.from({ length: 50 }, (_, i) => `q${i}`), SEED + 99);
    let db = await OmenDB.open(dir, { mergePolicy: false });
    let col = await db.getCollection('c');
    expect(col.stats().segments, `seed ${SEED}`).toBe(3);
    await col.compact();
    expect(col.stats().segments).toBe(1);
    const check = async (c: Collection): Promise<void> => {
      const got = await c.get({ include: ['documents', 'metadatas', 'embeddings'] });
      expect(got.ids, `seed ${SEED}`).toEqual(ids);
      expect(got.documents).toEqual(ids.map((id) => `doc ${id}`));
      expect(got.metadatas).toEqual(ids.map((id) => ({ id })));
      expect((await c.get({ ids: [...deleted].slice(0, 20) })).ids).toEqual([]);
      const probe = ids[2000];
      const row = await c.get({ ids: [probe], include: ['embeddings'] });
      const nearest = await c.query({ queryEmbeddings: [Array.from(row.embeddings![0] as ArrayLike<number>)], nResults: 1 });
      expect(nearest.ids[0][0]).toBe(probe);
      expect(await recallAt10(c, queries), `seed ${SEED}`).toBeGreaterThanOrEqual(0.9);
    };
    await check(col);
    await db.close();
    db = await OmenDB.open(dir, { mergePolicy: false });
    col = await db.getCollection('c');
    expect(col.stats().segments).toBe(1);
    await check(col);
    await db.close();
  });

  it('a background merge aborted by close leaves no segment directory the manifest does not name', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    await threeSegments(dir);
    const db = await OmenDB.open(dir);
    const col = await db.getCollection('c');
    const store = storeOf(col);
    expect(store.merger.active, `seed ${SEED}`).toBe(true);
    // Into the build: the merge holds memory once it gathers rows.
    while (store.merger.active && col.stats().components.merge === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const named = () => store.manifest.segments.map((s) => String(s.id)).sort();
    const segmentsDir = join(store.dir, 'segments');
    await db.close();
    expect(readdirSync(segmentsDir).sort(), `seed ${SEED}`).toEqual(named());
    const again = await OmenDB.open(dir, { mergePolicy: false });
    expect(await (await again.getCollection('c')).count()).toBe(9500 - 600);
    await again.close();
  });
});
