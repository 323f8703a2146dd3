import { afterAll, describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { searchWorker, stopSearchWorker } from '../src/ann/hnsw/hnsw-search-pool.js';
import { releaseSharedView } from '../src/ann/hnsw/hnsw-search-view.js';
import { searchShared } from '../src/search/shared-search.js';
import type { Neighbor } from '../src/storage/vector-index.js';
import type { Metric } from '../src/types.js';
import { hasDataset, loadDataset, type DatasetName } from './helpers/datasets.js';

/**
 * The search worker's walk (walkOne in hnsw-search-batch.ts) against HnswIndex.search
 * on the same graph: a segment-style graph opened in shared memory (l2 and
 * cosine) and a memtable-style graph linked in batches on two threads,
 * whose linker has a worker thread of its own.
 */
async function workerReady(): Promise<void> {
  searchWorker.available();
  for (let i = 0; i < 500 && !searchWorker.available(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(searchWorker.available()).toBe(true);
}

/** Shared batches until the worker has walked some queries; each must equal index.search. */
function expectSharedEqualsSearch(index: HnswIndex, queries: Float32Array[], k: number, efSearch: number): void {
  const one = (_: unknown, q: Float32Array): Neighbor[] => index.search(q, k, { efSearch });
  const before = searchWorker.sharedQueries;
  for (let round = 0; round < 50 && (round === 0 || searchWorker.sharedQueries === before); round++) {
    const out = searchShared([{ index, accept: undefined, filtered: false }], queries, k, { efSearch }, one);
    expect(out).not.toBeNull();
    for (let q = 0; q < queries.length; q++) expect(out![q][0]).toEqual(index.search(queries[q], k, { efSearch }));
  }
  expect(searchWorker.sharedQueries).toBeGreaterThan(before);
  // The worker's area (laid out at the same place for the same graph) is left zeroed: RowArena.pastTail's contract.
  const view = index.sharedSearchView(k, efSearch)!;
  expect(new Uint8Array(view.memory.buffer, view.area, view.areaBytes).every((b) => b === 0)).toBe(true);
  // …and is counted in the index's memory (what stats() reports).
  const { vectors, graph } = index.memoryBytes();
  expect(vectors + graph).toBeGreaterThanOrEqual(view.area + view.areaBytes);
}

function rowsOf(name: DatasetName, metric: Metric, rows: number, queryCount: number) {
  const d = loadDataset(name, metric);
  return {
    dim: d.dim,
    base: d.base.data.subarray(0, rows * d.dim),
    queries: Array.from({ length: queryCount }, (_, q) => d.queries.data.subarray(q * d.dim, (q + 1) * d.dim)),
  };
}

afterAll(() => stopSearchWorker());

describe.each([
  ['sift10k', 'l2'],
  ['glove25', 'cosine'],
] as const)('shared search on %s (%s)', (name, metric) => {
  it.skipIf(!hasDataset(name))('an opened graph: the worker returns what search returns', async () => {
    const { dim, base, queries } = rowsOf(name, metric, 3000, 40);
    const built = new HnswIndex(dim, metric, { M: 12, efConstruction: 64 });
    for (let r = 0; r < 3000; r++) built.add(base.subarray(r * dim, (r + 1) * dim));
    const index = HnswIndex.open({ dimension: dim, metric }, built.vectors(), built.serializeGraph(), { file: '(test)', offset: 0 });
    built.dispose();
    await workerReady();
    expectSharedEqualsSearch(index, queries, 10, 40);
    expectSharedEqualsSearch(index, queries, 1, 8);
    index.dispose();
  });
});

describe('shared search on a graph linked in batches', () => {
  it.skipIf(!hasDataset('sift10k'))('the worker returns what search returns, between batches of the linker; growth after it keeps the graph', async () => {
    const { dim, base, queries } = rowsOf('sift10k', 'l2', 6000, 40);
    const index = new HnswIndex(dim, 'l2', { M: 12, efConstruction: 64 }, { linking: { threads: 2 } });
    let row = 0;
    await workerReady();
    for (const until of [2500, 6000]) {
      while (row < until || index.pendingRows > 0) {
        index.add(base.subarray((row % 6000) * dim, ((row % 6000) + 1) * dim));
        row++;
      }
      // Only a graph with every row linked is shared.
      const view = index.sharedSearchView(10, 40);
      expect(view).not.toBeNull();
      releaseSharedView(view!);
      expectSharedEqualsSearch(index, queries, 10, 40);
    }
    // The worker's area past the arena's tail is left zeroed, so growing after a batch gives the graph growing without one.
    const twin = new HnswIndex(dim, 'l2', { M: 12, efConstruction: 64 }, { linking: { threads: 1 } });
    for (let r = 0; r < row; r++) twin.add(base.subarray((r % 6000) * dim, ((r % 6000) + 1) * dim));
    expect(Buffer.from(index.serializeGraph()).equals(Buffer.from(twin.serializeGraph()))).toBe(true);
    twin.dispose();
    index.dispose();
  });
});
