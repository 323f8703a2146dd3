import { DimensionMismatchError, ValidationError } from '../../errors.js';
import type { Metric } from '../../types.js';
import { availableParallelism } from 'node:os';
import { linkCapacity } from './hnsw-build-layout.js';
import { BatchLinker, batchedBuildSupported, batchEnd, defaultMaxBatchRows, linkerScratchBytes } from './hnsw-build.js';
import { encodeGraph, MAX_LEVEL, type GraphHeader } from '../../format/graph.js';
import { HnswGraph } from './hnsw-graph.js';
import { sharedView, type SharedGraphView } from './hnsw-search-view.js';
import { insertRow } from './hnsw-insert.js';
import type { GraphSource } from '../../format/graph-load.js';
import type { PagedLoad } from './hnsw-paged.js';
import { openStored, type StoredSpec } from './hnsw-open.js';
import { type HnswParams, resolveHnswParams } from './hnsw-params.js';
import { checkThreadOptions, type HnswBuildOptions, type HnswIndexOptions, PARALLEL_BUILD_MIN_ROWS } from './hnsw-options.js';
import { HnswScratch } from './hnsw-scratch.js';
import { checkSeed, encodeInStorageOrder, fillLinkOrder, mergeBeam, seedLevels, seedLinks, type SeedGraph } from './hnsw-seed.js';
import { searchGraph } from './hnsw-query.js';
import { metricCode } from '../../kernels/metric-code.js';
import { SeededRandom } from '../../kernels/seeded-random.js';
import { SEQUENTIAL_YIELD_ROWS, yieldTurn } from './yield-turn.js';
import type { IndexSearchOptions, Neighbor, VectorIndex } from '../../storage/vector-index.js';

export { PARALLEL_BUILD_MIN_ROWS, type HnswBuildOptions, type HnswIndexOptions, type HnswLinkingOptions } from './hnsw-options.js';

/**
 * Hierarchical Navigable Small World graph index (Malkov & Yashunin 2018,
 * "Efficient and robust approximate nearest neighbor search using HNSW
 * graphs", with hnswlib's heuristics), over float32 vectors held in
 * WebAssembly memory and compared with the SIMD kernels. Vectors are stored
 * exactly as given; cosine keeps a separate float32 inverse norm per row.
 * Levels come from a seeded generator, so the same inserts with the same
 * parameters give the same graph, byte for byte. Not safe for concurrent use.
 */
export class HnswIndex implements VectorIndex {
  readonly params: HnswParams;
  private readonly graph: HnswGraph;
  private readonly scratch: HnswScratch;
  private readonly random: SeededRandom;
  private readonly levelScale: number;
  private readonly best = new Float64Array(1);
  private linker: BatchLinker | null = null;
  private readonly maxBatch: number;
  /** Rows [0, linked) are in the graph; the rest wait for their batch (batched linking only). */
  private linked = 0;
  /** Vectors and links still loading page by page (see `openStoredPaged` (hnsw-open.ts)); null once all are in. */
  private paged: PagedLoad | null = null;

  /**
   * @param dimension values per vector (≥ 1)
   * @param metric distance metric (see `Metric`)
   * @param params `M`, `efConstruction`, `efSearch`, `seed`; see {@link HnswParams}; throws ValidationError
   */
  constructor(
    readonly dimension: number,
    readonly metric: Metric,
    params: Partial<HnswParams> = {},
    options: HnswIndexOptions = {},
  ) {
    this.params = resolveHnswParams(params);
    const { M, efConstruction } = this.params;
    const linking = options.linking;
    if (linking !== undefined) {
      checkThreadOptions(linking, 'invalid linking options');
      if (!batchedBuildSupported() || options.backend === 'js') throw new Error('batched HNSW linking needs WebAssembly SIMD with threads');
    }
    this.maxBatch = linking?.maxBatchRows ?? defaultMaxBatchRows(dimension);
    const threads = linking?.threads ?? 1;
    const shared = linking !== undefined || (options.shareMemory === true && options.backend !== 'js' && batchedBuildSupported());
    const capacity = Math.max(HnswScratch.capacityFor(efConstruction, M), linking ? linkCapacity(efConstruction, M, this.maxBatch) : 0);
    const ownScratch = HnswScratch.bytes(capacity);
    this.graph = new HnswGraph(dimension, metric, M, {
      initialRows: options.initialCapacity ?? 64,
      scratchBytes: ownScratch + (linking ? linkerScratchBytes(dimension, capacity, threads) : 0),
      backend: options.backend,
      shared,
      extraThreads: threads - 1,
    });
    this.scratch = new HnswScratch(this.graph.rows.scratchPtr, capacity);
    const linkerParams = { efConstruction: linking?.beam ?? efConstruction, threads, maxBatch: this.maxBatch };
    if (linking !== undefined) this.linker = new BatchLinker(this.graph, this.scratch, this.graph.rows.scratchPtr + ownScratch, linkerParams);
    this.random = new SeededRandom(this.params.seed);
    this.levelScale = 1 / Math.log(M);
  }

  /** Loads a graph over `vectors` (float32 rows or their bytes), copied into the index memory; see {@link openStored} in hnsw-open.ts. */
  static open(spec: StoredSpec, vectors: Float32Array | Uint8Array, graph: Uint8Array, source: GraphSource): HnswIndex {
    return openStored(spec, vectors, graph, source);
  }

  /** Index over a stored graph (hnsw-open.ts): `load` adds nodes and links, or returns the paged load that will (then calls `loaded`). */
  static fromStored(spec: StoredSpec, header: GraphHeader, rows: number, load: (graph: HnswGraph, loaded: () => void) => PagedLoad | null): HnswIndex {
    const { dimension, metric, params = {} } = spec;
    const stored = { ...params, M: header.M, efConstruction: header.efConstruction, seed: header.seed };
    const index = new HnswIndex(dimension, metric, stored, { initialCapacity: rows, shareMemory: true });
    try {
      const paged = load(index.graph, () => (index.paged = null));
      index.linked = rows;
      index.random.restore(header.rngState);
      index.paged = paged;
      paged?.start();
    } catch (error) {
      index.dispose();
      throw error;
    }
    return index;
  }

  /** False while an index from `openStoredPaged` (hnsw-open.ts) is still loading its vectors and links. */
  get loaded(): boolean {
    return this.paged === null;
  }

  /** Loads now whatever `openStoredPaged` (hnsw-open.ts) has not loaded yet. Throws CorruptionError for a bad vectors page. */
  loadAll(): void {
    this.paged?.loadAll();
  }

  /**
   * An index over `vectors` (`rows × dimension` float32, row-major; copied),
   * with the parameters of `spec`. Small inputs are inserted with
   * {@link add} in row order (the graph `add` would give, byte for byte).
   * From {@link PARALLEL_BUILD_MIN_ROWS} rows, rows are linked in batches of
   * 2 % of the graph (≤ {@link defaultMaxBatchRows}) whose searches run on
   * two threads over one shared WebAssembly memory (see hnsw-build.ts):
   * another graph than `add`'s, at its recall@10 (within 0.005 on sift10k
   * and glove25), the one batched `linking` grows to over the same rows,
   * whatever the thread count; with `seed`, from a segment's graph (see
   * hnsw-seed.ts). Without WebAssembly threads or SIMD, `add` builds. The
   * worker has exited when the promise resolves; if it cannot start, a
   * process warning says so and one thread builds the same graph. The
   * result is copied to an exact-size memory at the end (rows and links
   * exist twice for a moment). Throws ValidationError for a length not a
   * multiple of `dimension`, or `threads` / `maxBatchRows` not an integer ≥ 1.
   */
  static async build(
    spec: { dimension: number; metric: Metric; params?: Partial<HnswParams> },
    vectors: Float32Array,
    options: HnswBuildOptions = {},
  ): Promise<HnswIndex> {
    const { dimension, metric, params = {} } = spec;
    if (!(vectors.length % dimension === 0)) {
      const message = `${vectors.length} values are not whole ${dimension}-d rows`;
      throw new ValidationError('invalid build input', [{ code: 'invalid_length', path: ['vectors'], message }]);
    }
    checkThreadOptions(options, 'invalid build options');
    const rows = vectors.length / dimension;
    const schedule = options.schedule ?? 'auto';
    const { yielding = false, signal, onIndex, seed } = options;
    const batched =
      rows >= 2 && schedule !== 'sequential' && (schedule === 'batched' || seed !== undefined || rows >= PARALLEL_BUILD_MIN_ROWS) && batchedBuildSupported();
    if (!batched) {
      const index = new HnswIndex(dimension, metric, params, { initialCapacity: Math.max(1, rows), shareMemory: true });
      onIndex?.(index);
      try {
        for (let row = 0; row < rows; row++) {
          index.add(vectors.subarray(row * dimension, (row + 1) * dimension));
          if (yielding && row % SEQUENTIAL_YIELD_ROWS === SEQUENTIAL_YIELD_ROWS - 1) await yieldTurn(signal);
        }
      } catch (err) {
        index.dispose();
        throw err;
      }
      return index;
    }
    const { M, efConstruction } = resolveHnswParams(params);
    const source = seed?.index.seedGraph();
    const graphSeed = source ? checkSeed(source, seed!.dead, seed!.at, { dimension, code: metricCode(metric), M }, rows) : undefined;
    const beam = options.beam ?? (graphSeed ? mergeBeam(efConstruction, M) : undefined);
    const linking = { threads: options.threads ?? Math.min(2, availableParallelism()), maxBatchRows: options.maxBatchRows, beam };
    const index = new HnswIndex(dimension, metric, params, { initialCapacity: rows, linking });
    onIndex?.(index);
    try {
      const levels = new Uint8Array(rows);
      const seeded = graphSeed ? seedLevels(graphSeed, levels) : 0;
      for (let row = seeded; row < rows; row++) levels[row] = index.drawLevel();
      index.graph.addNodes(levels, (dest) => fillLinkOrder(dest, vectors, dimension, graphSeed?.at ?? 0, seeded));
      if (graphSeed) seedLinks(index.graph, graphSeed, index.scratch);
      index.linked = seeded;
      await index.linker!.start();
      if (yielding) {
        while (index.linkBatch()) await yieldTurn(signal);
      } else index.linkPending(true);
      await index.linker!.close();
      const graph = graphSeed ? encodeInStorageOrder(index.graph, graphSeed.at, seeded, efConstruction, index.params.seed, index.random.current) : index.serializeGraph();
      if (yielding) await yieldTurn(signal);
      // An exact-size copy on a memory of its own, in storage order: no linking scratch, no growth slack.
      const copy = openStored({ dimension, metric, params }, graphSeed ? vectors : index.vectors(), graph, { file: '(build)', offset: 0 });
      onIndex?.(copy);
      return copy;
    } finally {
      index.dispose();
    }
  }

  get size(): number {
    return this.graph.size;
  }

  get approximate(): boolean {
    return true;
  }

  /**
   * Inserts a copy of `vector` (length `dimension`); returns its row. Throws
   * DimensionMismatchError. With batched linking the row is stored now and
   * linked with its batch (the rows after the linked ones, 2 % of them up
   * to the largest batch), which is linked when its last row arrives, on
   * the linker's threads; until then searches scan it exactly.
   */
  add(vector: Float32Array): number {
    if (vector.length !== this.dimension) throw new DimensionMismatchError(this.dimension, vector.length);
    this.loadAll();
    const level = this.drawLevel();
    const row = this.graph.addNode(vector, level);
    if (this.linker !== null) {
      if (row + 1 >= batchEnd(this.linked, this.maxBatch)) this.linkPending(false);
      return row;
    }
    insertRow(this.graph, this.scratch, row, level, this.params.efConstruction);
    this.linked = row + 1;
    return row;
  }

  /**
   * Links every row still waiting for its batch (one batch) and stops the
   * linker's threads: later adds link at once, on this thread (sealing a
   * memtable calls this; then the graph is a build's over the same rows if
   * they end where a batch ends).
   */
  finishLinking(): void {
    this.linkPending(true);
    void this.linker?.close();
    this.linker = null;
  }

  /** Rows waiting for their batch. */
  get pendingRows(): number {
    return this.graph.size - this.linked;
  }

  /** The graph to seed a merge (SeedSource, hnsw-seed.ts): a paged index loads every row and link first. */
  seedGraph(): SeedGraph | undefined {
    this.loadAll();
    return this.pendingRows === 0 ? this.graph : undefined;
  }

  /** Threads that would link the next batch: 1, or the caller's plus the linker's running workers (see hnsw-build.ts). */
  get linkingThreads(): number {
    return this.linker?.activeThreads ?? 1;
  }

  /** A copy of row `row`, bit-identical to what was added; RangeError outside [0, size). */
  vector(row: number): Float32Array {
    this.ensureRow(row);
    return this.graph.rows.vector(row);
  }

  /** Writes row `row` into `out` (length `dimension`); RangeError outside [0, size). */
  readVector(row: number, out: Float32Array): void {
    this.ensureRow(row);
    this.graph.rows.readVector(row, out);
  }

  /** A paged index (openPaged) loads and checks the pages of row `row` first; CorruptionError on a damaged page. */
  private ensureRow(row: number): void {
    if (this.paged !== null && row >= 0 && row < this.graph.size) this.paged.ensureRow(row);
  }

  /**
   * Up to `k` nearest rows, ascending by distance then row.
   * - `efSearch` (default `params.efSearch`, raised to k): candidate list size.
   * - `accept(row)`: only accepted rows are returned; the walk still crosses
   *   rejected nodes, and falls back to an exact scan of accepted rows when it
   *   would visit more than `maxVisits` nodes (default a quarter of the graph).
   * - `orderedAccept`: exact scans ask `accept` in ascending distance order.
   * Whenever the walk finds fewer than k rows, an exact scan answers instead,
   * so k (accepted) rows come back whenever k exist.
   * - `exact`: brute-force over every accepted row.
   * Throws DimensionMismatchError, or ValidationError for an efSearch that
   * is not an integer ≥ 1.
   */
  search(query: Float32Array, k: number, options: IndexSearchOptions = {}): Neighbor[] {
    if (query.length !== this.dimension) throw new DimensionMismatchError(this.dimension, query.length);
    const graph = this.graph;
    return searchGraph(graph, this.paged ?? graph, this.scratch, this.best, this.linked, this, query, k, options.efSearch ?? this.params.efSearch, options);
  }

  /**
   * The search worker's view to run {@link search}'s unfiltered walk (same k and ef; hnsw-search-view.ts);
   * null where the memory is not shared, rows wait for their batch, or {@link search} would scan exactly.
   */
  sharedSearchView(k: number, efSearch: number): SharedGraphView | null {
    const size = this.graph.size;
    k = Math.min(Math.floor(k), size);
    if (!(k >= 1) || this.linked < size || this.paged !== null || !(Number.isInteger(efSearch) && efSearch >= 1)) return null;
    return sharedView(this.graph, k, Math.min(Math.max(efSearch, k), size));
  }

  /**
   * Allocated bytes: `vectors` = vector rows + cosine inverse norms;
   * `graph` = links, levels, visited tags, scratch, page rounding and the
   * upper-level pool. Both from the byte lengths of the buffers held.
   */
  memoryBytes(): { vectors: number; graph: number } {
    return this.graph.memoryBytes();
  }

  limitGrowth(bytes: number, perRow: number): number {
    return this.graph.limitGrowth(bytes, perRow);
  }

  /**
   * All rows in insertion order, `size × dimension` values: a view into the
   * index memory, valid until the next `add` or `dispose`; copy it to keep it.
   */
  vectors(): Float32Array {
    this.loadAll();
    return this.graph.rows.view();
  }

  /** The graph in the layout of docs/format/graph.md (version 1), rows waiting for their batch linked first. */
  serializeGraph(): Uint8Array {
    this.loadAll();
    this.linkPending(true);
    return encodeGraph(this.graph, this.params.efConstruction, this.params.seed, this.random.current);
  }

  /** Drops the memory and stops the linker's threads (if any). */
  dispose(): void {
    this.paged?.dispose();
    this.paged = null;
    void this.linker?.close();
    this.linker = null;
    this.graph.release();
  }

  /** A level from the seeded generator (Malkov & Yashunin's ⌊−ln U · mL⌋, mL = 1 / ln M). */
  private drawLevel(): number {
    return Math.min(MAX_LEVEL, Math.floor(-Math.log(1 - this.random.next()) * this.levelScale));
  }

  /** Links the next batch of stored rows; false when every row was linked. */
  private linkBatch(): boolean {
    const size = this.graph.size;
    if (this.linked >= size || this.linker === null) return false;
    const end = Math.min(batchEnd(this.linked, this.maxBatch), size);
    this.linker.link(this.linked, end);
    this.linked = end;
    return true;
  }

  /** Links the rows waiting for their batch: whole batches of the schedule, with `rest` the remainder as one last batch. */
  private linkPending(rest: boolean): void {
    const size = this.graph.size;
    while (this.linked < size && this.linker !== null) {
      const end = batchEnd(this.linked, this.maxBatch);
      if (end > size && !rest) return;
      this.linker.link(this.linked, Math.min(end, size));
      this.linked = Math.min(end, size);
    }
  }
}
