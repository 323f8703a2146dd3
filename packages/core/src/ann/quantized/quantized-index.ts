import { CorruptionError, DimensionMismatchError, ValidationError } from '../../errors.js';
import type { Quantizer } from '../../quantize/quantizer.js';
import type { Metric } from '../../types.js';
import { CodeWalk } from './code-walk.js';
import { type HnswParams, resolveHnswParams } from '../hnsw/hnsw-params.js';
import { FILTERED_VISIT_FRACTION } from '../hnsw/hnsw-query.js';
import { metricCode } from '../../kernels/metric-code.js';
import { QuantizedArena } from './quantized-arena.js';
import { CompactGraph, compactSeedGraph } from './quantized-graph.js';
import type { SeedGraph } from '../hnsw/hnsw-seed.js';
import type { OriginalVectors } from '../../storage/original-vectors.js';
import { defaultOversampling } from './quantized-oversampling.js';
import { exactOverOriginals, rescore } from './quantized-rescore.js';
import { nearestByCodes } from './quantized-scan.js';
import type { QuantizedMemoryBytes, QuantizedSegmentParts } from './quantized-types.js';
import type { IndexSearchOptions, Neighbor, VectorIndex } from '../../storage/vector-index.js';

export type { QuantizedMemoryBytes, QuantizedSegmentParts } from './quantized-types.js';

/**
 * The HNSW index of a sealed, quantized segment: the graph (Malkov &
 * Yashunin 2018) is searched on the codes (sq8, binary, or PQ — Jégou et
 * al. 2011), and the best `k × oversampling` candidates are rescored with
 * the exact float32 distance of the original vectors, read on demand from
 * {@link OriginalVectors}; the originals are never held in memory. Rescored
 * distances come from the float kernels FlatIndex uses, so they equal an
 * unquantized index's bit for bit. Immutable: `add` throws. Not safe for
 * concurrent use.
 */
export class QuantizedHnswIndex implements VectorIndex {
  readonly dimension: number;
  readonly metric: Metric;
  readonly params: HnswParams;
  readonly oversampling: number;
  readonly quantizer: Quantizer;
  private graph: CompactGraph;
  private readonly arena: QuantizedArena;
  private readonly walk: CodeWalk;
  private readonly originals: OriginalVectors;
  private readonly best = new Float64Array(1);

  private constructor(parts: QuantizedSegmentParts, graph: CompactGraph, params: HnswParams, oversampling: number) {
    this.dimension = parts.dimension;
    this.metric = parts.metric;
    this.quantizer = parts.quantizer;
    this.params = params;
    this.oversampling = oversampling;
    this.originals = parts.originals;
    this.arena = new QuantizedArena(parts.quantizer, parts.codes, graph, parts.backend);
    this.walk = new CodeWalk(this.arena, graph.count, graph.entryPoint, graph.maxLevel);
    // The arena holds the adjacency now; keep the header only.
    this.graph = graph.header();
  }

  /**
   * Opens a sealed segment's index from its sections. Throws
   * CorruptionError(file, offset + position) for a graph failing the checks
   * of docs/format/graph.md, a codes section that is not rows × codeBytes
   * (at `codesSource`), or originals of another row count (at `source`);
   * ValidationError for bad params or oversampling; RangeError for a
   * quantizer of another dimension or metric (a caller bug: `loadQuantizer`
   * checks the codebook against the collection).
   */
  static open(parts: QuantizedSegmentParts): QuantizedHnswIndex {
    const { dimension, metric, quantizer, source, params = {} } = parts;
    if (quantizer.dimension !== dimension || quantizer.metric !== metric) {
      throw new RangeError(`a ${quantizer.dimension}-d ${quantizer.metric} quantizer for a ${dimension}-d ${metric} index`);
    }
    const oversampling = parts.oversampling ?? defaultOversampling(quantizer.kind, dimension);
    if (!(typeof oversampling === 'number' && oversampling >= 1 && oversampling <= 1024)) {
      throw new ValidationError('invalid rescore options', [{ code: 'out_of_range', path: ['oversampling'], message: 'a number in 1…1024' }]);
    }
    const rows = parts.originals.rows;
    const graph = CompactGraph.parse(
      parts.graph,
      { metricCode: metricCode(metric), dimension, rows, M: params.M, efConstruction: params.efConstruction },
      source,
    );
    if (parts.codes.length !== rows * quantizer.codeBytes) {
      const at = parts.codesSource ?? source;
      throw new CorruptionError(at.file, at.offset, `quantized codes: ${parts.codes.length} bytes, expected ${rows} rows × ${quantizer.codeBytes} bytes`);
    }
    const resolved = resolveHnswParams({ ...params, M: graph.M, efConstruction: graph.efConstruction, seed: graph.seed });
    return new QuantizedHnswIndex(parts, graph, resolved, oversampling);
  }

  get size(): number {
    return this.graph.count;
  }

  /** The graph to seed a merge (SeedSource, hnsw-seed.ts): linked on the float32 rows, as an HnswIndex's. */
  seedGraph(): SeedGraph {
    return compactSeedGraph(this.arena.memory, this.arena, this.graph, { dimension: this.dimension, code: metricCode(this.metric) });
  }

  /** Searches walk a graph: results are approximate (exact only with `exact: true`). */
  get approximate(): boolean {
    return true;
  }

  /** Always throws: a sealed segment is immutable; new vectors go to the memtable. */
  add(_vector: Float32Array): number {
    throw new Error('QuantizedHnswIndex.add: a sealed segment is immutable; add to the memtable');
  }

  /** Row `row` read from the originals, bit-identical to what was added; RangeError outside [0, size). */
  vector(row: number): Float32Array {
    const out = new Float32Array(this.dimension);
    this.readVector(row, out);
    return out;
  }

  /** Row `row` read from the originals into `out` (length `dimension`); RangeError outside [0, size). */
  readVector(row: number, out: Float32Array): void {
    if (!(Number.isInteger(row) && row >= 0 && row < this.size)) throw new RangeError(`row ${row} outside [0, ${this.size})`);
    this.originals.read(row, out);
  }

  /**
   * Up to `k` nearest rows, ascending by exact float32 distance then row.
   * The graph is walked on the codes with ef = max(efSearch, k ×
   * oversampling) (default `params.efSearch`), and the best k × oversampling
   * rows found are rescored with the originals.
   * - `accept(row)`: only accepted rows are returned; the walk still crosses
   *   rejected nodes, and scans every code instead when it would visit more
   *   than `maxVisits` nodes (default a quarter of the graph) or finds fewer
   *   than k rows, so k accepted rows come back whenever k exist.
   * - `orderedAccept`: scans ask `accept` in ascending distance order.
   * - `exact`: brute force over the originals of every accepted row.
   * Throws DimensionMismatchError, or ValidationError for an efSearch that is
   * not an integer ≥ 1.
   */
  search(query: Float32Array, k: number, options: IndexSearchOptions = {}): Neighbor[] {
    if (query.length !== this.dimension) throw new DimensionMismatchError(this.dimension, query.length);
    const { accept, efSearch = this.params.efSearch } = options;
    if (!(Number.isInteger(efSearch) && efSearch >= 1)) {
      throw new ValidationError('invalid search options', [{ code: 'out_of_range', path: ['efSearch'], message: 'an integer ≥ 1' }]);
    }
    const size = this.size;
    k = Math.min(Math.floor(k), size);
    if (!(k >= 1)) return [];
    const ordered = options.orderedAccept === true;
    this.arena.setQuery(query);
    if (options.exact === true) return exactOverOriginals(this.arena, this.originals, size, k, accept, ordered);
    const candidates = Math.min(Math.ceil(k * this.oversampling), size);
    const ef = Math.min(Math.max(efSearch, candidates), size);
    const walk = this.walk;
    const entry = walk.descend(this.best);
    // HnswIndex's rule: a code is cheaper to score than a float row in both the walk and the scan, so the ratio carries over.
    const maxVisits = accept === undefined ? Infinity : (options.maxVisits ?? size * FILTERED_VISIT_FRACTION);
    const visits = walk.searchLevel0(entry, this.best[0], ef, accept, maxVisits);
    // Fewer than k found: a filter rejecting most of the reachable graph, or
    // links pruned away from duplicates; the code scan finds every qualifying row.
    const rows = visits < 0 || walk.found < k ? nearestByCodes(this.arena, size, candidates, accept, ordered) : walk.takeBest(candidates);
    return rescore(this.arena, this.originals, rows, k);
  }

  /**
   * Resident bytes, from the byte lengths of the buffers held: `vectors` 0
   * (originals stay in the file); `graph` = kernel memory other than the
   * codes: adjacency blocks and offsets, visit tags and the walk's heaps (20
   * bytes per row), query image, batches, row buffer, page rounding; `codes`
   * = the codes + their precomputed terms (sq8 l2, 8 bytes per row) + the
   * cosine inverse-norm cache; `codebook` =
   * `quantizer.memoryBytes()` (codebook and tables). The JS heaps of the
   * scalar fallback (12 bytes per entry, a few KiB) are left out, as
   * HnswIndex leaves out its own.
   */
  memoryBytes(): QuantizedMemoryBytes {
    const codes = this.arena.byteLength === 0 ? 0 : this.arena.codesLength + this.arena.termsBytes;
    return {
      vectors: 0,
      graph: this.arena.byteLength - codes,
      codes: codes + this.arena.normsBytes,
      codebook: this.quantizer.memoryBytes(),
    };
  }

  /** Bytes of the segment file mapped for the originals (0 when read with positional reads). */
  get mappedBytes(): number {
    return this.originals.mappedBytes ?? 0;
  }

  /** Releases the kernel memory and the originals' descriptor or mapping. */
  dispose(): void {
    this.originals.close?.();
    this.arena.release();
    this.graph = CompactGraph.empty();
  }
}
