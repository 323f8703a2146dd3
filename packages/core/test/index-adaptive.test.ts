/**
 * The memtable index while it is promoted from exact to graph, a few rows
 * per add: every row stays searchable, exact answers stay exact, and the
 * sealed graph holds every row.
 */
import { describe, expect, it } from 'vitest';
import { AdaptiveIndex, PROMOTE_ROWS_PER_ADD, transientBeam } from '../src/ann/adaptive-index.js';
import { batchedBuildSupported } from '../src/ann/hnsw/hnsw-build.js';
import { readGraphHeader } from '../src/format/graph.js';
import { FlatIndex } from '../src/ann/exact/flat.js';
import { hasDataset, loadDataset } from './helpers/datasets.js';

const EXACT_ROWS = 1000;
const K = 10;

describe('AdaptiveIndex promotion (glove25, cosine)', () => {
  it.skipIf(!hasDataset('glove25'))('answers over every row at each step of the promotion', () => {
    const data = loadDataset('glove25', 'cosine');
    const { dim } = data;
    const row = (r: number) => data.base.data.subarray(r * dim, (r + 1) * dim);
    const index = new AdaptiveIndex(dim, 'cosine', { seed: 7 }, EXACT_ROWS);
    const reference = new FlatIndex(dim, 'cosine');
    const total = EXACT_ROWS + Math.ceil(EXACT_ROWS / (PROMOTE_ROWS_PER_ADD - 1)) + 200;
    const checks: string[] = [];
    let checked = 0;
    for (let r = 0; r < total; r++) {
      expect(index.add(row(r))).toBe(r);
      reference.add(row(r));
      if (r < EXACT_ROWS - 1 || r % 10 !== 0) continue;
      checked++;
      let found = 0;
      for (let q = 0; q < 20; q++) {
        const query = data.queries.data.subarray(q * dim, (q + 1) * dim);
        const truth = reference.search(query, K);
        expect(index.search(query, K, { exact: true }).map((n) => n.row), `exact at ${r + 1} rows`).toEqual(truth.map((n) => n.row));
        const want = new Set(truth.map((n) => n.row));
        found += index.search(query, K, { efSearch: 64 }).filter((n) => want.has(n.row)).length;
        // A filter that admits only the newest rows (the ones not yet in the graph while promoting).
        const newest = (x: number) => x > r - 30;
        expect(index.search(query, K, { accept: newest }).map((n) => n.row), `newest rows at ${r + 1}`).toEqual(reference.search(query, K, { accept: newest }).map((n) => n.row));
      }
      if (found / (20 * K) < 0.9) checks.push(`recall@10 ${found / (20 * K)} at ${r + 1} rows`);
    }
    expect(checked).toBeGreaterThan(20);
    expect(checks).toEqual([]);
    expect(index.vector(EXACT_ROWS + 5)).toEqual(Float32Array.from(row(EXACT_ROWS + 5)));
    const graph = index.toHnsw();
    expect(graph.size).toBe(total);
    expect(graph.pendingRows).toBe(0);
    index.dispose();
    reference.dispose();
  });
});

describe('AdaptiveIndex of a transient memtable (sift10k, l2)', () => {
  it.skipIf(!hasDataset('sift10k') || !batchedBuildSupported())('links with transientBeam, a different graph of nearly the same recall, its header keeping efConstruction', () => {
    const data = loadDataset('sift10k', 'l2');
    const { dim } = data;
    const params = { M: 16, efConstruction: 200 };
    const beam = transientBeam(params);
    expect(beam).toBe(100);
    const built = [new AdaptiveIndex(dim, 'l2', params), new AdaptiveIndex(dim, 'l2', params, undefined, beam)].map((index) => {
      for (let r = 0; r < data.base.count; r++) index.add(data.base.data.subarray(r * dim, (r + 1) * dim));
      const graph = index.toHnsw();
      let found = 0;
      const queries = data.queries.count;
      for (let q = 0; q < queries; q++) {
        const want = new Set(data.groundTruth.data.subarray(q * data.groundTruth.dim, q * data.groundTruth.dim + K));
        found += graph.search(data.queries.data.subarray(q * dim, (q + 1) * dim), K, { efSearch: 64 }).filter((n) => want.has(n.row)).length;
      }
      const bytes = graph.serializeGraph();
      index.dispose();
      return { recall: found / (queries * K), bytes };
    });
    const [full, transient] = built;
    expect(Buffer.from(transient.bytes).equals(Buffer.from(full.bytes))).toBe(false);
    expect(readGraphHeader(transient.bytes).efConstruction).toBe(200);
    expect(full.recall).toBeGreaterThan(0.95);
    expect(transient.recall).toBeGreaterThan(full.recall - 0.01);
  });
});
