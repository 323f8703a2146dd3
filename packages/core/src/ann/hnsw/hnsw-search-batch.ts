import { type GraphKernels, type Kernels, warmRows } from '../../kernels/kernels.js';
import { inverseNorm, METRIC_COSINE, type MetricCode } from '../../kernels/metric-code.js';
import type { SharedGraphView } from './hnsw-search-view.js';

/**
 * One batch of queries shared with the search worker: the query vectors,
 * the graphs to walk for each, where results go, and the control words.
 * Query q's result for graph g is `k_g` rows and distances from
 * `resultAt[g] + q · k_g`; `found[q · graphs + g]` is 1 when the worker
 * wrote it, 0 when its walk fell short (the owner's thread redoes it).
 */
export interface SearchBatch {
  graphs: SharedGraphView[];
  /** n × dim float32, row-major. */
  queries: SharedArrayBuffer;
  dim: number;
  n: number;
  /** int32 rows and float32 distances, same slots. */
  rows: SharedArrayBuffer;
  distances: SharedArrayBuffer;
  /** uint8 per (query, graph). */
  found: SharedArrayBuffer;
  /** First slot per graph. */
  resultAt: number[];
  /** int32 control words, indexed by {@link BATCH}. */
  ctrl: SharedArrayBuffer;
}

/**
 * Control words of a batch. STATE goes from POSTED to TAKEN (the worker
 * starts) or CANCELLED (the owner finished every query first: the worker
 * then does nothing), whichever compare-exchange wins; NEXT hands out
 * queries; DONE is set by the worker when it is through (FAILED on error).
 */
export const BATCH = { STATE: 0, NEXT: 1, DONE: 2, FAILED: 3 } as const;
export const BATCH_WORDS = 4;
export const POSTED = 0;
export const TAKEN = 1;
export const CANCELLED = 2;

/** The WebAssembly kernels a worker bound to a graph's shared memory. */
export type WalkKernels = Kernels & GraphKernels;

/**
 * HnswIndex.search's unfiltered walk for `query` over `view` (Malkov &
 * Yashunin 2018, Alg. 5: the greedy descent through the upper levels, then
 * SEARCH-LAYER at level 0 with ef), on the worker's own area: the same
 * WebAssembly `descend` and `searchLayer` (assembly/walk.ts) with the same
 * arguments as the owner's thread, so the same rows and distances come out.
 * Writes k rows and distances from `at`, ascending by distance (equal
 * distances in the walk's order; the caller orders them by row). Returns
 * false when the walk found fewer than k rows or passed its visit budget
 * (the owner's thread then redoes the query, exact fallback included).
 * `tag`: a visited tag no row of the area carries yet.
 */
export function walkOne(
  view: SharedGraphView,
  wasm: WalkKernels,
  query: Float32Array,
  tag: number,
  rows: Int32Array,
  distances: Float32Array,
  at: number,
): boolean {
  const buffer = view.memory.buffer;
  const f32 = new Float32Array(buffer);
  const i32 = new Int32Array(buffer);
  const code = view.metricCode as MetricCode;
  f32.set(query, view.query >> 2);
  // As VectorRows.setQuery: the inverse norm of the caller's vector, not of the copy (the same float32 values).
  const queryInv = code === METRIC_COSINE ? inverseNorm(query) : 1;
  i32[view.ids >> 2] = view.entryPoint;
  wasm.gather(code, view.query, queryInv, view.vectors, view.norms, view.dim, view.ids, 1, view.out);
  wasm.useFloatScorer(code, view.query, queryInv, view.vectors, view.norms, view.dim, warmRows(view.size, view.dim));
  const node = wasm.descend(view.upper, view.strideUpper, view.upperAt, view.maxLevel, 0, view.entryPoint, f32[view.out >> 2]);
  const entryDistance = wasm.nearestDistance();
  const { links0, stride0, visited, ef, maxVisits, candidates, results } = view;
  const visits = wasm.searchLayer(links0, stride0, 0, 0, visited, tag, node, entryDistance, ef, 0, maxVisits, candidates, results);
  if (visits < 0 || wasm.resultCount() < view.k) return false;
  const from = results >> 2;
  for (let i = 0; i < view.k; i++) {
    distances[at + i] = f32[from + 2 * i];
    rows[at + i] = i32[from + 2 * i + 1];
  }
  return true;
}

/**
 * Worker side of a batch: unless the owner cancelled it, takes queries
 * from NEXT until none is left, walking every graph for each; then sets
 * DONE (and FAILED on an error, which it rethrows). Each graph's area is
 * zero when the batch starts, so tags count from 1.
 */
export function runBatch(batch: SearchBatch, kernels: WalkKernels[]): void {
  const ctrl = new Int32Array(batch.ctrl);
  if (Atomics.compareExchange(ctrl, BATCH.STATE, POSTED, TAKEN) !== POSTED) return;
  try {
    const queries = new Float32Array(batch.queries);
    const rows = new Int32Array(batch.rows);
    const distances = new Float32Array(batch.distances);
    const found = new Uint8Array(batch.found);
    const G = batch.graphs.length;
    let tag = 0;
    for (let q; (q = Atomics.add(ctrl, BATCH.NEXT, 1)) < batch.n; ) {
      const query = queries.subarray(q * batch.dim, (q + 1) * batch.dim);
      tag++;
      for (let g = 0; g < G; g++) {
        const view = batch.graphs[g];
        found[q * G + g] = walkOne(view, kernels[g], query, tag, rows, distances, batch.resultAt[g] + q * view.k) ? 1 : 0;
      }
    }
  } catch (error) {
    Atomics.store(ctrl, BATCH.FAILED, 1);
    throw error;
  } finally {
    Atomics.store(ctrl, BATCH.DONE, 1);
    Atomics.notify(ctrl, BATCH.DONE);
  }
}
