import type { Metric } from '../../types.js';
import type { WalkGraph, WasmLevel } from './hnsw-search-layer.js';
import type { KernelMemory } from '../../kernels/kernel-memory.js';
import type { GraphKernels, KernelBackend } from '../../kernels/kernels.js';
import { VectorRows } from '../vector-rows.js';

/** Per-row regions the graph adds to its {@link VectorRows} arena. */
const LINKS0 = 2;
const VISITED = 3;
const LEVELS = 4;
const UPPER_AT = 5;
const CANDIDATES = 6;
const RESULTS = 7;
/** Per extra linking thread t ≥ 1: its visited tags, candidate heap and result heap, from region 8 + 3·(t − 1). */
const THREAD_REGIONS = 8;

/**
 * Most bytes a shared graph's upper pool may grow to (a growable
 * SharedArrayBuffer reserves this much address space, committing only what
 * it grows to). A graph fills its 4 GiB of kernel memory long before: even
 * at 1-d with M = 2 that is ≈ 28 M rows and ≈ 340 MB of upper blocks.
 */
const SHARED_UPPER_MAX_BYTES = 1 << 30;

/** A growable SharedArrayBuffer (ES2024; typed here, the project's lib is ES2022). */
export interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  readonly maxByteLength: number;
  grow(bytes: number): void;
}

/** A growable SharedArrayBuffer of `bytes` that may grow to `maxBytes`. */
export function growableShared(bytes: number, maxBytes: number): GrowableSharedArrayBuffer {
  const Ctor = SharedArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => GrowableSharedArrayBuffer;
  return new Ctor(bytes, { maxByteLength: maxBytes });
}

/**
 * Storage of an HNSW graph (Malkov & Yashunin 2018) next to its vectors.
 *
 * Level 0, searched by every query and insert, lives in kernel memory as one
 * fixed block per node of `M0 + 1` int32: `[degree, neighbour₀, …]` (M0 = 2·M,
 * as hnswlib). Nodes above level 0 (≈ 1/M of them) get `level` blocks of
 * `M + 1` int32 in `upperPool`, a JS array grown by doubling, starting at
 * `upperAt(node)` (−1 for level-0 nodes). Also per node: its level (uint8)
 * and a visited tag (int32) that lets a search mark nodes without clearing,
 * and 8 bytes each for the candidate and result heaps of a layer search
 * (a search holds at most one entry per visited row, so a row's worth of
 * heap space per row can never overflow, whatever ef is).
 */
export class HnswGraph implements WalkGraph {
  readonly rows: VectorRows;
  /** int32 per level-0 block: degree + 2·M slots. */
  readonly stride0: number;
  /** int32 per upper-level block: degree + M slots. */
  readonly strideUpper: number;
  entryPoint = -1;
  maxLevel = -1;
  /**
   * Upper-level blocks. In a shared graph a length-tracking view of a
   * growable SharedArrayBuffer ({@link sharedUpperPool}), so threads that
   * hold a view see it grow.
   */
  upperPool: Int32Array;
  upperUsed = 0;
  /** Threads besides the owner's that have regions of their own here (shared graphs). */
  readonly extraThreads: number;
  private visitTag = 0;

  /**
   * `shared`: kernel memory and upper pool on SharedArrayBuffers, with
   * visited tags and heaps for `extraThreads` more threads (see
   * hnsw-build.ts), which their scratch areas also need in `scratchBytes`.
   */
  constructor(
    dimension: number,
    metric: Metric,
    readonly M: number,
    options: { initialRows: number; scratchBytes: number; backend?: KernelBackend; shared?: boolean; extraThreads?: number },
  ) {
    this.stride0 = 2 * M + 1;
    this.strideUpper = M + 1;
    this.extraThreads = options.shared === true ? (options.extraThreads ?? 0) : 0;
    const threadStrides = Array.from({ length: this.extraThreads }, () => [4, 8, 8]).flat();
    this.rows = new VectorRows(dimension, metric, {
      initialRows: options.initialRows,
      scratchBytes: options.scratchBytes,
      extraStrides: [this.stride0 * 4, 4, 1, 4, 8, 8, ...threadStrides],
      backend: options.backend,
      shared: options.shared,
    });
    const ints = Math.max(16, Math.ceil(options.initialRows / M) * this.strideUpper);
    this.upperPool = options.shared === true ? new Int32Array(growableShared(4 * ints, SHARED_UPPER_MAX_BYTES)) : new Int32Array(ints);
  }

  /** The growable SharedArrayBuffer under a shared graph's upper pool; null otherwise. */
  get sharedUpperPool(): GrowableSharedArrayBuffer | null {
    const buffer = this.upperPool.buffer;
    return typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer ? (buffer as GrowableSharedArrayBuffer) : null;
  }

  get size(): number {
    return this.rows.size;
  }

  /** The kernel memory of the rows and links. */
  get memory(): KernelMemory {
    return this.rows.memory;
  }

  /** Level 0 (fixed blocks in kernel memory) for the WebAssembly walk; upper levels live in a JS array (null). */
  wasmLevel(level: number): WasmLevel | null {
    return level === 0 ? { links: this.links0Offset(), stride: this.stride0, offsets: 0 } : null;
  }

  /** The rows and the current query as the WebAssembly walk's scorer. */
  useScorer(walk: GraphKernels): void {
    const rows = this.rows;
    walk.useFloatScorer(rows.code, rows.queryPtr, rows.queryInverseNorm, rows.offset(0), rows.offset(1), rows.dimension);
  }

  gather(ids: number, count: number, out: number): void {
    this.rows.gather(ids, count, out);
  }

  /** Most neighbours a node keeps at `level`. */
  maxDegree(level: number): number {
    return level === 0 ? this.stride0 - 1 : this.strideUpper - 1;
  }

  /** The int32 array holding `level`'s blocks: kernel memory for 0, the upper pool above. Re-read after any add. */
  linkArray(level: number): Int32Array {
    return level === 0 ? this.rows.memory.i32 : this.upperPool;
  }

  /** Index in {@link linkArray} of `node`'s block at `level` (its degree; neighbours follow). */
  linkIndex(node: number, level: number): number {
    return level === 0
      ? (this.rows.offset(LINKS0) >> 2) + node * this.stride0
      : this.upperAt(node) + (level - 1) * this.strideUpper;
  }

  level(node: number): number {
    return this.rows.memory.u8[this.rows.offset(LEVELS) + node];
  }

  upperAt(node: number): number {
    return this.rows.memory.i32[(this.rows.offset(UPPER_AT) >> 2) + node];
  }

  /** Stores `vector` as a node of level `level` with no links yet; returns its row. */
  addNode(vector: Float32Array, level: number): number {
    const row = this.rows.add(vector);
    this.setLevel(row, level);
    return row;
  }

  /**
   * Stores `levels.length` nodes of the given levels (one uint8 each) with
   * no links yet, their vectors written by `fill` (see
   * {@link VectorRows.appendWith}); returns the first row.
   */
  addNodes(levels: Uint8Array, fill: (dest: Uint8Array) => void): number {
    const first = this.rows.appendWith(levels.length, fill);
    for (let i = 0; i < levels.length; i++) this.setLevel(first + i, levels[i]);
    return first;
  }

  /** Sets a fresh row's level and reserves its upper blocks (zero degree). */
  setLevel(row: number, level: number): void {
    const memory = this.rows.memory;
    memory.u8[this.rows.offset(LEVELS) + row] = level;
    let at = -1;
    if (level > 0) {
      at = this.upperUsed;
      this.reserveUpper(at + level * this.strideUpper);
      this.upperPool.fill(0, at, at + level * this.strideUpper);
      this.upperUsed += level * this.strideUpper;
    }
    memory.i32[(this.rows.offset(UPPER_AT) >> 2) + row] = at;
  }

  /** Grows the upper pool to hold at least `ints` int32 (a shared pool in place). */
  reserveUpper(ints: number): void {
    if (ints <= this.upperPool.length) return;
    const length = Math.max(ints, this.upperPool.length * 2);
    const shared = this.sharedUpperPool;
    if (shared !== null) {
      const bytes = Math.min(4 * length, shared.maxByteLength);
      if (bytes < 4 * ints) throw new RangeError(`an HNSW graph's upper levels need ${4 * ints} bytes; at most ${shared.maxByteLength}`);
      shared.grow(bytes);
      return;
    }
    const grown = new Int32Array(length);
    grown.set(this.upperPool.subarray(0, this.upperUsed));
    this.upperPool = grown;
  }

  /** Byte offsets of extra thread `t`'s (1 ≤ t ≤ extraThreads) visited tags, candidate heap and result heap. */
  threadRegions(t: number): { visited: number; candidates: number; results: number } {
    const first = THREAD_REGIONS + 3 * (t - 1);
    return { visited: this.rows.offset(first), candidates: this.rows.offset(first + 1), results: this.rows.offset(first + 2) };
  }

  /** Byte offset of the per-row levels (uint8) and upper-block starts (int32). */
  levelsOffset(): number {
    return this.rows.offset(LEVELS);
  }

  upperAtOffset(): number {
    return this.rows.offset(UPPER_AT);
  }

  /**
   * A tag no node carries yet; a search marks visited nodes with it. Tags
   * wrap after 2³¹ − 1 searches, when the region is cleared once.
   */
  nextVisitTag(): number {
    if (this.visitTag === 0x7fffffff) {
      const start = this.rows.offset(VISITED);
      this.rows.memory.u8.fill(0, start, start + 4 * this.size);
      this.visitTag = 0;
    }
    return ++this.visitTag;
  }

  /** int32 index of the visited tags in kernel memory (one per row). */
  visitedIndex(): number {
    return this.rows.offset(VISITED) >> 2;
  }

  /** Byte offset of the candidate heap region (8 bytes per row). */
  candidatesOffset(): number {
    return this.rows.offset(CANDIDATES);
  }

  /**
   * Byte offset of the result region (8 bytes per row): a layer search
   * leaves its results there as (distance f32, row int32) pairs, ascending.
   */
  resultsOffset(): number {
    return this.rows.offset(RESULTS);
  }

  /** Byte offset of the level-0 link region (the WASM search reads it directly). */
  links0Offset(): number {
    return this.rows.offset(LINKS0);
  }

  /** Drops all memory; the graph must not be used afterwards. */
  release(): void {
    this.rows.release();
    this.upperPool = new Int32Array(0);
    this.upperUsed = 0;
    this.entryPoint = -1;
    this.maxLevel = -1;
  }

  /**
   * Allocated bytes: `vectors` = the vector and inverse-norm regions;
   * `graph` = everything else in kernel memory (links, levels, visited tags,
   * scratch, page rounding) plus the upper pool.
   */
  memoryBytes(): { vectors: number; graph: number } {
    const arena = this.rows.arena;
    const vectors = arena.regionBytes(0) + arena.regionBytes(1);
    return { vectors, graph: this.rows.memory.byteLength - vectors + this.upperPool.byteLength };
  }
}
