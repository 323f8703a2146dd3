import { queryImageBytes, scoreLength } from '../../quantize/code-scorer.js';
import { METHOD_CODE, type QuantizedKernels, quantizedKernels } from '../../quantize/quantized-kernels.js';
import type { QueryCodes, Quantizer } from '../../quantize/quantizer.js';
import { Sq8Quantizer } from '../../quantize/sq8.js';
import { KernelMemory } from '../../kernels/kernel-memory.js';
import type { GraphKernels, KernelBackend } from '../../kernels/kernels.js';
import { inverseNorm, METRIC_COSINE, metricCode, type MetricCode } from '../../kernels/metric-code.js';

/** Ids / scores per kernel call: a neighbour list (≤ 2·M ≤ 200) or a chunk of a code scan. */
export const BATCH_ROWS = 1024;

/**
 * Bytes of float32 rows read back from the originals per kernel call
 * (rescoring, exact search): 16 rows at 1024-d, 128 at 128-d. Small, because
 * the buffer stays resident with the segment; a kernel call costs ≈ 10 ns
 * against ≈ 150 ns per 1024-d distance, so larger batches would buy nothing.
 */
const ROW_BUFFER_BYTES = 64 * 1024;

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * The kernel memory of one quantized segment and the kernel calls on it.
 * Layout (byte offsets 16-aligned):
 *
 *   [float query: d × f32][query image][ids: BATCH × i32][scores: BATCH × f32]
 *   [inverse norms: R × f32][float rows: R × d × f32][codes: n × codeBytes]
 *   [code terms: n × f64, sq8 l2 only][graph offsets: n × i32][visited tags: n × i32][candidate heap: n × 8]
 *   [result heap: n × 8][graph blocks]
 *
 * The graph part is the sealed graph's view for the walk (assembly/walk.ts):
 * its degree-prefixed blocks and each node's level-0 block offset, with the
 * visit tags and heaps of a SEARCH-LAYER (8 bytes per row each, so a heap
 * never overflows whatever ef is).
 *
 * Codes are scored by the quantized kernels against the query image
 * (`QueryCodes`). For sq8 l2 each code's query-independent term Σ qᵢ²·wᵢ
 * is computed once here and kept (8 bytes per row), so a distance costs
 * one int8 × int16 dot instead of two passes (the same score bit for bit:
 * both sums are exact integers). Float rows read from the originals are scored by the same
 * float kernels as `FlatIndex`, with inverse norms computed as `VectorRows`
 * computes them, so rescored distances equal an unquantized index's bit for
 * bit. Sized once: the views never detach. Not safe for concurrent use.
 */
export class QuantizedArena {
  readonly memory: KernelMemory;
  readonly imageAt: number;
  readonly idsAt: number;
  readonly outAt: number;
  readonly normsAt: number;
  readonly rowsAt: number;
  readonly codesAt: number;
  /** Byte offset of the codes' precomputed raw2 (float64 per row), 0 when the method has none. */
  readonly termsAt: number;
  /** Byte offsets of the graph view and walk regions (see the layout). */
  readonly offsetsAt: number;
  readonly visitedAt: number;
  readonly candidatesAt: number;
  readonly resultsAt: number;
  readonly blocksAt: number;
  /** Byte offset just past the graph blocks. */
  readonly blocksEnd: number;
  /** Float rows the row buffer holds (R). */
  readonly rowCapacity: number;
  readonly codeBytes: number;
  /** Bytes of the codes copied in (rows × codeBytes). */
  readonly codesLength: number;
  private readonly metricCode: MetricCode;
  private codeKernels: QuantizedKernels;
  private query: QueryCodes | null = null;
  private method = 0;
  private len = 0;
  private queryInv = 1;
  /** Views of the row buffer's slots, made on first use (see {@link rowSlot}). */
  private slotViews: Float32Array[] = [];
  private slotBuffer: ArrayBufferLike | null = null;
  /**
   * Cosine only: each row's float32 inverse norm, NaN until the row is first
   * read back (4 bytes per row). In JavaScript it costs more than the SIMD
   * distance: rescoring 20 rows of 1024-d took 46 µs recomputing it, 8 µs
   * with it cached.
   */
  private inverseNorms: Float32Array | null;

  /**
   * `codes`: rows × quantizer.codeBytes bytes (copied; the caller checked the
   * length); `graph`: the sealed graph's blocks and per-row block offsets
   * (copied; as many rows as codes).
   */
  constructor(
    readonly quantizer: Quantizer,
    codes: Uint8Array,
    graph: { blocks: Int32Array; blockOffsets: Int32Array },
    backend?: KernelBackend,
  ) {
    const d = quantizer.dimension;
    this.codeBytes = quantizer.codeBytes;
    this.metricCode = metricCode(quantizer.metric);
    this.rowCapacity = Math.max(1, Math.floor(ROW_BUFFER_BYTES / (d * 4)));
    this.imageAt = align16(d * 4);
    this.idsAt = align16(this.imageAt + queryImageBytes(quantizer));
    this.outAt = this.idsAt + BATCH_ROWS * 4;
    this.normsAt = this.outAt + BATCH_ROWS * 4;
    this.rowsAt = align16(this.normsAt + this.rowCapacity * 4);
    this.codesAt = align16(this.rowsAt + this.rowCapacity * d * 4);
    const rows = graph.blockOffsets.length;
    const weights = quantizer instanceof Sq8Quantizer ? quantizer.squareWeights() : null;
    this.termsAt = weights === null ? 0 : align16(this.codesAt + codes.length);
    this.offsetsAt = align16(weights === null ? this.codesAt + codes.length : this.termsAt + rows * 8);
    this.visitedAt = this.offsetsAt + rows * 4;
    this.candidatesAt = this.visitedAt + rows * 4;
    this.resultsAt = this.candidatesAt + rows * 8;
    this.blocksAt = this.resultsAt + rows * 8;
    this.memory = KernelMemory.create({ backend });
    this.memory.ensureBytes(this.blocksAt + graph.blocks.byteLength);
    this.memory.u8.set(codes, this.codesAt);
    this.memory.i32.set(graph.blockOffsets, this.offsetsAt >> 2);
    this.memory.i32.set(graph.blocks, this.blocksAt >> 2);
    this.blocksEnd = this.blocksAt + graph.blocks.byteLength;
    this.codesLength = codes.length;
    this.codeKernels = quantizedKernels(this.memory);
    if (weights !== null) {
      // The weights go where a query image puts them (the image is rewritten by every setQuery).
      const weightsAt = this.imageAt + 2 * d;
      this.memory.u8.set(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength), weightsAt);
      this.codeKernels.sq8Squares(this.codesAt, this.codeBytes, weightsAt, d, rows, this.termsAt);
    }
    this.inverseNorms = this.metricCode === METRIC_COSINE ? new Float32Array(codes.length / this.codeBytes).fill(NaN) : null;
  }

  /** Prepares `query` (dimension float32) for both code scoring and float rescoring. */
  setQuery(query: Float32Array): void {
    const u8 = this.memory.u8;
    // sq8 writes its image in place (no array allocated per query); the others are copied.
    const image = u8.subarray(this.imageAt, this.idsAt);
    const q = this.quantizer.prepare(query, image);
    if (q.image.buffer !== u8.buffer || q.image.byteOffset !== this.imageAt) u8.set(q.image, this.imageAt);
    this.query = q;
    this.method = METHOD_CODE[q.method];
    this.len = scoreLength(this.quantizer, q);
    this.memory.f32.set(query, 0);
    this.queryInv = this.metricCode === METRIC_COSINE ? inverseNorm(query) : 1;
  }

  /** Estimated distance from the query to code `row`. */
  codeDistance(row: number): number {
    const q = this.query!;
    return this.codeKernels.codeDistance(this.method, this.imageAt, this.codesAt + row * this.codeBytes, this.len, q.bias, q.scale, q.scale2, this.termAt(row));
  }

  /** Makes the codes and the current query the walk's scorer (assembly/walk.ts). */
  useCodeScorer(walk: GraphKernels): void {
    const q = this.query!;
    walk.useCodeScorer(this.method, this.imageAt, this.codesAt, this.codeBytes, this.len, q.bias, q.scale, q.scale2, this.termsAt);
  }

  /** Scores the `count` int32 rows at byte `ids` into float32 scores at byte `out`. */
  gatherCodes(ids: number, count: number, out: number): void {
    const q = this.query!;
    this.codeKernels.codeGather(this.method, this.imageAt, this.codesAt, this.codeBytes, this.len, ids, count, out, q.bias, q.scale, q.scale2, this.termsAt);
  }

  /** Scores codes `first … first + count − 1` (count ≤ BATCH_ROWS) into the scores at `outAt`. */
  scanCodes(first: number, count: number): void {
    const q = this.query!;
    this.codeKernels.codeScan(this.method, this.imageAt, this.codesAt, this.codeBytes, this.len, first, count, this.outAt, q.bias, q.scale, q.scale2, this.termsAt);
  }

  /**
   * Slot `slot` (< rowCapacity) of the float row buffer, for the originals to
   * fill. Views are made once per memory buffer and kept, as rescoring
   * asks for one per candidate (a subarray is an allocation).
   */
  rowSlot(slot: number): Float32Array {
    const f32 = this.memory.f32;
    if (f32.buffer !== this.slotBuffer) {
      this.slotBuffer = f32.buffer;
      this.slotViews = [];
    }
    let view = this.slotViews[slot];
    if (view === undefined) {
      const d = this.quantizer.dimension;
      const at = (this.rowsAt >> 2) + slot * d;
      view = this.slotViews[slot] = f32.subarray(at, at + d);
    }
    return view;
  }

  /** Slots `0 … count − 1` of the float row buffer as one array. */
  rowSlots(count: number): Float32Array {
    const at = this.rowsAt >> 2;
    return this.memory.f32.subarray(at, at + count * this.quantizer.dimension);
  }

  /**
   * Exact float32 distances from the query to the `count` rows in the row
   * buffer into the scores at `outAt`: the scan kernel FlatIndex uses. Slot
   * i holds row `rows[first + i]`, or row `first + i` when `rows` is null;
   * for cosine each row's inverse norm comes from {@link inverseNorms}.
   */
  scoreRows(rows: Int32Array | null, first: number, count: number): void {
    const d = this.quantizer.dimension;
    if (this.inverseNorms !== null) {
      const f32 = this.memory.f32;
      const norms = this.inverseNorms;
      const base = this.rowsAt >> 2;
      for (let i = 0; i < count; i++) {
        const row = rows === null ? first + i : rows[first + i];
        let inv = norms[row];
        if (inv !== inv) {
          // inverseNormAt's arithmetic (float64 sum, float32 result): the bits VectorRows stores on add.
          let sum = 0;
          for (let j = base + i * d, end = j + d; j < end; j++) sum += f32[j] * f32[j];
          inv = norms[row] = sum > 0 ? Math.fround(1 / Math.sqrt(sum)) : 0;
        }
        f32[(this.normsAt >> 2) + i] = inv;
      }
    }
    this.memory.kernels.scan(this.metricCode, 0, this.queryInv, this.rowsAt, this.normsAt, d, 0, count, this.outAt);
  }

  /** Address of code `row`'s precomputed raw2, or 0 without terms. */
  private termAt(row: number): number {
    return this.termsAt === 0 ? 0 : this.termsAt + 8 * row;
  }

  /** Bytes of the codes' precomputed terms in kernel memory (sq8 l2 only). */
  get termsBytes(): number {
    return this.termsAt === 0 ? 0 : this.offsetsAt - this.termsAt;
  }

  /** Bytes of the inverse-norm cache (cosine only). */
  get normsBytes(): number {
    return this.inverseNorms === null ? 0 : this.inverseNorms.byteLength;
  }

  /** Bytes of kernel memory held (page-rounded). */
  get byteLength(): number {
    return this.memory.byteLength;
  }

  /** Drops the memory; the arena must not be used afterwards. */
  release(): void {
    this.memory.release();
    this.slotViews = [];
    this.slotBuffer = null;
    this.codeKernels = quantizedKernels(this.memory);
    this.query = null;
    this.inverseNorms = this.inverseNorms === null ? null : new Float32Array(0);
  }
}
