import { MaxHeap, MinHeap } from '../../kernels/heap.js';
import { descend, queryDistance, searchLayer, type WalkGraph, type WalkScratch, type WasmLevel } from '../hnsw/hnsw-search-layer.js';
import type { KernelMemory } from '../../kernels/kernel-memory.js';
import type { GraphKernels } from '../../kernels/kernels.js';
import type { QuantizedArena } from './quantized-arena.js';

/**
 * The HNSW walk (Malkov & Yashunin 2018, Alg. 2 and 5) over a sealed graph
 * held in a {@link QuantizedArena}, with distances estimated from the codes:
 * greedy descent and level-0 SEARCH-LAYER are the shared walk of
 * hnsw-search-layer.ts, which runs every level in WebAssembly with the SIMD
 * code kernels inlined (no JS call per node except the optional filter),
 * or in JavaScript on the scalar backend. Every method expects
 * `arena.setQuery` first. Not safe for concurrent use.
 */
export class CodeWalk implements WalkGraph, WalkScratch {
  readonly ids: number;
  readonly out: number;
  readonly candidates = new MinHeap(256);
  readonly results = new MaxHeap(256);
  /** Rows the last {@link searchLevel0} left as results. */
  found = 0;
  private tag = 0;
  /** {@link takeBest}'s rows, reused (an allocation per query costs, see Sq8Quantizer's `scaled`); grown to the largest count asked. */
  private best = new Int32Array(0);

  constructor(
    private readonly arena: QuantizedArena,
    /** Rows of the graph. */
    readonly count: number,
    /** Node every search starts from and its level; −1 when empty. */
    private readonly entryPoint: number,
    private readonly maxLevel: number,
  ) {
    this.ids = arena.idsAt;
    this.out = arena.outAt;
  }

  get memory(): KernelMemory {
    return this.arena.memory;
  }

  /**
   * Greedy descent from the entry point through levels maxLevel … 1; returns
   * the level-0 entry node, its estimated distance in `best[0]`. The graph
   * must not be empty.
   */
  descend(best: Float64Array): number {
    const start = queryDistance(this, this, this.entryPoint);
    return descend(this, this, this.entryPoint, start, this.maxLevel, 0, best);
  }

  /**
   * SEARCH-LAYER on level 0 from `entry`, keeping the `ef` nearest by the
   * codes. With `accept`, only accepted nodes become results, but rejected
   * ones are still expanded (as hnswlib's filtered search). Returns the
   * nodes visited, or −1 once past `maxVisits` (the caller then scans).
   */
  searchLevel0(entry: number, entryDistance: number, ef: number, accept?: (row: number) => boolean, maxVisits = Infinity): number {
    return searchLayer(this, this, entry, entryDistance, ef, 0, accept, maxVisits);
  }

  /**
   * The `count` best results of the last {@link searchLevel0} (all when
   * fewer), ascending by row, in a buffer the next call overwrites.
   */
  takeBest(count: number): Int32Array {
    const n = Math.min(count, this.found);
    const i32 = this.arena.memory.i32;
    const at = this.arena.resultsAt >> 2;
    if (this.best.length < n) this.best = new Int32Array(n);
    const rows = this.best.subarray(0, n);
    for (let i = 0; i < n; i++) rows[i] = i32[at + 2 * i + 1];
    this.found = 0;
    return rows.sort();
  }

  // WalkGraph: every level's blocks are in kernel memory, in the section's order.

  linkArray(): Int32Array {
    return this.arena.memory.i32;
  }

  linkIndex(node: number, level: number): number {
    const i32 = this.arena.memory.i32;
    const blocks = this.arena.blocksAt >> 2;
    let at = blocks + i32[(this.arena.offsetsAt >> 2) + node];
    for (let l = 0; l < level; l++) at += i32[at] + 1;
    return at;
  }

  wasmLevel(): WasmLevel {
    return { links: this.arena.blocksAt, stride: 0, offsets: this.arena.offsetsAt };
  }

  useScorer(walk: GraphKernels): void {
    this.arena.useCodeScorer(walk);
  }

  gather(ids: number, count: number, out: number): void {
    this.arena.gatherCodes(ids, count, out);
  }

  visitedIndex(): number {
    return this.arena.visitedAt >> 2;
  }

  candidatesOffset(): number {
    return this.arena.candidatesAt;
  }

  resultsOffset(): number {
    return this.arena.resultsAt;
  }

  /** A tag no row carries yet; tags wrap after 2³¹ − 1 searches, when they are cleared once. */
  nextVisitTag(): number {
    if (this.tag === 0x7fffffff) {
      const at = this.arena.visitedAt;
      this.arena.memory.u8.fill(0, at, at + 4 * this.count);
      this.tag = 0;
    }
    return ++this.tag;
  }
}
