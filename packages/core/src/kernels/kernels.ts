import type { MetricCode } from './metric-code.js';

/**
 * The distance kernels, one implementation per backend (WebAssembly SIMD or
 * scalar JavaScript). Every pointer is a byte offset into the backend's linear
 * memory (see {@link KernelMemory}); vectors are `dim` float32 values.
 *
 * Distances follow `Metric`: l2 → Σ(aᵢ−bᵢ)², ip → 1 − a·b, cosine → 1 − cos.
 * Batch forms read an inverse-norm array (float32 per row) for cosine only.
 */
export interface Kernels {
  /** Σ aᵢ·bᵢ. */
  dot(a: number, b: number, dim: number): number;
  /** Σ (aᵢ − bᵢ)². */
  l2sq(a: number, b: number, dim: number): number;
  /** 1 − cos(a, b) from scratch (norms computed in the same pass); 1 if a norm is 0. */
  cosine(a: number, b: number, dim: number): number;
  /** out[i] = distance(query, row first + i), i < count; rows at `base`, stride dim·4. */
  scan(
    metric: MetricCode,
    query: number,
    queryInv: number,
    base: number,
    norms: number,
    dim: number,
    first: number,
    count: number,
    out: number,
  ): void;
  /** out[i] = distance(query, row ids[i]), i < count; `ids` is int32. */
  gather(
    metric: MetricCode,
    query: number,
    queryInv: number,
    base: number,
    norms: number,
    dim: number,
    ids: number,
    count: number,
    out: number,
  ): void;
  /** Distance between stored rows a and b. */
  pair(metric: MetricCode, base: number, norms: number, dim: number, a: number, b: number): number;
  /**
   * HNSW neighbour-selection heuristic (Malkov & Yashunin 2018, Alg. 4, as
   * hnswlib's getNeighborsByHeuristic2): from `count` candidates (int32 rows
   * at `ids`, float32 distances to the new element at `dists`, ascending),
   * keeps each one closer to the new element than to every one kept before,
   * up to `maxM`, writing them to `out`; fewer than `maxM` are all kept.
   * Returns the number kept.
   */
  selectNeighbors(
    metric: MetricCode,
    base: number,
    norms: number,
    dim: number,
    ids: number,
    dists: number,
    count: number,
    maxM: number,
    out: number,
  ): number;
}

/**
 * The HNSW traversal in WebAssembly (assembly/walk.ts), present with the
 * WebAssembly backend only (the scalar fallback walks in JavaScript). Every
 * pointer is a byte offset into kernel memory. A walk scores rows with the
 * scorer set last (float rows or codes); the graph view is degree-prefixed
 * int32 blocks, either fixed (`stride` int32 each: node n's block at word
 * n·stride of `links` when `offsets` is 0, as level 0 of a growable graph;
 * else its level-l block at word offsets[n] + (l − 1)·stride, as the
 * upper levels of one) or, when stride is 0, compact: a per-node word
 * offset into `links` with levels 1, 2, … after level 0
 * (docs/format/graph.md's order).
 */
/**
 * Float32 rows from this many bytes on are warmed by the WebAssembly walk
 * (each unvisited neighbour's row touched before any is scored, so the
 * cache misses overlap; see assembly/walk.ts `warm`). Below it the rows
 * mostly sit in the caches and the extra pass only costs: sift10k (5 MB)
 * 1.10–1.15× CPU per search with it, scifact-bge (21 MB, 1024-d) 0.96–1.01×,
 * generated-100k (51 MB) 0.70× (one graph, alternating passes).
 */
export const WARM_ROWS_MIN_BYTES = 16 * 2 ** 20;

/**
 * Rows up to this many bytes (512-d) are warmed at every 64-byte line,
 * longer ones at their first line only (and both at their last byte): the
 * gain of the extra lines shrinks with the row's length and turns into a
 * loss from 768-d (figures at assembly/walk.ts `warm`; bench/warm-lines.ts).
 */
const WARM_ALL_LINES_MAX_BYTES = 2048;

/**
 * Bytes of each row a walk over `rows` float32 rows of `dimension` touches
 * before scoring (`useFloatScorer`'s `warm`): 0 below
 * {@link WARM_ROWS_MIN_BYTES} of rows; the whole row up to
 * {@link WARM_ALL_LINES_MAX_BYTES}; else its first 64-byte line.
 */
export function warmRows(rows: number, dimension: number): number {
  const rowBytes = dimension * 4;
  if (rows * rowBytes < WARM_ROWS_MIN_BYTES) return 0;
  return rowBytes <= WARM_ALL_LINES_MAX_BYTES ? rowBytes : 64;
}

export interface GraphKernels {
  /** Scores float32 rows: distance(query, row) as `scan` computes it; `warm` from {@link warmRows}. */
  useFloatScorer(metric: MetricCode, query: number, queryInv: number, base: number, norms: number, dim: number, warm: number): void;
  /** Scores codes: as `codeGather` of quantize/quantized-kernels.ts with the same arguments (`terms`: per-row raw2 or 0). */
  useCodeScorer(method: number, image: number, codes: number, codeBytes: number, len: number, bias: number, scale: number, scale2: number, terms: number): void;
  /** Greedy walks (ef = 1) on levels `top` … `bottom + 1` of one view from `entry`; returns the node, its distance in `nearestDistance()`. */
  descend(links: number, stride: number, offsets: number, top: number, bottom: number, entry: number, entryDistance: number): number;
  nearestDistance(): number;
  /**
   * SEARCH-LAYER on `level` from `entry`; returns rows visited or −1 past
   * `maxVisits`; leaves `resultCount()` (distance f32, row i32) pairs sorted
   * ascending at `res`. `filtered` ≠ 0 asks the host filter about each row.
   * `visited`: int32 tag per row; `cand`, `res`: 8 bytes per row each.
   */
  searchLayer(
    links: number,
    stride: number,
    offsets: number,
    level: number,
    visited: number,
    tag: number,
    entry: number,
    entryDistance: number,
    ef: number,
    filtered: number,
    maxVisits: number,
    cand: number,
    res: number,
  ): number;
  resultCount(): number;
  /**
   * An unfiltered search in one call: the distance to `entry`, {@link descend}
   * through levels `top` … 1 of the upper view, then {@link searchLayer} on
   * level 0 of the level-0 view (`links`, `stride`, `offsets`) with `ef`;
   * returns {@link resultCount}, the results at `res` as searchLayer leaves them.
   */
  knn(
    upLinks: number,
    upStride: number,
    upOffsets: number,
    top: number,
    links: number,
    stride: number,
    offsets: number,
    visited: number,
    tag: number,
    entry: number,
    ef: number,
    cand: number,
    res: number,
  ): number;
}

/** Which implementation backs a {@link KernelMemory}. */
export type KernelBackend = 'wasm-simd' | 'js';
