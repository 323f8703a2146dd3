/**
 * An unfiltered search on the WebAssembly backend runs as one call
 * (knnSearch → GraphKernels.knn: entry distance, descent, layer search).
 * It must leave what the calls made one by one leave (queryDistance,
 * descend, searchLayer: the path of filtered walks and of the scalar
 * backend): the same number of results, rows and distances, at every ef;
 * and HnswIndex.search must answer as the filtered path does with a filter
 * that admits every row.
 */
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import type { HnswGraph } from '../src/ann/hnsw/hnsw-graph.js';
import type { HnswScratch } from '../src/ann/hnsw/hnsw-scratch.js';
import { descend, knnSearch, queryDistance, searchLayer } from '../src/ann/hnsw/hnsw-search-layer.js';
import type { Metric } from '../src/types.js';
import { hasDataset, loadDataset } from './helpers/datasets.js';

const CASES: { set: 'sift10k' | 'glove25'; metric: Metric; rows: number }[] = [
  { set: 'glove25', metric: 'cosine', rows: 3_000 },
  { set: 'glove25', metric: 'ip', rows: 3_000 },
  { set: 'sift10k', metric: 'l2', rows: 3_000 },
];

/** The (distance, row) pairs a walk left at the graph's result region. */
function results(graph: HnswGraph, count: number): number[] {
  const at = graph.resultsOffset() >> 2;
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(graph.memory.f32[at + 2 * i], graph.memory.i32[at + 2 * i + 1]);
  return out;
}

describe('one-call unfiltered walk', () => {
  it.each(CASES)('$set ($metric, first $rows rows): the same results as descend + searchLayer, at ef 1…128', async ({ set, metric, rows }) => {
    if (!hasDataset(set)) return;
    const data = loadDataset(set, metric === 'ip' ? 'cosine' : metric);
    const dim = data.dim;
    const index = await HnswIndex.build({ dimension: dim, metric, params: { M: 16, efConstruction: 64, seed: 7 } }, data.base.data.slice(0, rows * dim));
    const { graph, scratch } = index as unknown as { graph: HnswGraph; scratch: HnswScratch };
    expect(graph.memory.backend).toBe('wasm-simd');
    expect(graph.maxLevel).toBeGreaterThan(0);
    const best = new Float64Array(1);
    const queries = Math.min(100, data.queries.count);
    for (const ef of [1, 10, 16, 48, 128]) {
      for (let q = 0; q < queries; q++) {
        graph.rows.setQuery(data.queries.data.subarray(q * dim, (q + 1) * dim));
        const found = knnSearch(graph, scratch, graph.entryPoint, graph.maxLevel, ef, undefined, Infinity, best);
        const oneCall = results(graph, found);
        const node = descend(graph, scratch, graph.entryPoint, queryDistance(graph, scratch, graph.entryPoint), graph.maxLevel, 0, best);
        expect(searchLayer(graph, scratch, node, best[0], ef, 0)).toBeGreaterThan(0);
        expect(found, `ef ${ef}, query ${q}`).toBe(scratch.found);
        expect(oneCall, `ef ${ef}, query ${q}`).toEqual(results(graph, scratch.found));
      }
    }
    for (let q = 0; q < queries; q++) {
      const query = data.queries.data.subarray(q * dim, (q + 1) * dim);
      const filtered = index.search(query, 10, { efSearch: 16, accept: () => true, maxVisits: Infinity });
      expect(index.search(query, 10, { efSearch: 16 }), `query ${q}`).toEqual(filtered);
    }
    index.dispose();
  });
});
