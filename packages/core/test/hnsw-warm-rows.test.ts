/**
 * Warming rows before scoring them (assembly/walk.ts `warm`, asked for by
 * kernels.ts `warmRows` on float rows past WARM_ROWS_MIN_BYTES: every line
 * of a row up to 512-d, the first above) only moves loads earlier: a search
 * answers the same rows and distances with it as without, warming the
 * first line or the whole row, for l2 and cosine (whose norms are warmed
 * too); glove25's 100-byte rows end mid-line.
 */
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import type { HnswGraph } from '../src/ann/hnsw/hnsw-graph.js';
import { type GraphKernels, WARM_ROWS_MIN_BYTES, warmRows } from '../src/kernels/kernels.js';
import type { Metric } from '../src/types.js';
import { hasDataset, loadDataset } from './helpers/datasets.js';

/** The graph's own scorer, with the bytes warmed per row forced to `warm`. */
function forceWarm(index: HnswIndex, warm: number): void {
  const graph = (index as unknown as { graph: HnswGraph }).graph;
  const rows = graph.rows;
  graph.useScorer = (walk: GraphKernels) =>
    walk.useFloatScorer(rows.code, rows.queryPtr, rows.queryInverseNorm, rows.offset(0), rows.offset(1), rows.dimension, warm);
}

const CASES: { set: 'sift10k' | 'glove25'; metric: Metric; rows: number }[] = [
  { set: 'sift10k', metric: 'l2', rows: 3_000 },
  { set: 'glove25', metric: 'cosine', rows: 3_000 },
];

describe('float walk with warmed rows', () => {
  it('is asked for from WARM_ROWS_MIN_BYTES of rows on: whole rows up to 512-d, the first line above', () => {
    expect(warmRows(WARM_ROWS_MIN_BYTES / 512, 128)).toBe(512);
    expect(warmRows(WARM_ROWS_MIN_BYTES / 512 - 1, 128)).toBe(0);
    expect(warmRows(WARM_ROWS_MIN_BYTES / 2048, 512)).toBe(2048);
    expect(warmRows(WARM_ROWS_MIN_BYTES / 2052, 513)).toBe(64);
    expect(warmRows(WARM_ROWS_MIN_BYTES / 4096, 1024)).toBe(64);
  });

  it.each(CASES)('$set ($metric, first $rows rows): same rows and distances warmed or not', async ({ set, metric, rows }) => {
    if (!hasDataset(set)) return;
    const data = loadDataset(set, metric);
    const dim = data.dim;
    const index = await HnswIndex.build({ dimension: dim, metric, params: { M: 16, efConstruction: 64, seed: 5 } }, data.base.data.slice(0, rows * dim));
    expect((index as unknown as { graph: HnswGraph }).graph.memory.backend).toBe('wasm-simd');
    const queries = Array.from({ length: Math.min(200, data.queries.count) }, (_, q) => data.queries.data.subarray(q * dim, (q + 1) * dim));
    const answers = (warm: number) => {
      forceWarm(index, warm);
      return queries.map((q) => index.search(q, 10, { efSearch: 48 }));
    };
    const cold = answers(0);
    // The first line only, and every line of the row.
    expect(answers(64)).toEqual(cold);
    expect(answers(dim * 4)).toEqual(cold);
    index.dispose();
  });
});
