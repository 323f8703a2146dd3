import type { HnswGraph } from './hnsw-graph.js';
import type { HnswScratch } from './hnsw-scratch.js';
import { descend, queryDistance, searchLayer } from './hnsw-search-layer.js';
import { sortByDistance } from './hnsw-steps.js';

/**
 * INSERT (Malkov & Yashunin 2018, Alg. 1, with hnswlib's choices): links the
 * stored row `row`, whose level is already set, into the graph. Greedy
 * descent to `level + 1`, then on each level from min(level, maxLevel) to 0:
 * SEARCH-LAYER with `efConstruction`, the selection heuristic picks ≤ M
 * neighbours, and each neighbour links back, re-running the heuristic over
 * its own list when full (at most 2·M on level 0, M above).
 */
export function insertRow(graph: HnswGraph, scratch: HnswScratch, row: number, level: number, efConstruction: number): void {
  if (graph.entryPoint < 0) {
    graph.entryPoint = row;
    graph.maxLevel = level;
    return;
  }
  const rows = graph.rows;
  const best = new Float64Array(1);
  const selected = new Int32Array(graph.M);
  rows.setQueryRow(row);
  let node = descend(graph, scratch, graph.entryPoint, queryDistance(graph, scratch, graph.entryPoint), graph.maxLevel, level, best);
  let distance = best[0];
  for (let l = Math.min(level, graph.maxLevel); l >= 0; l--) {
    searchLayer(graph, scratch, node, distance, efConstruction, l);
    const count = takeResults(graph, scratch);
    const i32 = rows.memory.i32;
    node = i32[scratch.candIds >> 2];
    distance = rows.memory.f32[scratch.candDists >> 2];
    const kept = select(graph, scratch, count, graph.M);
    // connect() reuses the scratch arrays, so keep the choice in JS first.
    selected.set(i32.subarray(scratch.selected >> 2, (scratch.selected >> 2) + kept));
    writeLinks(graph, row, l, selected, kept);
    for (let i = 0; i < kept; i++) connect(graph, scratch, selected[i], row, l);
    rows.setQueryRow(row);
  }
  if (level > graph.maxLevel) {
    graph.entryPoint = row;
    graph.maxLevel = level;
  }
}

/** Copies the layer search's results (ascending) into candIds/candDists; returns the count. */
function takeResults(graph: HnswGraph, scratch: HnswScratch): number {
  const count = scratch.found;
  const i32 = graph.rows.memory.i32;
  const f32 = graph.rows.memory.f32;
  const from = graph.resultsOffset() >> 2;
  const ids = scratch.candIds >> 2;
  const dists = scratch.candDists >> 2;
  for (let i = 0; i < count; i++) {
    f32[dists + i] = f32[from + 2 * i];
    i32[ids + i] = i32[from + 2 * i + 1];
  }
  return count;
}

/** Runs the selection heuristic over the first `count` candidates into scratch.selected. */
function select(graph: HnswGraph, scratch: HnswScratch, count: number, maxM: number): number {
  const rows = graph.rows;
  return rows.kernels.selectNeighbors(
    rows.code,
    rows.offset(0),
    rows.offset(1),
    rows.dimension,
    scratch.candIds,
    scratch.candDists,
    count,
    maxM,
    scratch.selected,
  );
}

function writeLinks(graph: HnswGraph, node: number, level: number, ids: Int32Array, count: number): void {
  const links = graph.linkArray(level);
  const at = graph.linkIndex(node, level);
  links[at] = count;
  for (let i = 0; i < count; i++) links[at + 1 + i] = ids[i];
}

/** Adds `added` to `node`'s list at `level`, pruning by the heuristic when the list is full. */
function connect(graph: HnswGraph, scratch: HnswScratch, node: number, added: number, level: number): void {
  const links = graph.linkArray(level);
  const at = graph.linkIndex(node, level);
  const degree = links[at];
  const cap = graph.maxDegree(level);
  if (degree < cap) {
    links[at + 1 + degree] = added;
    links[at] = degree + 1;
    return;
  }
  const rows = graph.rows;
  rows.setQueryRow(node);
  const i32 = rows.memory.i32;
  const f32 = rows.memory.f32;
  const ids = scratch.ids >> 2;
  for (let j = 0; j < degree; j++) i32[ids + j] = links[at + 1 + j];
  i32[ids + degree] = added;
  const count = degree + 1;
  rows.gather(scratch.ids, count, scratch.out);
  sortByDistance(i32, f32, count, ids, scratch.out >> 2, scratch.candIds >> 2, scratch.candDists >> 2);
  const kept = select(graph, scratch, count, cap);
  links[at] = kept;
  for (let j = 0; j < kept; j++) links[at + 1 + j] = i32[(scratch.selected >> 2) + j];
}
