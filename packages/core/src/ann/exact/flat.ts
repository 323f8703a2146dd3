import { DimensionMismatchError } from '../../errors.js';
import type { Metric } from '../../types.js';
import { EXACT_SCAN_SCRATCH_BYTES, exactScan } from './exact-scan.js';
import type { KernelBackend } from '../../kernels/kernels.js';
import type { IndexSearchOptions, Neighbor, VectorIndex } from '../../storage/vector-index.js';
import { VectorRows } from '../vector-rows.js';

/**
 * Exact (brute-force) index over float32 vectors held in WebAssembly memory
 * and scanned with the SIMD kernels. Distances follow Chroma: l2 = squared
 * Euclidean, cosine = 1 − cos, ip = 1 − dot. Vectors are stored as given;
 * cosine uses a separate float32 inverse-norm per row (4 bytes).
 */
export class FlatIndex implements VectorIndex {
  private readonly rows: VectorRows;

  /**
   * @param dimension values per vector (≥ 1)
   * @param metric distance metric
   * @param initialCapacity rows allocated up front; storage grows by half as needed
   * @param backend kernel backend; default WebAssembly SIMD when supported
   */
  constructor(
    readonly dimension: number,
    readonly metric: Metric,
    initialCapacity = 64,
    backend?: KernelBackend,
  ) {
    this.rows = new VectorRows(dimension, metric, {
      initialRows: initialCapacity,
      scratchBytes: EXACT_SCAN_SCRATCH_BYTES,
      backend,
    });
  }

  /**
   * An index holding a copy of `vectors`: row-major float32 values, or their
   * little-endian bytes (e.g. a segment's vectors section in place). Throws
   * DimensionMismatchError when they are not whole rows.
   */
  static fromVectors(dimension: number, metric: Metric, vectors: Float32Array | Uint8Array, backend?: KernelBackend): FlatIndex {
    const bytes = vectors instanceof Uint8Array ? vectors : new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
    const rowBytes = dimension * 4;
    if (bytes.byteLength % rowBytes !== 0) {
      throw new DimensionMismatchError(dimension, (bytes.byteLength % rowBytes) / 4, ['vectors']);
    }
    return FlatIndex.openWith(dimension, metric, bytes.byteLength / rowBytes, (dest) => dest.set(bytes), backend);
  }

  /**
   * An index of `rows` vectors that `fill` writes straight into its memory
   * (see {@link VectorRows.appendWith}); if `fill` throws, the memory is
   * released and the error passes on.
   */
  static openWith(dimension: number, metric: Metric, rows: number, fill: (dest: Uint8Array) => void, backend?: KernelBackend): FlatIndex {
    const index = new FlatIndex(dimension, metric, rows, backend);
    try {
      index.rows.appendWith(rows, fill);
    } catch (error) {
      index.dispose();
      throw error;
    }
    return index;
  }

  get size(): number {
    return this.rows.size;
  }

  get approximate(): boolean {
    return false;
  }

  /** Appends a copy of `vector`; throws DimensionMismatchError on a wrong length. */
  add(vector: Float32Array): number {
    if (vector.length !== this.dimension) throw new DimensionMismatchError(this.dimension, vector.length);
    return this.rows.add(vector);
  }

  /** A copy of row `row`, bit-identical to what was added; RangeError outside [0, size). */
  vector(row: number): Float32Array {
    return this.rows.vector(row);
  }

  /** Writes row `row` into `out` (length `dimension`); RangeError outside [0, size). */
  readVector(row: number, out: Float32Array): void {
    this.rows.readVector(row, out);
  }

  /** The exact `k` nearest accepted rows, ascending by distance then row. */
  search(query: Float32Array, k: number, options: IndexSearchOptions = {}): Neighbor[] {
    if (query.length !== this.dimension) throw new DimensionMismatchError(this.dimension, query.length);
    return exactScan(this.rows, this.rows.scratchPtr, query, k, options.accept, options.orderedAccept);
  }

  /**
   * Allocated bytes: `vectors` = the whole index memory (rows, cosine inverse
   * norms, scan buffer, rounded up to 64 KiB WebAssembly pages); `graph` = 0.
   */
  memoryBytes(): { vectors: number; graph: number } {
    return { vectors: this.rows.memory.byteLength, graph: 0 };
  }

  /**
   * All rows in insertion order, `size × dimension` values: a view into the
   * index memory, valid until the next `add` or `dispose` (growth detaches
   * it); copy it to keep it.
   */
  vectors(): Float32Array {
    return this.rows.view();
  }

  dispose(): void {
    this.rows.release();
  }
}
