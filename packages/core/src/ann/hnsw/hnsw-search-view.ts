import type { WasmMemory } from '../../kernels/wasm-api.js';
import { wasmSharedKernelModule } from '../../kernels/wasm-module.js';
import type { HnswGraph } from './hnsw-graph.js';

/**
 * What the search worker needs to run HnswIndex.search's unfiltered walk
 * over a graph in a shared WebAssembly memory: the memory and the kernels
 * module compiled for it, the graph's regions at the time of the call, the
 * search's k and ef, and the worker's own working area past the arena's
 * tail (RowArena.pastTail): query, one id and one distance slot, visited
 * tags (int32 per row), candidate heap (8 bytes per entry, `maxVisits` +
 * one block's worth) and result heap (8 bytes per entry, ef + 2). Byte
 * offsets. Plain data: it is posted to the worker with each batch.
 */
export interface SharedGraphView {
  /** Tells graphs apart: the worker keeps its kernels per id. */
  id: number;
  memory: WasmMemory;
  module: object;
  metricCode: number;
  dim: number;
  /** Rows (all linked), the entry point and the top level. */
  size: number;
  entryPoint: number;
  maxLevel: number;
  /** Rows wanted (≤ size) and the candidate list size, as HnswIndex.search computes them. */
  k: number;
  ef: number;
  /** The walk gives up past this many visits (its candidate heap holds no more); the owner's thread then redoes the query. */
  maxVisits: number;
  vectors: number;
  norms: number;
  /** Level 0: fixed blocks of `stride0` int32. Levels ≥ 1: blocks of `strideUpper` int32 in the pool at `upper`, located by `upperAt`. */
  links0: number;
  stride0: number;
  upper: number;
  strideUpper: number;
  upperAt: number;
  /** The worker's area: [area, area + areaBytes), zero before and after each call. */
  area: number;
  areaBytes: number;
  query: number;
  ids: number;
  out: number;
  visited: number;
  candidates: number;
  results: number;
}

/**
 * Visits a worker's walk may make before it gives up: enough for an
 * unfiltered walk (a few thousand at ef ≤ 200 on 1M rows), so its
 * candidate heap needs 8 bytes per visit rather than per row.
 */
function visitBudget(size: number, ef: number): number {
  return Math.min(size, Math.max(8192, 64 * ef));
}

const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Ids of the graphs given a view, as the worker's key for the kernels it bound to their memory. */
const graphIds = new WeakMap<HnswGraph, number>();
let nextGraphId = 1;

/**
 * The view of `graph` for a search of `k` rows (1 ≤ k ≤ size) at candidate
 * list size `ef`, its working area laid out past the arena's tail (grown
 * if needed); null when the memory is not shared. Valid until the graph
 * changes; {@link releaseSharedView} zeroes the area after the call.
 */
export function sharedView(graph: HnswGraph, k: number, ef: number): SharedGraphView | null {
  const memory = graph.memory.sharedMemory;
  const module = wasmSharedKernelModule();
  if (memory === null || module === null) return null;
  let id = graphIds.get(graph);
  if (id === undefined) graphIds.set(graph, (id = nextGraphId++));
  const rows = graph.rows;
  const size = graph.size;
  const maxVisits = visitBudget(size, ef);
  const queryBytes = align(4 * rows.dimension);
  const visitedBytes = align(4 * size);
  const candidateBytes = align(8 * (maxVisits + graph.stride0 + 1));
  const areaBytes = queryBytes + 32 + visitedBytes + candidateBytes + align(8 * (ef + 2));
  const area = rows.arena.pastTail(areaBytes);
  const upper = graph.wasmLevel(1);
  return {
    id,
    memory,
    module,
    metricCode: rows.code,
    dim: rows.dimension,
    size,
    entryPoint: graph.entryPoint,
    maxLevel: graph.maxLevel,
    k,
    ef,
    maxVisits,
    vectors: rows.offset(0),
    norms: rows.offset(1),
    links0: graph.links0Offset(),
    stride0: graph.stride0,
    upper: upper.links,
    strideUpper: upper.stride,
    upperAt: upper.offsets,
    area,
    areaBytes,
    query: area,
    ids: area + queryBytes,
    out: area + queryBytes + 16,
    visited: area + queryBytes + 32,
    candidates: area + queryBytes + 32 + visitedBytes,
    results: area + queryBytes + 32 + visitedBytes + candidateBytes,
  };
}

/** Zeroes a view's working area once the worker is through with it (RowArena.pastTail's contract). */
export function releaseSharedView(view: SharedGraphView): void {
  new Uint8Array(view.memory.buffer).fill(0, view.area, view.area + view.areaBytes);
}
