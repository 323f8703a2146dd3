import { AscendingRows } from '../exact/ascending-rows.js';
import { MaxHeap, MinHeap } from '../../kernels/heap.js';
import { BATCH_ROWS, type QuantizedArena } from './quantized-arena.js';
import { CompactGraph } from './quantized-graph.js';

/**
 * HNSW search (Malkov & Yashunin 2018, Alg. 2 and 5) over a sealed
 * {@link CompactGraph} whose distances are estimated from the codes: each
 * expanded node's unvisited neighbours are scored in one batched kernel call
 * (`codeGather`), so the JS→WASM cost is paid per node, not per neighbour.
 * Also the brute-force code scan the filtered search falls back to. Every
 * method expects `arena.setQuery` first. Not safe for concurrent use.
 */
export class CodeGraphSearch {
  /** Candidates to expand, nearest first (C in the paper). */
  private readonly candidates = new MinHeap(256);
  /** Best results so far, farthest on top (W in the paper). */
  private readonly results = new MaxHeap(256);
  /** Visit marks: a node is visited in this search iff its mark equals `tag`. */
  private visited: Uint8Array;
  private tag = 0;

  constructor(
    private graph: CompactGraph,
    private readonly arena: QuantizedArena,
  ) {
    this.visited = new Uint8Array(graph.count);
  }

  /** Rows the last {@link searchLevel0} left as results. */
  get found(): number {
    return this.results.size;
  }

  /**
   * Greedy descent from the entry point through levels maxLevel … 1 (search
   * with ef = 1 per level); returns the level-0 entry node, its estimated
   * distance in `best[0]`. The graph must not be empty.
   */
  descend(best: Float64Array): number {
    const { graph, arena } = this;
    let node = graph.entryPoint;
    let distance = arena.codeDistance(node);
    const idsAt = arena.idsAt >> 2;
    const outAt = arena.outAt >> 2;
    for (let level = graph.maxLevel; level > 0; level--) {
      for (let moved = true; moved; ) {
        moved = false;
        const block = graph.upperFirst[node] + level - 1;
        const start = graph.upperOffsets[block];
        const degree = graph.upperOffsets[block + 1] - start;
        const i32 = arena.memory.i32;
        i32.set(graph.upperLinks.subarray(start, start + degree), idsAt);
        arena.gatherCodes(degree);
        const f32 = arena.memory.f32;
        for (let j = 0; j < degree; j++) {
          if (f32[outAt + j] < distance) {
            distance = f32[outAt + j];
            node = i32[idsAt + j];
            moved = true;
          }
        }
      }
    }
    best[0] = distance;
    return node;
  }

  /**
   * SEARCH-LAYER on level 0 from `entry`, keeping the `ef` nearest by the
   * codes. With `accept`, only accepted nodes become results, but rejected
   * ones are still expanded, so the walk crosses rejected regions (as
   * hnswlib's filtered search). Returns the nodes visited, or −1 once past
   * `maxVisits` (the caller then scans instead).
   */
  searchLevel0(entry: number, entryDistance: number, ef: number, accept?: (row: number) => boolean, maxVisits = Infinity): number {
    const { graph, arena, candidates, results } = this;
    const { offsets0, links0 } = graph;
    const visited = this.visited;
    const tag = this.nextTag();
    const i32 = arena.memory.i32;
    const f32 = arena.memory.f32;
    const idsAt = arena.idsAt >> 2;
    const outAt = arena.outAt >> 2;
    candidates.clear();
    results.clear();
    visited[entry] = tag;
    candidates.push(entryDistance, entry);
    if (accept === undefined || accept(entry)) results.push(entryDistance, entry);
    let bound = results.size > 0 ? results.topDistance() : Infinity;
    let visits = 1;
    while (candidates.size > 0) {
      if (candidates.topKey() > bound && results.size >= ef) break;
      const node = candidates.topId();
      candidates.pop();
      let fresh = 0;
      for (let j = offsets0[node], end = offsets0[node + 1]; j < end; j++) {
        const neighbour = links0[j];
        if (visited[neighbour] === tag) continue;
        visited[neighbour] = tag;
        i32[idsAt + fresh++] = neighbour;
      }
      if (fresh === 0) continue;
      visits += fresh;
      if (visits > maxVisits) return -1;
      arena.gatherCodes(fresh);
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
    return visits;
  }

  /**
   * The `count` best results of the last {@link searchLevel0} (all when
   * fewer), ascending by row; empties the results.
   */
  takeBest(count: number): Int32Array {
    const results = this.results;
    while (results.size > count) results.pop();
    const rows = new Int32Array(results.size);
    for (let i = 0; results.size > 0; i++) {
      rows[i] = results.topId();
      results.pop();
    }
    return rows.sort();
  }

  /**
   * The `count` rows nearest by the codes among those `accept` admits (all
   * when undefined), by brute force over every code; ascending by row.
   * `accept` is asked only about rows that would enter the current best,
   * or, when `ordered`, in ascending distance order until `count` pass (for
   * a costly filter; see exact-scan.ts).
   */
  nearestByCodes(count: number, accept?: (row: number) => boolean, ordered = false): Int32Array {
    const { arena, results } = this;
    const size = this.graph.count;
    results.clear();
    const outAt = arena.outAt >> 2;
    const distances = accept !== undefined && ordered ? new Float32Array(size) : null;
    for (let first = 0; first < size; first += BATCH_ROWS) {
      const n = Math.min(BATCH_ROWS, size - first);
      arena.scanCodes(first, n);
      const f32 = arena.memory.f32;
      if (distances !== null) {
        distances.set(f32.subarray(outAt, outAt + n), first);
        continue;
      }
      for (let i = 0; i < n; i++) {
        const d = f32[outAt + i];
        if (results.size === count && !(d < results.topDistance())) continue;
        if (accept !== undefined && !accept(first + i)) continue;
        if (results.size === count) results.pop();
        results.push(d, first + i);
      }
    }
    if (distances !== null) {
      const order = new AscendingRows(distances, size);
      for (let row = order.next(); row >= 0 && results.size < count; row = order.next()) {
        if (accept!(row)) results.push(distances[row], row);
      }
    }
    return this.takeBest(count);
  }

  /** Bytes of the visit marks. */
  get byteLength(): number {
    return this.visited.byteLength;
  }

  /** Drops the visit marks and the graph; the search must not be used afterwards. */
  release(): void {
    this.visited = new Uint8Array(0);
    this.graph = CompactGraph.empty();
  }

  /** A mark no node carries yet; marks wrap after 255 searches, when they are cleared once. */
  private nextTag(): number {
    if (this.tag === 255) {
      this.visited.fill(0);
      this.tag = 0;
    }
    return ++this.tag;
  }
}
