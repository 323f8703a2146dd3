/**
 * stats() counts a merge in flight (components.merge): the rows it gathered,
 * the index being built and its copy, then the merged segment until it is
 * published; nothing once it is published or aborted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OmenDB, type Collection } from '../src/index.js';
import { storeOf } from './helpers/store.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const SEED = 4711;
const DIM = 16;
const HNSW = { M: 8, efConstruction: 32 };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** `n` rows around 20 seeded centres. */
function clustered(n: number, seed: number, from: number): { ids: string[]; embeddings: number[][] } {
  const rand = seededRandom(seed);
  const centres = Array.from({ length: 20 }, () => Array.from({ length: DIM }, () => rand() * 10));
  const ids = Array.from({ length: n }, (_, i) => `r${from + i}`);
  const embeddings = ids.map(() => centres[Math.floor(rand() * centres.length)].map((x) => x + rand() - 0.5));
  return { ids, embeddings };
}

/** Two checkpointed segments of `rows` each (merging off), reopened with the default policy: a merge starts at open. */
async function twoSegments(rows: number): Promise<{ db: OmenDB; col: Collection }> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const first = await OmenDB.open(dir, { mergePolicy: false });
  const col = await first.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW });
  for (let part = 0; part < 2; part++) {
    await col.add({ ...clustered(rows, SEED + part, part * rows), documents: Array.from({ length: rows }, (_, i) => `document ${i}`) });
    await first.checkpoint();
  }
  await first.close();
  const db = await OmenDB.open(dir);
  return { db, col: await db.getCollection('c') };
}

/** The largest `components.merge` seen between turns of the event loop while the collection merges. */
async function peakWhileMerging(col: Collection): Promise<number> {
  let peak = 0;
  while (storeOf(col).merger.active) {
    peak = Math.max(peak, col.stats().components.merge);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return peak;
}

describe('stats() during a background merge', () => {
  it('counts the merge in flight in memoryBytes and drops it once published', async () => {
    const rows = 1500;
    const { db, col } = await twoSegments(rows);
    expect(storeOf(col).merger.active, `seed ${SEED}`).toBe(true);
    const before = col.stats();
    expect(before.memoryBytes).toBe(Object.values(before.components).reduce((a, b) => a + b, 0));
    const peak = await peakWhileMerging(col);
    // At least the gathered float32 rows and the index being built over a copy of them.
    expect(peak, `seed ${SEED}`).toBeGreaterThanOrEqual(2 * 2 * rows * DIM * 4);
    await col.waitForMerges();
    const after = col.stats();
    expect(after.segments).toBe(1);
    expect(after.components.merge).toBe(0);
    expect(storeOf(col).merging.size).toBe(0);
    await db.close();
  });

  it('drops an aborted merge: closing during the build leaves nothing counted', async () => {
    const { db, col } = await twoSegments(1500);
    const store = storeOf(col);
    while (store.merger.active && col.stats().components.merge === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(col.stats().components.merge, `seed ${SEED}`).toBeGreaterThan(0);
    await db.close();
    expect(store.merging.size).toBe(0);
  });

  it('counts nothing after compact() has published', async () => {
    const { db, col } = await twoSegments(500);
    await col.waitForMerges();
    await col.compact();
    expect(col.stats().components.merge).toBe(0);
    expect(storeOf(col).merging.size).toBe(0);
    await db.close();
  });
});
