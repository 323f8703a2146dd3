import type { Neighbor } from '../kernels/neighbors.js';
import type { Metric } from '../types.js';

export type { Neighbor };

export interface IndexSearchOptions {
  /** Size of the dynamic candidate list (HNSW `ef`); ignored by exact indexes. */
  efSearch?: number;
  /** Only rows for which this returns true may appear in the results. */
  accept?: (row: number) => boolean;
  /** Force a brute-force scan over every accepted row. */
  exact?: boolean;
  /**
   * Exact scans ask `accept` in ascending distance order, stopping at k
   * accepted rows (≈ k / selectivity questions, for a heap over the rows)
   * rather than about each row that would enter the top k in storage order.
   * Worth it for a costly `accept` (a metadata decode) that many rows pass.
   * Default false.
   */
  orderedAccept?: boolean;
  /**
   * Nodes a filtered graph walk may visit before it gives up and scans
   * exactly instead; ignored by exact indexes. Default: a quarter of the rows.
   */
  maxVisits?: number;
}

/**
 * A set of float32 vectors addressed by internal row offset, able to return the
 * k nearest rows to a query. The storage layer holds one per memtable and one
 * per sealed segment; it never sees how the index searches.
 */
export interface VectorIndex {
  readonly dimension: number;
  readonly metric: Metric;
  /** Number of rows held. */
  readonly size: number;
  /**
   * Whether `search` walks a graph (approximate); false when it scans every
   * row (exact). Absent means a graph.
   */
  readonly approximate?: boolean;
  /** Appends a copy of `vector` (length `dimension`) and returns its row. */
  add(vector: Float32Array): number;
  /** A copy of row `row`, bit-identical to what was added. */
  vector(row: number): Float32Array;
  /**
   * Writes row `row` into `out` (length `dimension`), bit-identical to what
   * was added: {@link vector} without allocating. A merge gathers every
   * row this way, straight into the merged buffer, rather than through one
   * short-lived copy per row.
   */
  readVector(row: number, out: Float32Array): void;
  /** Up to `k` rows, ascending by distance. */
  search(query: Float32Array, k: number, options?: IndexSearchOptions): Neighbor[];
  /**
   * Bytes held in memory by this index, by component: float32 `vectors`,
   * the `graph`, and the `codes` and `codebook` of a quantized index.
   */
  memoryBytes(): { vectors: number; graph: number; codes?: number; codebook?: number };
  /**
   * Caps the growth steps of a growing (memtable) index so that its memory,
   * plus `perRow` bytes per row held elsewhere, stays within `bytes`; rows
   * past that still grow it. Returns the rows that can still be added
   * before it must grow past that (≤ 0 when full). Absent: the index grows
   * as it likes.
   */
  limitGrowth?(bytes: number, perRow: number): number;
  /** Bytes of a file mapped to serve the vectors (a quantized segment's originals); absent or 0 for none. */
  readonly mappedBytes?: number;
  /** Releases memory; the index must not be used afterwards. */
  dispose(): void;
}
