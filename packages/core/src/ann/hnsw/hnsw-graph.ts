import type { Metric } from '../../types.js';
import type { WalkGraph, WasmLevel } from './hnsw-search-layer.js';
import type { KernelMemory } from '../../kernels/kernel-memory.js';
import { type GraphKernels, type KernelBackend, warmRows } from '../../kernels/kernels.js';
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
 * Storage of an HNSW graph (Malkov & Yashunin 2018) next to its vectors, all
 * in kernel memory, so every level is walked in WebAssembly
 * (assembly/walk.ts).
 *
 * Level 0, searched by every query and insert, is one fixed block per node
 * of `M0 + 1` int32: `[degree, neighbour₀, …]` (M0 = 2·M, as hnswlib). Nodes
 * above level 0 (≈ 1/M of them) get `level` blocks of `M + 1` int32, one
 * after another, in the upper pool: the arena's tail (see RowArena), which
 * grows on its own at the end of the memory. `upperAt(node)` is the word
 * index of a node's level-1 block in the pool (−1 for level-0 nodes), so it
 * holds when the pool moves. Also per node: its level (uint8) and a visited
 * tag (int32) that lets a search mark nodes without clearing, and 8 bytes
 * each for the candidate and result heaps of a layer search (a search holds
 * at most one entry per visited row, so a row's worth of heap space per row
 * can never overflow, whatever ef is).
 */
export class HnswGraph implements WalkGraph {
  readonly rows: VectorRows;
  /** int32 per level-0 block: degree + 2·M slots. */
  readonly stride0: number;
  /** int32 per upper-level block: degree + M slots. */
  readonly strideUpper: number;
  entryPoint = -1;
  maxLevel = -1;
  /** int32 of the upper pool in use. */
  upperUsed = 0;
  /** Threads besides the owner's that have regions of their own here (shared graphs). */
  readonly extraThreads: number;
  private visitTag = 0;

  /**
   * `shared`: kernel memory on a SharedArrayBuffer, with
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
    this.reserveUpper(Math.max(16, Math.ceil(options.initialRows / M) * this.strideUpper));
  }

  get size(): number {
    return this.rows.size;
  }

  /** The kernel memory of the rows and links. */
  get memory(): KernelMemory {
    return this.rows.memory;
  }

  /** `level` for the WebAssembly walk: level 0's fixed blocks, or the upper pool located by `upperAt` (every level ≥ 1 alike). */
  wasmLevel(level: number): WasmLevel {
    return level === 0
      ? { links: this.links0Offset(), stride: this.stride0, offsets: 0 }
      : { links: this.upperOffset(), stride: this.strideUpper, offsets: this.upperAtOffset() };
  }

  /** The rows and the current query as the WebAssembly walk's scorer. */
  useScorer(walk: GraphKernels): void {
    const rows = this.rows;
    walk.useFloatScorer(rows.code, rows.queryPtr, rows.queryInverseNorm, rows.offset(0), rows.offset(1), rows.dimension, warmRows(this.size, rows.dimension));
  }

  gather(ids: number, count: number, out: number): void {
    this.rows.gather(ids, count, out);
  }

  /** Most neighbours a node keeps at `level`. */
  maxDegree(level: number): number {
    return level === 0 ? this.stride0 - 1 : this.strideUpper - 1;
  }

  /** The int32 array holding `level`'s blocks: kernel memory, every level. Re-read after any add. */
  linkArray(_level: number): Int32Array {
    return this.rows.memory.i32;
  }

  /** Index in {@link linkArray} of `node`'s block at `level` (its degree; neighbours follow). Changes after any add. */
  linkIndex(node: number, level: number): number {
    return level === 0
      ? (this.rows.offset(LINKS0) >> 2) + node * this.stride0
      : (this.upperOffset() >> 2) + this.upperAt(node) + (level - 1) * this.strideUpper;
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
   * {@link VectorRows.appendWith}), or later when `fill` is null; returns the first row.
   */
  addNodes(levels: Uint8Array, fill: ((dest: Uint8Array) => void) | null): number {
    // null: the vectors are written later (VectorRows.appendLater), a page at a time.
    const first = fill === null ? this.rows.appendLater(levels.length) : this.rows.appendWith(levels.length, fill);
    let upper = 0;
    for (let i = 0; i < levels.length; i++) upper += levels[i];
    this.reserveUpper(this.upperUsed + upper * this.strideUpper);
    for (let i = 0; i < levels.length; i++) this.setLevel(first + i, levels[i]);
    return first;
  }

  /** Sets a fresh row's level and reserves its upper blocks (zero degree). */
  setLevel(row: number, level: number): void {
    this.rows.memory.u8[this.rows.offset(LEVELS) + row] = level;
    let at = -1;
    if (level > 0) {
      at = this.upperUsed;
      this.reserveUpper(at + level * this.strideUpper);
      const base = this.upperOffset() >> 2;
      this.rows.memory.i32.fill(0, base + at, base + at + level * this.strideUpper);
      this.upperUsed += level * this.strideUpper;
    }
    this.rows.memory.i32[(this.rows.offset(UPPER_AT) >> 2) + row] = at;
  }

  /** Grows the upper pool to hold at least `ints` int32 (kernel memory grows; nothing moves). */
  reserveUpper(ints: number): void {
    this.rows.arena.reserveTail(4 * ints);
  }

  /**
   * Caps the rows' growth steps so that the memory, plus `perRow` bytes per
   * row held elsewhere, stays within `bytes` (see RowArena.limitGrowth);
   * returns the rows that can still be added before growing past that.
   */
  limitGrowth(bytes: number, perRow: number): number {
    this.rows.arena.limitGrowth(bytes, perRow);
    return this.rows.arena.capacityWithinLimit() - this.size;
  }

  /** Byte offset of the upper pool in kernel memory; it moves when the rows' regions grow. */
  upperOffset(): number {
    return this.rows.arena.tailOffset();
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
    this.upperUsed = 0;
    this.entryPoint = -1;
    this.maxLevel = -1;
  }

  /**
   * Allocated bytes: `vectors` = the vector and inverse-norm regions;
   * `graph` = everything else in kernel memory (links, upper pool, levels,
   * visited tags, scratch, page rounding).
   */
  memoryBytes(): { vectors: number; graph: number } {
    const arena = this.rows.arena;
    const vectors = arena.regionBytes(0) + arena.regionBytes(1);
    return { vectors, graph: this.rows.memory.byteLength - vectors };
  }
}
