import { beforeAll, describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import { hasDataset, loadDataset, type Dataset } from './helpers/datasets.js';
import { expectFilteredWalkRecall, tiedRecall } from './fixtures/hnsw-real-sets.js';

const SEED = 77;
const K = 10;
const SELECTIVITIES = [0.001, 0.01, 0.1, 0.5, 1];

describe.skipIf(!hasDataset('sift10k'))('HnswIndex filtered search on sift10k', () => {
  let data: Dataset;
  let index: HnswIndex;

  beforeAll(() => {
    data = loadDataset('sift10k', 'l2');
    index = new HnswIndex(data.dim, 'l2', { seed: SEED });
    for (let row = 0; row < data.base.count; row++) index.add(data.base.data.subarray(row * data.dim, (row + 1) * data.dim));
  });

  it.each(SELECTIVITIES)('returns k accepted rows with recall@10 ≥ 0.95 vs exact filtered search at selectivity %f', (selectivity) => {
    const random = new SeededRandom(SEED + Math.round(selectivity * 1e6));
    const accepted = Uint8Array.from({ length: data.base.count }, () => (random.next() < selectivity ? 1 : 0));
    const acceptedCount = accepted.reduce((a, b) => a + b, 0);
    const accept = (row: number) => accepted[row] === 1;
    let sum = 0;
    for (let q = 0; q < data.queries.count; q++) {
      const query = data.queries.data.subarray(q * data.dim, (q + 1) * data.dim);
      const exact = index.search(query, K, { accept, exact: true });
      const found = index.search(query, K, { accept });
      expect(exact).toHaveLength(Math.min(K, acceptedCount));
      expect(found).toHaveLength(exact.length);
      expect(found.every((n) => accept(n.row))).toBe(true);
      sum += tiedRecall(found, exact);
    }
    expect(sum / data.queries.count, `selectivity ${selectivity}, seed ${SEED}`).toBeGreaterThanOrEqual(0.95);
  });

  it('finds the accepted rows farthest from the query (a filter against the graph)', () => {
    const query = data.queries.data.subarray(0, data.dim);
    const all = index.search(query, data.base.count, { exact: true });
    const far = new Set(all.slice(-50).map((n) => n.row));
    const found = index.search(query, K, { accept: (row) => far.has(row) });
    const exact = index.search(query, K, { accept: (row) => far.has(row), exact: true });
    expect(found).toEqual(exact);
  });

  // The scalar (js) backend builds the same graph in several times the CPU: index-hnsw-real-sets.long.test.ts walks it.
  it('walks the graph through rejected rows on the wasm-simd backend', () => expectFilteredWalkRecall(data, 'wasm-simd', SEED));


  it('returns nothing when nothing is accepted', () => {
    const query = data.queries.data.subarray(0, data.dim);
    expect(index.search(query, K, { accept: () => false })).toEqual([]);
  });
});
