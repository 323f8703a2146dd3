import { availableParallelism } from 'node:os';
import type { Metric } from '../types.js';
import { FlatIndex } from './exact/flat.js';
import { HnswIndex } from './hnsw/hnsw.js';
import { batchedBuildSupported } from './hnsw/hnsw-build.js';
import { resolveHnswParams, type HnswParams } from './hnsw/hnsw-params.js';
import type { SharedGraphView } from './hnsw/hnsw-search-view.js';
import type { IndexSearchOptions, Neighbor, VectorIndex } from '../storage/vector-index.js';

/**
 * Rows below which a memtable searches exactly: a scan of this many rows costs
 * about as much as an HNSW search (tens of microseconds at 128-d), while
 * inserting into a graph costs efConstruction distance evaluations per row.
 */
export const EXACT_MEMTABLE_ROWS = 2048;

/**
 * Rows moved from the exact index into the graph per `add` while a memtable
 * is promoted: the graph catches up after ≈ exactRows / 15 adds, and no add
 * links more than this many rows (plus its batch), where moving all
 * {@link EXACT_MEMTABLE_ROWS} at once stalled the writer that crossed the
 * limit for the time of a whole graph build (measured by
 * bench/checkpoint-stall.ts: each automatic checkpoint starts a new memtable).
 */
export const PROMOTE_ROWS_PER_ADD = 16;

/**
 * Linking beam of a transient memtable graph (one whose segment a merge will
 * re-link into an older segment's graph; `IndexFactory.create`'s
 * `transient`), as a fraction of efConstruction: see {@link transientBeam}.
 * Measured with bench/transient-beam.ts (M 16, efConstruction 200, two
 * threads; recall@10 at efSearch 16 / 32 / 64, build CPU-s):
 *
 * | beam | generated-100k, 96k rows | sift10k | glove25 | scifact-bge |
 * |--:|---|---|---|---|
 * | 200 | 41.5 · 0.914 / 0.960 / 0.984 | 2.6 · 0.862 / 0.949 / 0.985 | 1.6 · 0.957 / 0.989 / 0.999 | 2.4 · 0.940 / 0.980 / 0.995 |
 * | 100 | 22.9 · 0.914 / 0.957 / 0.982 | 1.6 · 0.864 / 0.942 / 0.983 | 1.1 · 0.950 / 0.987 / 0.998 | 1.6 · 0.940 / 0.978 / 0.994 |
 * | 64 | 17.6 · 0.907 / 0.958 / 0.982 | 1.1 · 0.854 / 0.926 / 0.972 | 0.8 · 0.944 / 0.983 / 0.996 | 1.2 · 0.936 / 0.975 / 0.994 |
 *
 * Half of efConstruction costs 0.55–0.69× the CPU with recall within 0.007
 * on every set while the graph serves; 64 saves more but lost 0.023 on
 * sift10k at efSearch 32. The merge that follows links the rows at the
 * collection's efConstruction (its merge beam) as before.
 */
export const TRANSIENT_BEAM_FRACTION = 0.5;

/** The linking beam of a transient memtable graph: {@link TRANSIENT_BEAM_FRACTION} × efConstruction, at least 2·M, at most efConstruction. */
export function transientBeam(params: Partial<HnswParams>): number {
  const { M, efConstruction } = resolveHnswParams(params);
  return Math.min(efConstruction, Math.max(2 * M, Math.round(TRANSIENT_BEAM_FRACTION * efConstruction)));
}

/**
 * The index of a memtable: exact (FlatIndex) while small, then an HNSW graph
 * over the rows so far, grown as rows arrive. Where the runtime has
 * WebAssembly threads the graph links rows in batches on up to two threads
 * (HnswIndex's batched `linking`: a batch is 2 % of the graph, ≤ 1,024 rows,
 * searched exactly until linked), so ingest uses both cores; elsewhere each
 * row is inserted on arrival. Sealing links what is pending and reuses the
 * graph, so a checkpoint never rebuilds it.
 *
 * Promotion is gradual: from the limit on, each add moves
 * {@link PROMOTE_ROWS_PER_ADD} rows into the graph, in row order, so graph
 * row r is exact row r; a search meanwhile merges the graph's answer over
 * the rows moved with an exact scan of the rest.
 */
export class AdaptiveIndex implements VectorIndex {
  /** Every row while exact or promoting; null once the graph holds them all. */
  private flat: FlatIndex | null;
  /** Rows [0, hnsw.size) once promotion started. */
  private hnsw: HnswIndex | null = null;

  constructor(
    readonly dimension: number,
    readonly metric: Metric,
    private readonly params: Partial<HnswParams>,
    private readonly exactRows = EXACT_MEMTABLE_ROWS,
    /**
     * Width of the graph's linking searches where rows are linked in
     * batches (default efConstruction; the graph header keeps
     * efConstruction, as a merge's does): {@link transientBeam} for a
     * transient memtable. Row-by-row insertion (no WebAssembly threads)
     * uses efConstruction.
     */
    private readonly linkingBeam?: number,
  ) {
    this.flat = new FlatIndex(dimension, metric);
  }

  get size(): number {
    return (this.flat ?? this.hnsw!).size;
  }

  get approximate(): boolean {
    return this.hnsw !== null;
  }

  add(vector: Float32Array): number {
    if (!this.flat) return this.hnsw!.add(vector);
    const row = this.flat.add(vector);
    if (this.hnsw || this.flat.size >= this.exactRows) this.promote(PROMOTE_ROWS_PER_ADD);
    return row;
  }

  vector(row: number): Float32Array {
    return (this.flat ?? this.hnsw!).vector(row);
  }

  readVector(row: number, out: Float32Array): void {
    (this.flat ?? this.hnsw!).readVector(row, out);
  }

  search(query: Float32Array, k: number, options: IndexSearchOptions = {}): Neighbor[] {
    const { flat, hnsw } = this;
    if (!flat) return hnsw!.search(query, k, options);
    if (!hnsw || options.exact) return flat.search(query, k, options);
    // Promoting: the graph over the rows moved, an exact scan over the others.
    const moved = hnsw.size;
    const accept = options.accept;
    const rest = flat.search(query, k, { accept: (row) => row >= moved && (accept === undefined || accept(row)), orderedAccept: options.orderedAccept });
    const hits = [...hnsw.search(query, k, options), ...rest];
    hits.sort((a, b) => a.distance - b.distance || a.row - b.row);
    return hits.slice(0, k);
  }

  /** The graph's view for the search worker (HnswIndex.sharedSearchView) once every row is in it; else null. */
  sharedSearchView(k: number, efSearch: number): SharedGraphView | null {
    return this.flat === null ? this.hnsw!.sharedSearchView(k, efSearch) : null;
  }

  memoryBytes(): { vectors: number; graph: number } {
    const f = this.flat?.memoryBytes() ?? { vectors: 0, graph: 0 };
    const g = this.hnsw?.memoryBytes() ?? { vectors: 0, graph: 0 };
    return { vectors: f.vectors + g.vectors, graph: f.graph + g.graph };
  }

  /** The graph index over every row, all linked and its threads stopped, finishing the promotion now if needed. */
  /** Caps the graph's growth (see VectorIndex.limitGrowth); no cap while exact, a few thousand rows. */
  limitGrowth(bytes: number, perRow: number): number {
    if (!this.hnsw) return Infinity;
    const flat = this.flat?.memoryBytes();
    const left = this.hnsw.limitGrowth(bytes - (flat ? flat.vectors + flat.graph : 0), perRow);
    // Rows still to be promoted take graph rows too.
    return left - (this.size - this.hnsw.size);
  }

  toHnsw(): HnswIndex {
    if (this.flat) this.promote(Infinity);
    this.hnsw!.finishLinking();
    return this.hnsw!;
  }

  dispose(): void {
    this.flat?.dispose();
    this.hnsw?.dispose();
  }

  /** Moves up to `limit` rows into the graph (starting it if needed); drops the exact index once all are moved. */
  private promote(limit: number): void {
    const flat = this.flat!;
    if (!this.hnsw) {
      const linking = batchedBuildSupported() ? { threads: Math.min(2, availableParallelism()), beam: this.linkingBeam } : undefined;
      this.hnsw = new HnswIndex(this.dimension, this.metric, this.params, { initialCapacity: Math.max(flat.size * 2, 64), linking });
    }
    const hnsw = this.hnsw;
    const end = Math.min(flat.size, hnsw.size + limit);
    for (let row = hnsw.size; row < end; row++) hnsw.add(flat.vector(row));
    if (hnsw.size === flat.size) {
      flat.dispose();
      this.flat = null;
    }
  }
}
