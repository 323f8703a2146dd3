/**
 * Reads while a checkpoint or a compaction seals the memtable, and after one
 * failed: every read sees every acknowledged write (query exact and HNSW, get
 * of every id, peek, count), whatever runs in the background.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IOError, OmenDB, type Collection } from '../src/index.js';
import { FaultVfs, SPACE_CALLS } from '../src/fs/fault-vfs.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import type { CollectionStore } from '../src/storage/collection-store.js';
import { compactSegments } from '../src/storage/compaction.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const SEED = 1906;
const DIM = 32;
/** A small graph: building it is not what these tests are about, and the machine is shared. */
const HNSW = { M: 8, efConstruction: 32 };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
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

async function addAll(col: Collection, data: { ids: string[]; embeddings: number[][] }): Promise<void> {
  for (let i = 0; i < data.ids.length; i += 500) {
    await col.add({ ids: data.ids.slice(i, i + 500), embeddings: data.embeddings.slice(i, i + 500), metadatas: data.ids.slice(i, i + 500).map((id) => ({ id })) });
  }
}

/** Every check a read can fail; returns the failures (empty when all reads were right). */
async function checkReads(col: Collection, ids: string[], probe: number[]): Promise<string[]> {
  const failures: string[] = [];
  const n = ids.length;
  const count = await col.count();
  if (count !== n) failures.push(`count ${count} ≠ ${n}`);
  const got = await col.get({ ids }).catch((err: Error) => ({ ids: [] as string[], error: `${err.name}: ${err.message}` }));
  if ('error' in got) failures.push(`get threw ${got.error}`);
  else if (got.ids.length !== n) failures.push(`get returned ${got.ids.length} of ${n}`);
  const peek = await col.peek({ limit: 10 });
  if (peek.ids.length !== 10) failures.push(`peek returned ${peek.ids.length}`);
  for (const exact of [true, false]) {
    const q = await col.query({ queryEmbeddings: [probe], nResults: 10, exact });
    if (q.ids[0].length !== 10) failures.push(`query (exact ${exact}) returned ${q.ids[0].length}`);
  }
  return failures;
}

describe('reads during a checkpoint', () => {
  // The case (6,000 × 32-d, then 2,000 more) for checkpoints; compaction at half the size.
  it.each([
    ['checkpoint', 6000],
    ['compact', 3000],
  ] as const)('see every acknowledged row while %s seals the memtable (%i rows, then a third more)', async (how, rows) => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW });
    const first = clustered(rows, SEED);
    await addAll(col, first);
    let all = first.ids;
    let rounds = 0;
    const failures: string[] = [];
    // The first seal, then a second with rows in both a segment and the memtable.
    for (const more of [null, clustered(rows / 3, SEED + 1, rows)]) {
      if (more) {
        await addAll(col, more);
        all = [...all, ...more.ids];
      }
      let done = false;
      const sealing = (how === 'checkpoint' ? db.checkpoint() : col.compact()).finally(() => (done = true));
      while (!done) {
        failures.push(...(await checkReads(col, all, first.embeddings[7])).map((f) => `round ${rounds} (${all.length} rows): ${f}`));
        rounds++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await sealing;
      failures.push(...(await checkReads(col, all, first.embeddings[7])).map((f) => `after: ${f}`));
    }
    console.log(`${how}: ${rounds} rounds of reads during the seals`);
    expect(rounds, `seed ${SEED}`).toBeGreaterThan(1);
    expect(failures, `seed ${SEED}`).toEqual([]);
    await db.close();
  });
});

describe('reads after a failed checkpoint', () => {
  it.each([1, 3, 6])('stay right on the same handle (ENOSPC at the %i-th space call of the checkpoint); writes are refused', async (at) => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let armed = false;
    const vfs = new FaultVfs(new NodeVfs(), { counts: (c) => armed && SPACE_CALLS.has(c.op), fail: { at, code: 'ENOSPC', persistent: true } });
    const db = await OmenDB.open(dir, { vfs });
    const col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW });
    const data = clustered(1000, SEED);
    await addAll(col, data);
    armed = true;
    await expect(db.checkpoint()).rejects.toBeInstanceOf(IOError);
    expect(vfs.injected.length, `seed ${SEED}`).toBeGreaterThan(0);
    expect(await checkReads(col, data.ids, data.embeddings[3]), `seed ${SEED}`).toEqual([]);
    for (const id of ['r0', 'r999']) expect((await col.get({ ids: [id] })).ids).toEqual([id]);
    await expect(col.add({ ids: ['new'], embeddings: [data.embeddings[0]] })).rejects.toBeInstanceOf(IOError);
    await db.close().catch(() => undefined);
  });
});

describe('merging a run of segments (the switch a background merge uses)', () => {
  it('merges the first two of three segments; the third keeps its place; all survives a reopen', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let db = await OmenDB.open(dir, { mergePolicy: false });
    let col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: HNSW });
    const data = clustered(900, SEED);
    for (let s = 0; s < 3; s++) {
      await col.add({ ids: data.ids.slice(s * 300, (s + 1) * 300), embeddings: data.embeddings.slice(s * 300, (s + 1) * 300) });
      await db.checkpoint();
    }
    await col.delete({ ids: ['r1', 'r301', 'r601'] });
    await db.checkpoint();
    const store = (col as unknown as { store: CollectionStore }).store;
    const third = store.state.segments[2];
    await compactSegments(store, { segments: store.state.segments, tombstones: store.state.segments.map((s) => s.tombstones()) }, 0, 2);
    expect(store.state.segments.length, `seed ${SEED}`).toBe(2);
    expect(store.state.segments[1]).toBe(third);
    expect(store.state.segments[0].rows).toBe(598);
    const live = data.ids.filter((id) => !['r1', 'r301', 'r601'].includes(id));
    expect(await checkReads(col, live, data.embeddings[7])).toEqual([]);
    await db.close();
    db = await OmenDB.open(dir);
    col = await db.getCollection('c');
    expect(await checkReads(col, live, data.embeddings[7]), `seed ${SEED}, after reopen`).toEqual([]);
    expect((await col.get({ ids: ['r1', 'r301', 'r601'] })).ids).toEqual([]);
    await db.close();
  });
});
