import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Collection, OmenDB, type Where, type WhereDocument } from '../src/index.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import { hasDataset, loadDataset, referenceDistance } from './helpers/datasets.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Filtered search through the API against exact filtered search, on
 * sift10k: every row gets `{ r }` with r seeded-uniform in 0…999 and the
 * document `tag-<r mod 10>`, so `{ r: { $lt: T } }` passes T/1000 of the
 * rows, uncorrelated with the vectors; one collection keeps its rows in
 * the memtable, the other in a compacted segment. Whichever plan the
 * planner picks per source (exact in either order, or a filtered graph
 * walk), recall@10 against exact filtered search (float64, computed by the
 * test itself) must stay ≥ 0.95 and no result may fail the filter.
 */
const SEED = 7;
const SELECTIVITIES = [0.001, 0.01, 0.1, 0.5, 1];
const K = 10;

describe.skipIf(!hasDataset('sift10k'))('filtered search on sift10k (seed 7)', () => {
  const data = hasDataset('sift10k') ? loadDataset('sift10k', 'l2') : null;
  const dim = 128;
  const r = new Int32Array(10_000);
  let dir: string;
  let cleanup: () => void;
  let db: OmenDB;
  /** Rows in the memtable (its HNSW graph: 10,000 > the exact threshold) and in a sealed segment. */
  let memtable: Collection;
  let segment: Collection;
  const queries: Float32Array[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    const random = new SeededRandom(SEED);
    for (let i = 0; i < r.length; i++) r[i] = Math.floor(random.next() * 1000);
    db = await OmenDB.open(dir, { durability: 'none' });
    memtable = await db.createCollection({ name: 'memtable', dimension: dim });
    segment = await db.createCollection({ name: 'segment', dimension: dim });
    for (const col of [memtable, segment]) {
      for (let start = 0; start < data!.base.count; start += 1000) {
        const rows = Array.from({ length: 1000 }, (_, i) => start + i);
        await col.add({
          ids: rows.map(String),
          embeddings: rows.map((row) => data!.base.data.subarray(row * dim, (row + 1) * dim)),
          metadatas: rows.map((row) => ({ r: r[row] })),
          documents: rows.map((row) => `tag-${r[row] % 10}`),
        });
      }
    }
    await segment.compact();
    for (let q = 0; q < data!.queries.count; q++) queries.push(data!.queries.data.subarray(q * dim, (q + 1) * dim));
  }, 240_000);

  afterAll(async () => {
    await db.close();
    cleanup();
  });

  /**
   * Exact filtered top k per query, computed here in float64 over the rows
   * `passes` admits (independent of the engine's own exact paths): row
   * numbers and the distance of the k-th, for counting ties as hits.
   */
  function exactFiltered(passes: (row: number) => boolean): { rows: number[]; kth: number }[] {
    const base = data!.base.data;
    return queries.map((q) => {
      const scored: { row: number; distance: number }[] = [];
      for (let row = 0; row < 10_000; row++) {
        if (passes(row)) scored.push({ row, distance: referenceDistance('l2', base.subarray(row * dim, (row + 1) * dim), q) });
      }
      scored.sort((a, b) => a.distance - b.distance);
      const top = scored.slice(0, K);
      return { rows: top.map((s) => s.row), kth: top.length > 0 ? top[top.length - 1].distance : 0 };
    });
  }

  /** Mean recall@10 of the filtered query against {@link exactFiltered}; checks every hit passes. */
  async function filteredRecall(
    col: Collection,
    truth: { rows: number[]; kth: number }[],
    where: Where,
    passes: (row: number) => boolean,
    whereDocument?: WhereDocument,
  ) {
    const got = await col.query({ queryEmbeddings: queries, nResults: K, where, whereDocument, include: ['metadatas'] });
    let sum = 0;
    got.ids.forEach((ids, q) => {
      for (const id of ids) expect(passes(Number(id)), `row ${id} fails the filter (query ${q})`).toBe(true);
      const { rows, kth } = truth[q];
      expect(ids.length).toBe(rows.length);
      // A row at the k-th distance (within float32 rounding) is as right as the one it displaced.
      const bound = kth * (1 + 1e-5) + 1e-9;
      const base = data!.base.data;
      const hits = ids.filter((id) => rows.includes(Number(id)) || referenceDistance('l2', base.subarray(Number(id) * dim, (Number(id) + 1) * dim), queries[q]) <= bound);
      sum += rows.length === 0 ? 1 : hits.length / rows.length;
    });
    return sum / queries.length;
  }

  it.each(SELECTIVITIES)('reaches recall@10 ≥ 0.95 at selectivity %s, in the memtable and in a segment', async (selectivity) => {
    const threshold = Math.round(selectivity * 1000);
    const where = { r: { $lt: threshold } };
    const passes = (row: number) => r[row] < threshold;
    const truth = exactFiltered(passes);
    expect(await filteredRecall(memtable, truth, where, passes)).toBeGreaterThanOrEqual(0.95);
    expect(await filteredRecall(segment, truth, where, passes)).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it('combines where and whereDocument, and never returns deleted rows', async () => {
    // r < 200 and r ≡ 3 (mod 10): 2 % of the rows.
    const where = { r: { $lt: 200 } };
    const whereDocument = { $contains: 'tag-3' };
    const deleted = new Set<number>();
    for (let row = 0; row < 10_000; row++) if (r[row] < 200 && r[row] % 10 === 3 && row % 2 === 0) deleted.add(row);
    const passes = (row: number) => r[row] < 200 && r[row] % 10 === 3 && !deleted.has(row);
    const truth = exactFiltered(passes);
    for (const col of [memtable, segment]) {
      await col.delete({ ids: [...deleted].map(String) });
      expect(await filteredRecall(col, truth, where, passes, whereDocument)).toBeGreaterThanOrEqual(0.95);
    }
  }, 60_000);

  it('returns every passing row when fewer than k pass', async () => {
    const where = { r: { $eq: 999 } };
    const passing = [...r.keys()].filter((row) => r[row] === 999);
    expect(passing.length).toBeLessThan(K * 2);
    for (const col of [memtable, segment]) {
      const got = await col.query({ queryEmbeddings: queries.slice(0, 5), nResults: passing.length + 5, where, include: [] });
      for (const ids of got.ids) expect(ids.map(Number).sort((a, b) => a - b)).toEqual(passing);
    }
  });
});
