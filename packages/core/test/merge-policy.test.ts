/**
 * Background merges: the tiered policy's choices, merges happening with the
 * default options, reads right while merges run (the concurrent model test),
 * close during a merge, and the option's validation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OmenDB, ValidationError, type Collection } from '../src/index.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import type { CollectionStore } from '../src/storage/collection-store.js';
import { layout } from '../src/storage/layout.js';
import { DEFAULT_MERGE_POLICY, mergesIntoOlder, pickMerge, pickVacuum, type SegmentShape } from '../src/storage/merge-policy.js';
import { runConcurrent } from './fixtures/reliability-concurrent.js';
import { BASE_SEED } from './fixtures/reliability-report.js';
import { storeOf } from './helpers/store.js';
import { seededRandom, tempDir } from './helpers/tmp.js';
import { transientBeam } from '../src/ann/adaptive-index.js';

const SEED = 2117;
const DIM = 16;
const HNSW = { M: 8, efConstruction: 32 };
const MiB = 1 << 20;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const seg = (mib: number, liveFraction = 1): SegmentShape => ({ fileBytes: mib * MiB, rows: 1000, liveRows: Math.round(1000 * liveFraction) });

describe('pickMerge (the tiered policy)', () => {
  const floor = 64 * MiB;
  it('merges nothing with fewer than two segments', () => {
    expect(pickMerge([], DEFAULT_MERGE_POLICY, floor)).toBeNull();
    expect(pickMerge([seg(64)], DEFAULT_MERGE_POLICY, floor)).toBeNull();
  });

  it('takes a big segment and every newer one while the ratio holds (small ones count as the floor)', () => {
    expect(pickMerge([seg(64), seg(64)], DEFAULT_MERGE_POLICY, floor)).toEqual({ from: 0, to: 2 });
    expect(pickMerge([seg(500), seg(1)], DEFAULT_MERGE_POLICY, floor)).toEqual({ from: 0, to: 2 });
    // 500 MiB > 2 × 1 MiB with no floor: the small segment waits for more data.
    expect(pickMerge([seg(500), seg(1)], { ...DEFAULT_MERGE_POLICY, sizeRatio: 2 }, 0)).toBeNull();
    expect(pickMerge([seg(500), seg(100), seg(100), seg(100)], { ...DEFAULT_MERGE_POLICY, sizeRatio: 2 }, 0)).toEqual({ from: 0, to: 4 });
    expect(pickMerge([seg(500), seg(100), seg(50), seg(50)], { ...DEFAULT_MERGE_POLICY, sizeRatio: 2 }, 0)).toEqual({ from: 1, to: 4 });
  });

  it('leaves full segments alone and keeps the merged size under maxMergedBytes', () => {
    // Over half of 1 GiB: full, never picked again.
    expect(pickMerge([seg(600), seg(64), seg(64)], DEFAULT_MERGE_POLICY, floor)).toEqual({ from: 1, to: 3 });
    expect(pickMerge([seg(600), seg(64)], DEFAULT_MERGE_POLICY, floor)).toBeNull();
    // 400 + 400 + 300 > 1 GiB: the oldest stays out.
    expect(pickMerge([seg(400), seg(400), seg(300)], DEFAULT_MERGE_POLICY, floor)).toEqual({ from: 1, to: 3 });
  });

  it('takes at most maxMergeAtOnce segments, and counts live bytes only', () => {
    const many = Array.from({ length: 14 }, () => seg(10));
    expect(pickMerge(many, DEFAULT_MERGE_POLICY, floor)).toEqual({ from: 4, to: 14 });
    // 2 GiB on disk, a quarter live: 512 MiB, not full.
    expect(pickMerge([seg(2048, 0.2), seg(64)], DEFAULT_MERGE_POLICY, floor)).toEqual({ from: 0, to: 2 });
  });
});

describe('pickVacuum (a segment rewritten alone without its deleted rows)', () => {
  const rows = (n: number): SegmentShape => ({ fileBytes: 64 * MiB, rows: n, liveRows: n });
  it('takes the segment with the largest deleted share at or above the threshold', () => {
    expect(pickVacuum([rows(10_000)], [2000], DEFAULT_MERGE_POLICY)).toEqual({ from: 0, to: 1 });
    expect(pickVacuum([rows(10_000)], [1999], DEFAULT_MERGE_POLICY)).toBeNull();
    expect(pickVacuum([rows(10_000), rows(5000), rows(10_000)], [3000, 2500, 9000], DEFAULT_MERGE_POLICY)).toEqual({ from: 2, to: 3 });
    expect(pickVacuum([rows(10_000), rows(10_000)], [1000, 1000], { ...DEFAULT_MERGE_POLICY, deletedThreshold: 0.1 })).toEqual({ from: 0, to: 1 });
    // Every row deleted: rewritten away.
    expect(pickVacuum([rows(4000)], [4000], DEFAULT_MERGE_POLICY)).toEqual({ from: 0, to: 1 });
  });

  it('waits for minDeletedRows deleted rows (default 1,000), and counts only those the manifest holds', () => {
    expect(pickVacuum([rows(1000)], [999], DEFAULT_MERGE_POLICY)).toBeNull();
    expect(pickVacuum([rows(1000)], [1000], DEFAULT_MERGE_POLICY)).toEqual({ from: 0, to: 1 });
    expect(pickVacuum([rows(40)], [9], { ...DEFAULT_MERGE_POLICY, minDeletedRows: 10 })).toBeNull();
    expect(pickVacuum([rows(40)], [10], { ...DEFAULT_MERGE_POLICY, minDeletedRows: 10 })).toEqual({ from: 0, to: 1 });
    // Deleted since the last checkpoint (live rows down, no tombstones in the manifest): nothing a rewrite would drop.
    expect(pickVacuum([{ fileBytes: MiB, rows: 10_000, liveRows: 1000 }], [0], DEFAULT_MERGE_POLICY)).toBeNull();
  });
});

describe('mergesIntoOlder (a memtable whose segment a merge will re-link)', () => {
  const floor = 64 * MiB;
  it('holds once an older segment the policy would merge it into has ≥ 1.5 memtables of live bytes', () => {
    expect(mergesIntoOlder([], DEFAULT_MERGE_POLICY, floor)).toBe(false);
    // One memtable's segment: the newcomer could end up the merge's largest.
    expect(mergesIntoOlder([seg(64)], DEFAULT_MERGE_POLICY, floor)).toBe(false);
    expect(mergesIntoOlder([seg(130)], DEFAULT_MERGE_POLICY, floor)).toBe(true);
    expect(mergesIntoOlder([seg(600), seg(130), seg(10)], DEFAULT_MERGE_POLICY, floor)).toBe(true);
  });

  it('does not hold where the policy would leave it unmerged or deletes shrank the older segment', () => {
    // Full (over half of maxMergedBytes): never merged again.
    expect(mergesIntoOlder([seg(600)], DEFAULT_MERGE_POLICY, floor)).toBe(false);
    // 500 MiB > 2 × 64 MiB: a newcomer waits for more data behind it.
    expect(mergesIntoOlder([seg(500)], { ...DEFAULT_MERGE_POLICY, sizeRatio: 2 }, floor)).toBe(false);
    // 200 MiB on disk, 40 % live: 80 MiB < 96.
    expect(mergesIntoOlder([seg(200, 0.4)], DEFAULT_MERGE_POLICY, floor)).toBe(false);
    // No memtable limit: nothing is ever "a memtable's worth".
    expect(mergesIntoOlder([seg(600, 0.5)], DEFAULT_MERGE_POLICY, Infinity)).toBe(false);
  });

  it('holds behind a memtable sealed because it filled up: the newcomer fills to as many rows and loses the tie', () => {
    const filled = { fileBytes: floor, rows: 90_000, liveRows: 90_000 };
    expect(mergesIntoOlder([], DEFAULT_MERGE_POLICY, floor, filled)).toBe(true);
    expect(mergesIntoOlder([{ fileBytes: 56 * MiB, rows: 90_000, liveRows: 90_000 }], DEFAULT_MERGE_POLICY, floor, filled)).toBe(true);
    // Behind a full segment the filled memtable is still in the newcomer's run.
    expect(mergesIntoOlder([seg(600)], DEFAULT_MERGE_POLICY, floor, filled)).toBe(true);
    // Deletes in it: the newcomer could end up the largest.
    expect(mergesIntoOlder([], DEFAULT_MERGE_POLICY, floor, { ...filled, liveRows: 50_000 })).toBe(false);
    expect(mergesIntoOlder([], { ...DEFAULT_MERGE_POLICY, maxMergedBytes: floor }, floor, filled)).toBe(false);
  });
});

/** n rows around 20 seeded centres (clustered, so HNSW recall means something). */
function clustered(n: number, seed: number, from = 0): { ids: string[]; embeddings: number[][] } {
  const rand = seededRandom(seed);
  const centres = Array.from({ length: 20 }, () => Array.from({ length: DIM }, () => rand() * 10));
  const ids: string[] = [];
  const embeddings: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(rand() * centres.length)];
    ids.push(`r${from + i}`);
    embeddings.push(c.map((x) => x + rand() - 0.5));
  }
  return { ids, embeddings };
}

/**
 * A collection of three 3,000-row segments written with merges off, then
 * reopened with them on, so that the merge of the three starts at open (a
 * build of 9,000 rows takes a while); returned after some turns of the
 * event loop, while that merge is gathering rows or building (it yields
 * between batches).
 */
async function mergingThreeSegments(): Promise<{ dir: string; data: ReturnType<typeof clustered>; db: OmenDB; col: Collection; store: CollectionStore }> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  let db = await OmenDB.open(dir, { mergePolicy: false });
  let col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW });
  const data = clustered(9000, SEED);
  for (let i = 0; i < data.ids.length; i += 3000) {
    await col.add({ ids: data.ids.slice(i, i + 3000), embeddings: data.embeddings.slice(i, i + 3000) });
    await db.checkpoint();
  }
  await db.close();
  db = await OmenDB.open(dir);
  col = await db.getCollection('c');
  const store = storeOf(col);
  expect(store.merger.active).toBe(true);
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return { dir, data, db, col, store };
}

/** Adds `data` in batches of 250 with a checkpoint after each: one segment per batch, before merges. */
async function addInSegments(db: OmenDB, col: Collection, data: { ids: string[]; embeddings: number[][] }): Promise<void> {
  for (let i = 0; i < data.ids.length; i += 250) {
    await col.add({ ids: data.ids.slice(i, i + 250), embeddings: data.embeddings.slice(i, i + 250), metadatas: data.ids.slice(i, i + 250).map((id) => ({ id })) });
    await db.checkpoint();
  }
}

describe('background merges with the default options', () => {
  it('bring the segments down to one after the checkpoints; every record reads back, after a reopen too', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let db = await OmenDB.open(dir);
    let col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW });
    const data = clustered(2000, SEED);
    await addInSegments(db, col, data);
    await col.delete({ ids: ['r3', 'r1500'] });
    await db.checkpoint();
    await col.waitForMerges();
    const store = storeOf(col);
    expect(store.merger.published, `seed ${SEED}`).toBeGreaterThan(0);
    expect(col.stats().segments, `seed ${SEED}`).toBe(1);
    const live = data.ids.filter((id) => id !== 'r3' && id !== 'r1500');
    const check = async () => {
      expect(await col.count()).toBe(live.length);
      expect((await col.get({ ids: live })).ids.length).toBe(live.length);
      expect((await col.get({ ids: ['r3', 'r1500'] })).ids).toEqual([]);
      const q = await col.query({ queryEmbeddings: [data.embeddings[7]], nResults: 1 });
      expect(q.ids[0]).toEqual(['r7']);
    };
    await check();
    // No directory but the manifest's segments: the merged runs' old files are gone.
    const vfs = new NodeVfs();
    expect(vfs.list(layout.segments(store.dir)).sort(), `seed ${SEED}`).toEqual(store.manifest.segments.map((s) => String(s.id)).sort());
    await db.close();
    db = await OmenDB.open(dir);
    col = await db.getCollection('c');
    await check();
    await db.close();
  });

  it('do not run with mergePolicy: false, and run at open when the shape warrants', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let db = await OmenDB.open(dir, { mergePolicy: false });
    let col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW });
    await addInSegments(db, col, clustered(750, SEED));
    await col.waitForMerges();
    expect(col.stats().segments).toBe(3);
    await db.close();
    db = await OmenDB.open(dir);
    col = await db.getCollection('c');
    await col.waitForMerges();
    expect(col.stats().segments, `seed ${SEED}`).toBe(1);
    expect(await col.count()).toBe(750);
    await db.close();
  });

  it('stop at close: a running merge is aborted, its files removed, nothing lost', async () => {
    const merging = await mergingThreeSegments();
    const { dir, data, store } = merging;
    let { db, col } = merging;
    const segmentsDir = layout.segments(store.dir);
    await db.close();
    expect(store.merger.published, 'the merge finished before close; the test did not close during one').toBe(0);
    const vfs = new NodeVfs();
    expect(vfs.list(segmentsDir).length, 'segment directories after close').toBe(3);
    db = await OmenDB.open(dir, { mergePolicy: false });
    col = await db.getCollection('c');
    expect(await col.count()).toBe(9000);
    expect((await col.get({ ids: data.ids })).ids.length).toBe(9000);
    await db.close();
  });

  it('give way to a compaction: a merge being built is aborted, never written, and merging goes on after', async () => {
    const { data, db, col, store } = await mergingThreeSegments();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    cleanups.push(() => process.off('warning', onWarning));
    const idsBefore = (store as unknown as { nextSegmentId: number }).nextSegmentId;
    await col.compact();
    await col.waitForMerges();
    // One segment id for the compaction; an abandoned merge would have taken one for the segment it wrote.
    expect((store as unknown as { nextSegmentId: number }).nextSegmentId - idsBefore).toBe(1);
    expect(store.merger.published).toBe(0);
    expect(warnings).toEqual([]);
    expect(col.stats().segments).toBe(1);
    expect(new NodeVfs().list(layout.segments(store.dir))).toEqual(store.manifest.segments.map((s) => String(s.id)));
    // Merging was not stopped: the next checkpoints merge as before.
    await col.add({ ids: ['late'], embeddings: [data.embeddings[0]] });
    await db.checkpoint();
    await col.waitForMerges();
    expect(store.merger.published).toBe(1);
    expect(col.stats().segments).toBe(1);
    expect(await col.count()).toBe(9001);
    await db.close();
  });

  it('rewrite a segment with a fifth of its rows deleted once a checkpoint holds the deletes; answers unchanged, after a reopen too', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let db = await OmenDB.open(dir);
    let col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW });
    const data = clustered(6000, SEED);
    await col.add(data);
    await db.checkpoint();
    await col.waitForMerges();
    const store = storeOf(col);
    expect(col.stats().segments).toBe(1);
    // 1,200 of 6,000 rows: the threshold's share and more than the least count.
    const deleted = new Set(data.ids.filter((_, i) => i % 5 === 2));
    await col.delete({ ids: [...deleted] });
    const queries = [0, 1, 7, 4321].map((i) => data.embeddings[i]);
    const before = await col.query({ queryEmbeddings: queries, nResults: 10, exact: true });
    // Deletes in the WAL only: the manifest holds no tombstone yet, so nothing is rewritten.
    await col.waitForMerges();
    expect(store.merger.published).toBe(0);
    await db.checkpoint();
    await col.waitForMerges();
    expect(store.merger.published).toBe(1);
    expect(store.state.segments.map((s) => [s.rows, s.liveCount])).toEqual([[4800, 4800]]);
    const check = async () => {
      expect(await col.count()).toBe(4800);
      expect((await col.get({ ids: [...deleted].slice(0, 50) })).ids).toEqual([]);
      const after = await col.query({ queryEmbeddings: queries, nResults: 10, exact: true });
      expect(after.ids).toEqual(before.ids);
      expect(after.distances).toEqual(before.distances);
    };
    await check();
    await db.close();
    db = await OmenDB.open(dir);
    col = await db.getCollection('c');
    await check();
    await db.close();
  });

  it.each([
    [undefined, [50, 38]],
    [10, [38, 38]],
  ])('minDeletedRows %s: a 50-row segment with 12 rows deleted is rewritten only from its own count', async (minDeletedRows, [rows, live]) => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = await OmenDB.open(dir, minDeletedRows === undefined ? {} : { mergePolicy: { minDeletedRows } });
    const col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW });
    const data = clustered(50, SEED);
    await col.add(data);
    await db.checkpoint();
    await col.delete({ ids: data.ids.slice(0, 12) });
    await db.checkpoint();
    await col.waitForMerges();
    expect(storeOf(col).state.segments.map((s) => [s.rows, s.liveCount])).toEqual([[rows, live]]);
    expect((await col.query({ queryEmbeddings: [data.embeddings[20]], nResults: 1 })).ids[0]).toEqual([data.ids[20]]);
    await db.close();
  });

  it('rewrite away a segment whose every row is deleted', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    // Segments over half of maxMergedBytes are full: the tiered policy leaves both alone.
    const db = await OmenDB.open(dir, { mergePolicy: { maxMergedBytes: 1 << 16 } });
    const col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW });
    const data = clustered(3000, SEED);
    await col.add({ ids: data.ids.slice(0, 2000), embeddings: data.embeddings.slice(0, 2000) });
    await db.checkpoint();
    await col.add({ ids: data.ids.slice(2000), embeddings: data.embeddings.slice(2000) });
    await db.checkpoint();
    await col.waitForMerges();
    expect(col.stats().segments).toBe(2);
    await col.delete({ ids: data.ids.slice(0, 2000) });
    await db.checkpoint();
    await col.waitForMerges();
    expect(storeOf(col).state.segments.map((s) => s.rows)).toEqual([1000]);
    expect(await col.count()).toBe(1000);
    expect((await col.query({ queryEmbeddings: [data.embeddings[2500]], nResults: 1 })).ids[0]).toEqual(['r2500']);
    await db.close();
  });

  it('rejects bad mergePolicy options with ValidationError', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    for (const mergePolicy of [{ sizeRatio: 0.5 }, { maxMergeAtOnce: 1 }, { maxMergedBytes: 2 ** 31 }, { deletedThreshold: 0 }, { deletedThreshold: 1.5 }, { minDeletedRows: 0 }, { minDeletedRows: 2.5 }, { tiers: 3 }, 'on']) {
      await expect(OmenDB.open(dir, { mergePolicy } as never), JSON.stringify(mergePolicy)).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe('transient memtables', () => {
  /** The linking beam of the memtable's index (adaptive-index.ts), undefined for efConstruction. */
  const memtableBeam = (col: Collection) => (storeOf(col).state.memtable!.index as unknown as { linkingBeam?: number }).linkingBeam;

  it.each([true, false])('a memtable started beside a merged segment links with the transient beam while merges run (mergePolicy %s)', async (merging) => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = await OmenDB.open(dir, { memtableLimitBytes: 1 << 16, ...(merging ? {} : { mergePolicy: false }) });
    const col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: { M: 8, efConstruction: 100 } });
    const data = clustered(3000, SEED);
    await col.add({ ids: data.ids.slice(0, 10), embeddings: data.embeddings.slice(0, 10) });
    // The first memtable: nothing older to merge into.
    expect(memtableBeam(col)).toBeUndefined();
    await addInSegments(db, col, { ids: data.ids.slice(10, 2990), embeddings: data.embeddings.slice(10, 2990) });
    await col.waitForMerges();
    const store = storeOf(col);
    // 2,990 rows of 16-d are far over 1.5 × 64 KiB once merged into one segment.
    if (merging) expect(store.state.segments.length).toBe(1);
    else expect(store.state.segments.length).toBeGreaterThan(1);
    await col.add({ ids: data.ids.slice(2990), embeddings: data.embeddings.slice(2990) });
    expect(memtableBeam(col)).toBe(merging ? transientBeam({ M: 8, efConstruction: 100 }) : undefined);
    await db.checkpoint();
    await col.waitForMerges();
    if (merging) expect(col.stats().segments).toBe(1);
    expect(await col.count()).toBe(3000);
    const q = await col.query({ queryEmbeddings: [data.embeddings[2995]], nResults: 1 });
    expect(q.ids[0]).toEqual(['r2995']);
    await db.close();
  });

  it('a memtable started while a full one is sealed links with the transient beam, automatic checkpoints only', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = await OmenDB.open(dir, { memtableLimitBytes: 1 << 16 });
    const col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: { M: 8, efConstruction: 100 } });
    const store = storeOf(col);
    const data = clustered(3000, SEED);
    const beams = new Set<number | undefined>();
    for (let i = 0; i < 3000; i += 20) {
      await col.add({ ids: data.ids.slice(i, i + 20), embeddings: data.embeddings.slice(i, i + 20) });
      if (store.state.sealing === null && store.state.segments.length === 0) expect(memtableBeam(col)).toBeUndefined();
      if (store.state.sealing?.filled === true && store.state.memtable !== null) beams.add(memtableBeam(col));
    }
    expect(store.state.segments.length + (store.state.sealing ? 1 : 0), 'automatic checkpoints').toBeGreaterThan(1);
    expect([...beams]).toEqual([transientBeam({ M: 8, efConstruction: 100 })]);
    await db.checkpoint();
    await col.waitForMerges();
    expect(col.stats().segments).toBe(1);
    expect((await col.query({ queryEmbeddings: [data.embeddings[2995]], nResults: 1 })).ids[0]).toEqual(['r2995']);
    await db.close();
  });
});

describe('reads while background merges run', () => {
  it('every read matches the acknowledged state while writers, checkpoints and merges run', async () => {
    const seed = BASE_SEED + 17;
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const figures = await runConcurrent({ seed, dir, writers: 3, readers: 2, opsPerWriter: 60, idsPerWriter: 80, memtableLimitBytes: 64 << 10, minJobs: 6, compactions: false });
    console.log(`seed ${seed}:`, JSON.stringify({ ...figures, violations: figures.violations.length }));
    expect(figures.violations, `seed ${seed}`).toEqual([]);
    expect(figures.merges, `seed ${seed}`).toBeGreaterThan(0);
    expect(figures.readsDuringMerges, `seed ${seed}`).toBeGreaterThan(0);
  });
});
