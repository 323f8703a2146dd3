import type { Metric } from '../types.js';
import { KernelMemory } from '../kernels/kernel-memory.js';
import type { KernelBackend, Kernels } from '../kernels/kernels.js';
import { inverseNorm, inverseNormAt, METRIC_COSINE, metricCode, type MetricCode } from '../kernels/metric-code.js';
import { RowArena } from '../kernels/row-arena.js';

/** Region numbers every {@link VectorRows} arena starts with. */
const VECTORS = 0;
const NORMS = 1;

/** Options for {@link VectorRows}. */
export interface VectorRowsOptions {
  /** Rows to allocate up front (grows by half as needed). */
  initialRows?: number;
  /** Scratch bytes the owner needs after the query buffer (16-byte aligned). */
  scratchBytes?: number;
  /** Byte strides of extra per-row regions the owner keeps next to the vectors (e.g. graph links). */
  extraStrides?: readonly number[];
  /** Kernel backend; default WebAssembly SIMD when supported. */
  backend?: KernelBackend;
  /** A shared memory worker threads can bind to (see KernelMemory's `shared`). */
  shared?: boolean;
}

/**
 * Float32 rows stored in kernel memory exactly as given, plus the float32
 * inverse norm of each row for cosine (so cosine costs one dot product and
 * vectors are never normalised in place), plus a query buffer. Distances are
 * computed by the kernels straight from this memory.
 *
 * Layout: scratch = [query: dim × f32][owner scratch], then regions
 * 0 = vectors (dim × 4 bytes per row), 1 = inverse norms (4 bytes per row,
 * cosine only), 2… = `extraStrides`.
 */
export class VectorRows {
  readonly memory: KernelMemory;
  readonly arena: RowArena;
  readonly code: MetricCode;
  /** Byte offset of the query buffer. */
  readonly queryPtr = 0;
  /** Byte offset of the owner's scratch area. */
  readonly scratchPtr: number;
  private queryInv = 1;
  private count = 0;

  constructor(
    readonly dimension: number,
    readonly metric: Metric,
    options: VectorRowsOptions = {},
  ) {
    this.code = metricCode(metric);
    this.memory = KernelMemory.create({ backend: options.backend, shared: options.shared });
    this.scratchPtr = Math.ceil((dimension * 4) / 16) * 16;
    const strides = [dimension * 4, this.code === METRIC_COSINE ? 4 : 0, ...(options.extraStrides ?? [])];
    this.arena = new RowArena(this.memory, this.scratchPtr + (options.scratchBytes ?? 0), strides, options.initialRows ?? 64);
  }

  get size(): number {
    return this.count;
  }

  /** float32 inverse norm of the query (cosine), else 1. */
  get queryInverseNorm(): number {
    return this.queryInv;
  }

  get kernels(): Kernels {
    return this.memory.kernels;
  }

  /** Byte offset of region `region` (2… are the owner's extra regions). */
  offset(region: number): number {
    return this.arena.offset(region);
  }

  /** Bytes allocated to the vectors region. */
  vectorBytes(): number {
    return this.arena.regionBytes(VECTORS);
  }

  /** Makes room for `rows` rows in every region. */
  reserve(rows: number): void {
    this.arena.reserve(this.count, rows);
  }

  /** Appends `vector` (length `dimension`, unchecked) and returns its row. */
  add(vector: Float32Array): number {
    this.reserve(this.count + 1);
    const row = this.count;
    this.memory.f32.set(vector, (this.arena.offset(VECTORS) >> 2) + row * this.dimension);
    if (this.code === METRIC_COSINE) this.memory.f32[(this.arena.offset(NORMS) >> 2) + row] = inverseNorm(vector);
    this.count++;
    return row;
  }

  /**
   * Appends `bytes.byteLength / (dimension · 4)` rows given as little-endian
   * float32 bytes (at any alignment; the caller passes whole rows) with one
   * copy; returns the first new row. See {@link appendWith}.
   */
  appendBytes(bytes: Uint8Array): number {
    return this.appendWith(bytes.byteLength / (this.dimension * 4), (dest) => dest.set(bytes));
  }

  /**
   * Appends `n` rows that `fill` writes as little-endian float32 bytes into
   * the view of kernel memory it is given (n × dimension × 4 bytes), e.g.
   * straight from a file; returns the first new row. Kernel memory is
   * little-endian like the bytes, so no conversion happens. If `fill` throws
   * (a failed read or checksum), no row is added. Cosine inverse norms are
   * computed as `add` does, so the rows are bit-for-bit what adding them one
   * by one would hold.
   */
  appendWith(n: number, fill: (dest: Uint8Array) => void): number {
    const rowBytes = this.dimension * 4;
    const first = this.count;
    this.reserve(first + n);
    const at = this.arena.offset(VECTORS) + first * rowBytes;
    fill(this.memory.u8.subarray(at, at + n * rowBytes));
    this.rowsWritten(first, n);
    this.count += n;
    return first;
  }

  /**
   * Appends `n` rows whose bytes are written later, in any order, through
   * {@link vectorBytes} followed by {@link rowsWritten} (a segment opened
   * page by page). Until then they read as zero and must not be scored.
   * Their memory is reserved but not touched, so it costs no page faults yet.
   */
  appendLater(n: number): number {
    const first = this.count;
    this.reserve(first + n);
    this.count += n;
    return first;
  }

  /** A view of the bytes of the vectors region, from row 0 (valid until the next growth). */
  vectorBytesView(): Uint8Array {
    const at = this.arena.offset(VECTORS);
    return this.memory.u8.subarray(at, at + this.count * this.dimension * 4);
  }

  /** Rows [first, first + n) hold their final bytes: computes their cosine inverse norms as `add` does. */
  rowsWritten(first: number, n: number): void {
    if (this.code !== METRIC_COSINE) return;
    const f32 = this.memory.f32;
    const base = this.arena.offset(VECTORS) >> 2;
    const norms = this.arena.offset(NORMS) >> 2;
    for (let row = first; row < first + n; row++) f32[norms + row] = inverseNormAt(f32, base + row * this.dimension, this.dimension);
  }

  /** A copy of row `row`, bit-identical to what was added; RangeError outside [0, size). */
  vector(row: number): Float32Array {
    if (!(row >= 0 && row < this.count)) throw new RangeError(`row ${row} outside [0, ${this.count})`);
    const start = (this.arena.offset(VECTORS) >> 2) + row * this.dimension;
    return this.memory.f32.slice(start, start + this.dimension);
  }

  /** Writes row `row` into `out`; RangeError outside [0, size). */
  readVector(row: number, out: Float32Array): void {
    if (!(row >= 0 && row < this.count)) throw new RangeError(`row ${row} outside [0, ${this.count})`);
    const start = (this.arena.offset(VECTORS) >> 2) + row * this.dimension;
    out.set(this.memory.f32.subarray(start, start + this.dimension));
  }

  /** A view of all rows in insertion order; valid until the next add (growth detaches it). */
  view(): Float32Array {
    const start = this.arena.offset(VECTORS) >> 2;
    return this.memory.f32.subarray(start, start + this.count * this.dimension);
  }

  /** Copies `query` into the query buffer; subsequent scan/gather/distanceTo use it. */
  setQuery(query: Float32Array): void {
    // A query of the right length (every search checks it) is copied without making a subarray view first.
    this.memory.f32.set(query.length === this.dimension ? query : query.subarray(0, this.dimension), this.queryPtr >> 2);
    this.queryInv = this.code === METRIC_COSINE ? inverseNorm(query) : 1;
  }

  /** Makes stored row `row` the query (for inserting a row already stored). */
  setQueryRow(row: number): void {
    const f32 = this.memory.f32;
    const start = (this.arena.offset(VECTORS) >> 2) + row * this.dimension;
    f32.copyWithin(this.queryPtr >> 2, start, start + this.dimension);
    this.queryInv = this.code === METRIC_COSINE ? f32[(this.arena.offset(NORMS) >> 2) + row] : 1;
  }

  /** float32 distances from the query to rows [first, first + count) into `out` (byte offset). */
  scan(first: number, count: number, out: number): void {
    const o = this.arena;
    this.memory.kernels.scan(this.code, this.queryPtr, this.queryInv, o.offset(VECTORS), o.offset(NORMS), this.dimension, first, count, out);
  }

  /** float32 distances from the query to the int32 rows at `ids` into `out` (byte offsets). */
  gather(ids: number, count: number, out: number): void {
    const o = this.arena;
    this.memory.kernels.gather(this.code, this.queryPtr, this.queryInv, o.offset(VECTORS), o.offset(NORMS), this.dimension, ids, count, out);
  }

  /** Distance between stored rows `a` and `b`. */
  pair(a: number, b: number): number {
    const o = this.arena;
    return this.memory.kernels.pair(this.code, o.offset(VECTORS), o.offset(NORMS), this.dimension, a, b);
  }

  /** Drops the memory; the rows must not be used afterwards. */
  release(): void {
    this.memory.release();
    this.arena.release();
    this.count = 0;
  }
}
