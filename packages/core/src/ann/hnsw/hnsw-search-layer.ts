import type { HnswGraph } from './hnsw-graph.js';
import type { HnswScratch } from './hnsw-scratch.js';
import { collectUnvisited } from './hnsw-steps.js';

/** Distance from the current query to one node. */
export function queryDistance(graph: HnswGraph, scratch: HnswScratch, node: number): number {
  graph.rows.scan(node, 1, scratch.out);
  return graph.rows.memory.f32[scratch.out >> 2];
}

/**
 * Greedy walk at `level` (search with ef = 1): moves to the closest
 * neighbour until none is closer. Returns the node; its distance is left in
 * `best[0]`. Used above the insert level and above level 0 when searching.
 */
export function greedyClosest(
  graph: HnswGraph,
  scratch: HnswScratch,
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
    const i32 = graph.rows.memory.i32;
    for (let j = 0; j < degree; j++) i32[idsAt + j] = links[at + 1 + j];
    graph.rows.gather(scratch.ids, degree, scratch.out);
    const f32 = graph.rows.memory.f32;
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
 * SEARCH-LAYER (Malkov & Yashunin 2018, Alg. 2) in JavaScript, from one entry
 * point, on any level (level 0 goes to {@link searchLevel0} instead when
 * WebAssembly is available): leaves the `ef` nearest nodes found in the
 * graph's result region, ascending (see {@link HnswGraph.resultsOffset}),
 * and their count in `scratch.found`.
 *
 * With `accept`, only accepted nodes enter the results but rejected ones are
 * still expanded, so the walk crosses rejected regions and continues until
 * `ef` accepted nodes are found or the reachable graph is exhausted (as
 * hnswlib's filtered search). Returns the number of nodes visited, or −1 when
 * it passed `maxVisits` (the caller then falls back to an exact scan).
 */
export function searchLayer(
  graph: HnswGraph,
  scratch: HnswScratch,
  entry: number,
  entryDistance: number,
  ef: number,
  level: number,
  accept?: (row: number) => boolean,
  maxVisits = Infinity,
): number {
  const { candidates, results } = scratch;
  candidates.clear();
  results.clear();
  const tag = graph.nextVisitTag();
  const visitedAt = graph.visitedIndex();
  const links = graph.linkArray(level);
  const i32 = graph.rows.memory.i32;
  const f32 = graph.rows.memory.f32;
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
    graph.rows.gather(scratch.ids, fresh, scratch.out);
    for (let j = 0; j < fresh; j++) {
      const distance = f32[outAt + j];
      if (results.size >= ef && !(distance < bound)) continue;
      const neighbour = i32[idsAt + j];
      candidates.push(distance, neighbour);
      if (accept !== undefined && !accept(neighbour)) continue;
      results.push(distance, neighbour);
      if (results.size > ef) results.pop();
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
 * Level-0 SEARCH-LAYER: in WebAssembly when the backend has it (no JS call
 * per node, the filter excepted), else {@link searchLayer}. Same contract.
 */
export function searchLevel0(
  graph: HnswGraph,
  scratch: HnswScratch,
  entry: number,
  entryDistance: number,
  ef: number,
  accept?: (row: number) => boolean,
  maxVisits = Infinity,
): number {
  const memory = graph.rows.memory;
  const wasm = memory.graphKernels;
  if (wasm === null) return searchLayer(graph, scratch, entry, entryDistance, ef, 0, accept, maxVisits);
  const rows = graph.rows;
  if (accept !== undefined) memory.setAccept(accept);
  let visits: number;
  try {
    visits = wasm.searchLevel0(
    rows.code,
    rows.queryPtr,
    rows.queryInverseNorm,
    rows.offset(0),
    rows.offset(1),
    rows.dimension,
    graph.links0Offset(),
    graph.stride0,
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
