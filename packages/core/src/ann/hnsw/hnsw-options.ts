import { ValidationError } from '../../errors.js';
import type { KernelBackend } from '../../kernels/kernels.js';
import type { HnswIndex } from './hnsw.js';
import type { SeedSource } from './hnsw-seed.js';

/**
 * Rows from which `HnswIndex.build` uses the batched two-thread build.
 * Measured on a quiet 2-core machine (bench/parallel-build.ts sweep, sift10k
 * prefixes, 128-d, M 16, efConstruction 200, medians of 3, wall two threads ÷
 * sequential): 1k 1.78×, 2k 1.17×, 3k 0.87×, 5k 0.75×, 10k 0.65×. Starting and
 * stopping the worker costs ≈ 30 ms and small batches synchronise often, so
 * the crossover is near 2.5k rows at 128-d; fewer dimensions make a row
 * cheaper and move it up (16-d, 6k rows: compaction 0.37 s vs 0.47 s on one
 * thread). 5k keeps a margin at both; below it a build takes < 0.5 s anyway.
 */
export const PARALLEL_BUILD_MIN_ROWS = 5_000;

/** Options of `HnswIndex.build`. */
export interface HnswBuildOptions {
  /**
   * 'auto' (default): the batched build from {@link PARALLEL_BUILD_MIN_ROWS}
   * rows where the runtime supports it, else `add` row by row;
   * 'sequential': `add` row by row; 'batched': the batched build at any size
   * (still `add` where unsupported).
   */
  schedule?: 'auto' | 'sequential' | 'batched';
  /**
   * Threads of a batched build, the caller's included (default 2, or 1 on a
   * one-core machine). Changes the speed, never the graph.
   */
  threads?: number;
  /**
   * Largest batch of a batched build (default `defaultMaxBatchRows` (hnsw-build.ts):
   * 1,024 rows up to 128-d, fewer above; batches are 2 % of the rows linked
   * so far up to this). 1 gives exactly `add`'s graph, slowly.
   */
  maxBatchRows?: number;
  /**
   * Width of a batched build's linking searches (integer ≥ 1; default
   * efConstruction, or `mergeBeam` (hnsw-seed.ts) for the rows a `seed`
   * leaves to link). Shapes the graph; for measuring the merge beam.
   */
  beam?: number;
  /**
   * Give the event loop a turn between batches (between every 256 rows of
   * a sequential build), so a build in the background of a server never
   * holds its thread for more than one batch: the caller's thread links its
   * share of each batch synchronously. Changes the speed, never the graph.
   */
  yielding?: boolean;
  /** Aborts a yielding build between batches: the build rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called with each index the build allocates (the one being linked, then
   * its exact-size copy), as soon as it exists: a caller accounting for
   * memory reads their `memoryBytes()` while the build runs (a disposed
   * index reports 0).
   */
  onIndex?: (index: HnswIndex) => void;
  /**
   * Start from `index`'s graph (a merge seeded by its largest segment, as
   * Lucene 9.9 does; an HnswIndex, or a QuantizedHnswIndex, whose graph
   * was linked on the same float32 rows): the build's vectors from row
   * `at` must be `index`'s rows not flagged 1 in `dead` (one byte per
   * row), in order. Their levels
   * and links are copied (links to dropped rows repaired, see hnsw-seed.ts)
   * and only the other rows are inserted, in batches, with the narrower
   * beam of `mergeBeam` (hnsw-seed.ts); the result is in the
   * input's row order. The build is batched whatever its size. Ignored, and every row inserted,
   * when more than MAX_SEED_DEAD_FRACTION of `index` is dropped, when it
   * has rows waiting for their batch, or where batched linking is
   * unsupported. Throws ValidationError when its dimension, metric or M
   * differ from the build's.
   */
  seed?: { index: SeedSource; dead: Uint8Array; at: number };
}

/**
 * Batched linking of an index that grows by `HnswIndex.add` (a
 * memtable): rows are stored at once and linked into the graph in the
 * batches `HnswIndex.build` uses, on `threads` threads.
 */
export interface HnswLinkingOptions {
  /** Threads including the caller's (≥ 1); changes the speed, never the graph. */
  threads: number;
  /** Largest batch; default `defaultMaxBatchRows` (hnsw-build.ts). */
  maxBatchRows?: number;
  /**
   * Width of the layer searches that link rows (integer ≥ 1); default
   * `params.efConstruction`. A seeded build (a merge) passes `mergeBeam`
   * (hnsw-seed.ts). Shapes the graph; the header keeps efConstruction.
   */
  beam?: number;
}

/** Options that shape memory, not the graph. */
export interface HnswIndexOptions {
  /** Rows to allocate up front; storage grows by half as needed. Default 64. */
  initialCapacity?: number;
  /** Kernel backend; default WebAssembly SIMD when supported. */
  backend?: KernelBackend;
  /**
   * Link added rows in batches (see `HnswIndex.add`); needs
   * `batchedBuildSupported()` and the WebAssembly backend. Shapes the
   * graph: the batches, not the threads, decide it.
   */
  linking?: HnswLinkingOptions;
  /**
   * Kernel memory on a SharedArrayBuffer where the runtime has WebAssembly
   * threads, so the batched queries' search worker can walk the graph
   * (HnswIndex.sharedSearchView). No extra byte until it does. Default false.
   */
  shareMemory?: boolean;
}

/** Throws ValidationError(`message`) unless `threads`, `maxBatchRows` and `beam`, where given, are integers ≥ 1. */
export function checkThreadOptions(options: { threads?: number; maxBatchRows?: number; beam?: number }, message: string): void {
  for (const key of ['threads', 'maxBatchRows', 'beam'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new ValidationError(message, [{ code: 'out_of_range', path: [key], message: 'an integer ≥ 1' }]);
    }
  }
}
