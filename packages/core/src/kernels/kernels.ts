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
 * Graph search kernels, present with the WebAssembly backend only (the
 * scalar fallback searches in JavaScript). See assembly/search.ts.
 */
export interface GraphKernels {
  /**
   * SEARCH-LAYER on HNSW level 0 from `entry`; returns rows visited or −1 past
   * `maxVisits`; leaves `resultCount()` (distance f32, row i32) pairs sorted
   * ascending at `res`. `filtered` ≠ 0 asks the host filter about each row.
   */
  searchLevel0(
    metric: MetricCode,
    query: number,
    queryInv: number,
    base: number,
    norms: number,
    dim: number,
    links: number,
    stride0: number,
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
}

/** Which implementation backs a {@link KernelMemory}. */
export type KernelBackend = 'wasm-simd' | 'js';
