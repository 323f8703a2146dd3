/**
 * Checks the WebAssembly HNSW walk over codes (index/code-walk.ts) against
 * the plain reference, the JavaScript walk of hnsw-search-layer.ts with the
 * scalar code kernels (the 'js' backend), on real data: the same graph,
 * codes and queries; every descent and level-0 search (plain and filtered)
 * must reach the same node and distance, visit count and candidates.
 */
import { expect } from 'vitest';
import { CodeWalk } from '../../src/ann/quantized/code-walk.js';
import { HnswIndex } from '../../src/ann/hnsw/hnsw.js';
import { metricCode } from '../../src/kernels/metric-code.js';
import { QuantizedArena } from '../../src/ann/quantized/quantized-arena.js';
import { buildQuantizedSegment } from '../../src/ann/quantized/quantized-build.js';
import { CompactGraph } from '../../src/ann/quantized/quantized-graph.js';
import type { QuantizationSpec } from '../../src/quantize/quantizer.js';
import type { Metric } from '../../src/types.js';
import { type DatasetName, loadDataset } from './datasets.js';

const SOURCE = { file: 'segments/1/graph', offset: 0 };

export interface WalkCase {
  set: DatasetName;
  metric: Metric;
  /** First rows of the set's base used (all when larger). */
  rows: number;
  queries: number;
  specs: Exclude<QuantizationSpec, 'none'>[];
  ef: number;
}

/** Runs `c`; returns the number of (spec, query) pairs compared. */
export function checkCodeWalkEquivalence(c: WalkCase): number {
  const data = loadDataset(c.set, c.set === 'sift10k' ? 'l2' : 'ip');
  const dim = data.dim;
  const rows = Math.min(c.rows, data.base.count);
  const base = data.base.data.subarray(0, rows * dim);
  const float = new HnswIndex(dim, c.metric, { M: 16, efConstruction: 100, seed: 7 }, { initialCapacity: rows });
  for (let r = 0; r < rows; r++) float.add(base.subarray(r * dim, (r + 1) * dim));
  const bytes = float.serializeGraph();
  float.dispose();
  let compared = 0;
  for (const spec of c.specs) {
    const { quantizer, codes } = buildQuantizedSegment(spec, base, dim, c.metric, bytes);
    const graph = CompactGraph.parse(bytes, { metricCode: metricCode(c.metric), dimension: dim, rows }, SOURCE);
    const arena = new QuantizedArena(quantizer, codes, graph, 'wasm-simd');
    const jsArena = new QuantizedArena(quantizer, codes, graph, 'js');
    expect(arena.memory.graphKernels).not.toBeNull();
    expect(jsArena.memory.graphKernels).toBeNull();
    const wasm = new CodeWalk(arena, graph.count, graph.entryPoint, graph.maxLevel);
    const reference = new CodeWalk(jsArena, graph.count, graph.entryPoint, graph.maxLevel);
    const best = new Float64Array(1);
    for (let q = 0; q < Math.min(c.queries, data.queries.count); q++) {
      const label = `${c.set} ${JSON.stringify(spec)} query ${q}`;
      const query = data.queries.data.subarray(q * dim, (q + 1) * dim);
      arena.setQuery(query);
      jsArena.setQuery(query);
      const entry = reference.descend(best);
      const entryDistance = best[0];
      expect(wasm.descend(best), label).toBe(entry);
      expect(best[0], label).toBe(entryDistance);
      for (const accept of [undefined, (row: number) => row % 3 !== 0]) {
        const maxVisits = accept === undefined ? Infinity : rows / 4;
        const visits = reference.searchLevel0(entry, entryDistance, c.ef, accept, maxVisits);
        const found = reference.found;
        const expected = visits < 0 ? [] : Array.from(reference.takeBest(c.ef));
        expect(wasm.searchLevel0(entry, entryDistance, c.ef, accept, maxVisits), label).toBe(visits);
        expect(wasm.found, label).toBe(visits < 0 ? 0 : found);
        expect(visits < 0 ? [] : Array.from(wasm.takeBest(c.ef)), label).toEqual(expected);
      }
      compared++;
    }
    arena.release();
    jsArena.release();
  }
  return compared;
}
