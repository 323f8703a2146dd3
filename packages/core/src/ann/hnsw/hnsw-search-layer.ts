import type { MaxHeap, MinHeap } from '../../kernels/heap.js';
import { collectUnvisited } from './hnsw-steps.js';
import type { GraphKernels } from '../../kernels/kernels.js';

/**
 * The HNSW traversal (Malkov & Yashunin 2018), written once for every graph:
 * the growable graph (HnswGraph), a sealed quantized graph (CodeWalk) and
 * the parallel build's threads. On the WebAssembly backend the greedy
 * descent and each SEARCH-LAYER run in assembly/walk.ts, one call each
 * (an unfiltered k-NN search, all of it in one: {@link knnSearch});
 * on the scalar backend here in JavaScript, the reference the WebAssembly
 * walk is tested against (same visits, same heaps, same results).
 */

/** Where a level's blocks are for the WebAssembly walk; see {@link GraphKernels}. */
export interface WasmLevel {
  links: number;
  /** int32 per fixed block; 0 = located by `offsets` (compact blocks, levels in order). */
  stride: number;
  offsets: number;
}

/** A graph and the scorer of the current query, as the walk sees them. */
export interface WalkGraph {
  /** Kernel memory: views re-read on every use (growth replaces them), the WebAssembly walk (null on the scalar backend), the filter hook. */
  readonly memory: {
    readonly i32: Int32Array;
    readonly f32: Float32Array;
    readonly graphKernels: GraphKernels | null;
    setAccept(accept: (row: number) => boolean): void;
  };
  /** The int32 array holding `level`'s blocks (degree, then neighbours). */
  linkArray(level: number): Int32Array;
  /** Index in {@link linkArray} of `node`'s block at `level`. */
  linkIndex(node: number, level: number): number;
  /**
   * `level` as the WebAssembly walk reads it, or null when it is not in
   * kernel memory. Every level ≥ 1 has the same view (one call descends
   * through them all).
   */
  wasmLevel(level: number): WasmLevel | null;
  /** Makes the current query and rows (or codes) the WebAssembly walk's scorer. */
  useScorer(walk: GraphKernels): void;
  /** float32 distances from the current query to the `count` int32 rows at byte `ids`, into byte `out`. */
  gather(ids: number, count: number, out: number): void;
  /** int32 index of the visited tags (one per row). */
  visitedIndex(): number;
  /** A tag no row carries yet. */
  nextVisitTag(): number;
  /** Byte offsets of the candidate heap and of the results (8 bytes per row each). */
  candidatesOffset(): number;
  resultsOffset(): number;
}

/** Working space of a walk: `ids` / `out` hold ≥ max degree int32 / float32 slots (byte offsets in kernel memory). */
export interface WalkScratch {
  readonly ids: number;
  readonly out: number;
  /** Candidates to expand, nearest first (C in the paper), and best results, farthest on top (W). */
  readonly candidates: MinHeap;
  readonly results: MaxHeap;
  /** Results the last layer search left at the graph's result region. */
  found: number;
}

/** Distance from the current query to one node. */
export function queryDistance(graph: WalkGraph, scratch: WalkScratch, node: number): number {
  graph.memory.i32[scratch.ids >> 2] = node;
  graph.gather(scratch.ids, 1, scratch.out);
  return graph.memory.f32[scratch.out >> 2];
}

/**
 * Greedy walk at `level` (search with ef = 1) in JavaScript: moves to the
 * closest neighbour until none is closer (the first of equal ones). Returns
 * the node; its distance is left in `best[0]`.
 */
function greedyClosest(
  graph: WalkGraph,
  scratch: WalkScratch,
  start: number,
  startDistance: number,
  level: number,
  best: Float64Array,
): number {
  let node = start;
  let distance = startDistance;
  const idsAt = scratch.ids >> 2;
  const outAt = scratch.out >> 2;
  for (let moved = true; moved; ) {
    moved = false;
    const links = graph.linkArray(level);
    const at = graph.linkIndex(node, level);
    const degree = links[at];
    const i32 = graph.memory.i32;
    for (let j = 0; j < degree; j++) i32[idsAt + j] = links[at + 1 + j];
    graph.gather(scratch.ids, degree, scratch.out);
    const f32 = graph.memory.f32;
    for (let j = 0; j < degree; j++) {
      if (f32[outAt + j] < distance) {
        distance = f32[outAt + j];
        node = i32[idsAt + j];
        moved = true;
      }
    }
  }
  best[0] = distance;
  return node;
}

/**
 * Greedy descent from `entry` (its distance `entryDistance`) through levels
 * `top` … `bottom + 1` (bottom ≥ 0); returns the node reached, its distance
 * in `best[0]`.
 */
export function descend(
  graph: WalkGraph,
  scratch: WalkScratch,
  entry: number,
  entryDistance: number,
  top: number,
  bottom: number,
  best: Float64Array,
): number {
  const wasm = graph.memory.graphKernels;
  const view = wasm === null || top <= bottom ? null : graph.wasmLevel(top);
  if (view !== null) {
    graph.useScorer(wasm!);
    const node = wasm!.descend(view.links, view.stride, view.offsets, top, bottom, entry, entryDistance);
    best[0] = wasm!.nearestDistance();
    return node;
  }
  let node = entry;
  best[0] = entryDistance;
  for (let level = top; level > bottom; level--) node = greedyClosest(graph, scratch, node, best[0], level, best);
  return node;
}

/**
 * SEARCH-LAYER (Malkov & Yashunin 2018, Alg. 2) from one entry point on
 * `level`: leaves the `ef` nearest nodes found in the graph's result region
 * as (distance f32, row i32) pairs, ascending (see
 * {@link WalkGraph.resultsOffset}), and their count in `scratch.found`.
 *
 * With `accept`, only accepted nodes enter the results but rejected ones are
 * still expanded, so the walk crosses rejected regions and continues until
 * `ef` accepted nodes are found or the reachable graph is exhausted (as
 * hnswlib's filtered search). Returns the number of nodes visited, or −1 when
 * it passed `maxVisits` (the caller then falls back to an exact scan).
 */
export function searchLayer(
  graph: WalkGraph,
  scratch: WalkScratch,
  entry: number,
  entryDistance: number,
  ef: number,
  level: number,
  accept?: (row: number) => boolean,
  maxVisits = Infinity,
): number {
  const wasm = graph.memory.graphKernels;
  const view = wasm === null ? null : graph.wasmLevel(level);
  if (view !== null) return searchLayerWasm(graph, scratch, wasm!, view, entry, entryDistance, ef, level, accept, maxVisits);
  const { candidates, results } = scratch;
  candidates.clear();
  results.clear();
  const tag = graph.nextVisitTag();
  const visitedAt = graph.visitedIndex();
  const links = graph.linkArray(level);
  const i32 = graph.memory.i32;
  const f32 = graph.memory.f32;
  const idsAt = scratch.ids >> 2;
  const outAt = scratch.out >> 2;
  i32[visitedAt + entry] = tag;
  candidates.push(entryDistance, entry);
  if (accept === undefined || accept(entry)) results.push(entryDistance, entry);
  let bound = results.size > 0 ? results.topDistance() : Infinity;
  let visits = 1;
  while (candidates.size > 0) {
    const nearest = candidates.topKey();
    if (nearest > bound && results.size >= ef) break;
    const node = candidates.topId();
    candidates.pop();
    const fresh = collectUnvisited(links, graph.linkIndex(node, level), i32, visitedAt, tag, idsAt);
    if (fresh === 0) continue;
    visits += fresh;
    if (visits > maxVisits) return -1;
    graph.gather(scratch.ids, fresh, scratch.out);
    for (let j = 0; j < fresh; j++) {
      const distance = f32[outAt + j];
      if (results.size >= ef && !(distance < bound)) continue;
      const neighbour = i32[idsAt + j];
      candidates.push(distance, neighbour);
      if (accept !== undefined && !accept(neighbour)) continue;
      // Full: the farthest result leaves in one sift-down (as the WebAssembly walk does).
      if (results.size < ef) results.push(distance, neighbour);
      else results.replaceTop(distance, neighbour);
      bound = results.topDistance();
    }
  }
  const resultsAt = graph.resultsOffset() >> 2;
  scratch.found = results.size;
  for (let i = results.size - 1; i >= 0; i--) {
    f32[resultsAt + 2 * i] = results.topDistance();
    i32[resultsAt + 2 * i + 1] = results.topId();
    results.pop();
  }
  return visits;
}

/**
 * K-NN-SEARCH (Malkov & Yashunin 2018, Alg. 5) from `entry`: the greedy
 * descent through levels `top` … 1, then SEARCH-LAYER on level 0 with `ef`
 * ({@link searchLayer}: `accept`, `maxVisits`, the results left at the
 * graph's result region). Returns how many results it left, or −1 when the
 * walk passed `maxVisits`. An unfiltered walk on the WebAssembly backend is
 * one call (GraphKernels.knn: the same steps, scores and results).
 */
export function knnSearch(
  graph: WalkGraph,
  scratch: WalkScratch,
  entry: number,
  top: number,
  ef: number,
  accept: ((row: number) => boolean) | undefined,
  maxVisits: number,
  best: Float64Array,
): number {
  const wasm = graph.memory.graphKernels;
  const level0 = wasm === null || accept !== undefined ? null : graph.wasmLevel(0);
  const upper = level0 === null ? null : graph.wasmLevel(1);
  if (upper !== null) {
    graph.useScorer(wasm!);
    const { links, stride, offsets } = level0!;
    const found = wasm!.knn(upper.links, upper.stride, upper.offsets, top, links, stride, offsets, graph.visitedIndex() << 2, graph.nextVisitTag(), entry, ef, graph.candidatesOffset(), graph.resultsOffset());
    scratch.found = found;
    return found;
  }
  const node = descend(graph, scratch, entry, queryDistance(graph, scratch, entry), top, 0, best);
  const visits = searchLayer(graph, scratch, node, best[0], ef, 0, accept, maxVisits);
  return visits < 0 ? -1 : scratch.found;
}

function searchLayerWasm(
  graph: WalkGraph,
  scratch: WalkScratch,
  wasm: GraphKernels,
  view: WasmLevel,
  entry: number,
  entryDistance: number,
  ef: number,
  level: number,
  accept: ((row: number) => boolean) | undefined,
  maxVisits: number,
): number {
  const memory = graph.memory;
  graph.useScorer(wasm);
  if (accept !== undefined) memory.setAccept(accept);
  let visits: number;
  try {
    visits = wasm.searchLayer(
      view.links,
      view.stride,
      view.offsets,
      level,
      graph.visitedIndex() << 2,
      graph.nextVisitTag(),
      entry,
      entryDistance,
      ef,
      accept === undefined ? 0 : 1,
      Math.min(maxVisits, 0x7fffffff),
      graph.candidatesOffset(),
      graph.resultsOffset(),
    );
  } finally {
    // Drop the caller's filter so the memory does not keep it alive.
    if (accept !== undefined) memory.setAccept(acceptAll);
  }
  scratch.found = visits < 0 ? 0 : wasm.resultCount();
  return visits;
}

function acceptAll(): boolean {
  return true;
}
