import { availableParallelism } from 'node:os';
import type { Metric } from '../types.js';
import { FlatIndex } from './flat.js';
import { HnswIndex } from './hnsw.js';
import { batchedBuildSupported } from './hnsw-build.js';
import type { HnswParams } from './hnsw-params.js';
import type { IndexSearchOptions, Neighbor, VectorIndex } from './types.js';

/**
 * Rows below which a memtable searches exactly: a scan of this many rows costs
 * about as much as an HNSW search (tens of microseconds at 128-d), while
 * inserting into a graph costs efConstruction distance evaluations per row.
 */
export const EXACT_MEMTABLE_ROWS = 2048;

/**
 * The index of a memtable: exact (FlatIndex) while small, then an HNSW graph
 * over the rows so far, grown as rows arrive. Where the runtime has
 * WebAssembly threads the graph links rows in batches on up to two threads
 * (HnswIndex's batched `linking`: a batch is 2 % of the graph, ≤ 1,024 rows,
 * searched exactly until linked), so ingest uses both cores; elsewhere each
 * row is inserted on arrival. Sealing links what is pending and reuses the
 * graph, so a checkpoint never rebuilds it.
 */
export class AdaptiveIndex implements VectorIndex {
  private flat: FlatIndex | null;
  private hnsw: HnswIndex | null = null;

  constructor(
    readonly dimension: number,
    readonly metric: Metric,
    private readonly params: Partial<HnswParams>,
    private readonly exactRows = EXACT_MEMTABLE_ROWS,
  ) {
    this.flat = new FlatIndex(dimension, metric);
  }

  get size(): number {
    return (this.hnsw ?? this.flat!).size;
  }

  get approximate(): boolean {
    return this.hnsw !== null;
  }

  add(vector: Float32Array): number {
    if (this.hnsw) return this.hnsw.add(vector);
    const row = this.flat!.add(vector);
    if (this.flat!.size >= this.exactRows) this.promote();
    return row;
  }

  vector(row: number): Float32Array {
    return (this.hnsw ?? this.flat!).vector(row);
  }

  search(query: Float32Array, k: number, options?: IndexSearchOptions): Neighbor[] {
    return (this.hnsw ?? this.flat!).search(query, k, options);
  }

  memoryBytes(): { vectors: number; graph: number } {
    return (this.hnsw ?? this.flat!).memoryBytes();
  }

  /** The graph index over every row, all linked and its threads stopped, building it now if the memtable is still exact. */
  toHnsw(): HnswIndex {
    if (!this.hnsw) this.promote();
    this.hnsw!.finishLinking();
    return this.hnsw!;
  }

  dispose(): void {
    this.flat?.dispose();
    this.hnsw?.dispose();
  }

  private promote(): void {
    const flat = this.flat!;
    const linking = batchedBuildSupported() ? { threads: Math.min(2, availableParallelism()) } : undefined;
    const hnsw = new HnswIndex(this.dimension, this.metric, this.params, { initialCapacity: Math.max(flat.size * 2, 64), linking });
    const vectors = flat.vectors();
    for (let row = 0; row < flat.size; row++) hnsw.add(vectors.subarray(row * this.dimension, (row + 1) * this.dimension));
    flat.dispose();
    this.flat = null;
    this.hnsw = hnsw;
  }
}
