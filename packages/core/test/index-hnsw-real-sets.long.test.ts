/**
 * HnswIndex on the real sets the fast tier leaves out (long tier: full
 * sequential builds): recall@10 ≥ 0.95 at the default efSearch on glove25
 * (cosine) and scifact-bge (ip), and the filtered walk on the scalar (js)
 * backend. index-hnsw.test.ts and index-hnsw-filter.test.ts hold sift10k on
 * WebAssembly.
 */
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { DEFAULT_HNSW_PARAMS } from '../src/ann/hnsw/hnsw-params.js';
import type { Metric } from '../src/types.js';
import { hasDataset, loadDataset, recallAtK, referenceDistance, type DatasetName } from './helpers/datasets.js';

const SEED = 1234;
const K = 10;

describe.each<[DatasetName, Metric]>([
  ['glove25', 'cosine'],
  ['scifact-bge', 'ip'],
])('HnswIndex on %s (%s)', (name, metric) => {
  it.skipIf(!hasDataset(name))(`reaches recall@10 ≥ 0.95 at the default efSearch (${DEFAULT_HNSW_PARAMS.efSearch})`, () => {
    const data = loadDataset(name, metric);
    const index = new HnswIndex(data.dim, metric, { seed: SEED });
    for (let row = 0; row < data.base.count; row++) index.add(data.base.data.subarray(row * data.dim, (row + 1) * data.dim));
    let sum = 0;
    for (let q = 0; q < data.queries.count; q++) {
      const query = data.queries.data.subarray(q * data.dim, (q + 1) * data.dim);
      const found = index.search(query, K);
      expect(found).toHaveLength(K);
      const truth = data.groundTruth.data.subarray(q * data.groundTruth.dim, (q + 1) * data.groundTruth.dim);
      const base = (row: number) => data.base.data.subarray(row * data.dim, (row + 1) * data.dim);
      sum += recallAtK(found.map((n) => n.row), truth, K, (row) => referenceDistance(metric, base(row), query));
    }
    expect(sum / data.queries.count, `recall@10 on ${name}, seed ${SEED}`).toBeGreaterThanOrEqual(0.95);
  });
});

/** Recall of `found` against exact filtered results, counting distance ties as hits. */
function tiedRecall(found: { row: number; distance: number }[], exact: { row: number; distance: number }[]): number {
  const rows = new Set(exact.map((n) => n.row));
  const last = exact[exact.length - 1].distance;
  const bound = last + Math.abs(last) * 1e-6;
  return found.filter((n) => rows.has(n.row) || n.distance <= bound).length / exact.length;
}

describe.skipIf(!hasDataset('sift10k'))('HnswIndex filtered search on sift10k, js backend', () => {
  it('walks the graph through rejected rows', () => {
    const seed = 77;
    const data = loadDataset('sift10k', 'l2');
    const walked = new HnswIndex(data.dim, 'l2', { seed, efConstruction: 64 }, { backend: 'js' });
    for (let row = 0; row < data.base.count; row++) walked.add(data.base.data.subarray(row * data.dim, (row + 1) * data.dim));
    // One row in five at efSearch 32: the walk needs ≈ 1,550 visits here, under
    // the exact-scan cut-over (n/4 = 2,500), so the walk itself answers.
    const accept = (row: number) => row % 5 === 0;
    let sum = 0;
    for (let q = 0; q < data.queries.count; q++) {
      const query = data.queries.data.subarray(q * data.dim, (q + 1) * data.dim);
      const found = walked.search(query, K, { accept, efSearch: 32 });
      expect(found).toHaveLength(K);
      expect(found.every((n) => accept(n.row))).toBe(true);
      sum += tiedRecall(found, walked.search(query, K, { accept, exact: true }));
    }
    expect(sum / data.queries.count, `js, seed ${seed}`).toBeGreaterThanOrEqual(0.95);
  });
});
