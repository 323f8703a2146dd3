import { KernelMemory } from '../index/kernels/kernel-memory.js';
import type { KernelBackend } from '../index/kernels/kernels.js';
import type { Metric } from '../types.js';
import { type CodebookEnvelope, expectSizes, readFloats, writeCodebook, writeFloats } from './codebook-format.js';
import { adcSum } from './js-code-kernels.js';
import { kmeans } from './kmeans.js';
import { type QuantizedKernels, quantizedKernels } from './quantized-kernels.js';
import type { QueryCodes, Quantizer } from './quantizer.js';
import { quantizerRows } from './rows.js';

/** Centroids per subspace (bits = 8). */
export const PQ_KSUB = 256;
/** Rows encoded per kernel call batch; bounds the kernel memory encode() grows to. */
const ENCODE_CHUNK_ROWS = 256;
const PAYLOAD_HEADER_BYTES = 12;

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * Product quantization (Jégou, Douze & Schmid 2011, "Product quantization for
 * nearest neighbor search", IEEE TPAMI): the d dimensions are cut into m
 * subvectors of dsub = d / m values; each subspace has its own codebook of
 * 256 centroids learned by k-means, and a vector is stored as the m indexes
 * of its nearest centroids (m bytes).
 *
 * Distances are asymmetric (ADC): the query stays float32 and a per-query
 * table holds, for every subspace j and centroid c, its contribution:
 * - l2: ‖yⱼ − cⱼ‖², so Σⱼ table[j][codeⱼ] = ‖y − x̂‖²;
 * - ip: yⱼ·cⱼ, distance = 1 − Σⱼ table[j][codeⱼ] = 1 − y·x̂;
 * - cosine: as ip, on the normalised copies of the vectors (codebooks are
 *   trained on and encode unit vectors) and of the query, so 1 − y·x̂ ≈ 1 − cos.
 *   Inner-product tables on the centroids themselves need no residuals.
 * Encoding always picks the L2-nearest centroid, the estimator of x that
 * the ip tables then evaluate.
 */
export class PqQuantizer implements Quantizer {
  readonly kind = 'pq';
  readonly codeBytes: number;
  readonly dsub: number;
  private readonly memory: KernelMemory;
  private readonly kernels: QuantizedKernels;
  private readonly queryAt: number;
  private readonly tableAt: number;
  private readonly rowsAt: number;
  private readonly codesAt: number;

  /**
   * `centroids`: m × 256 × dsub float32, value t of centroid c of subspace j
   * at (j·256 + c)·dsub + t (not copied). `backend` picks the kernels.
   */
  constructor(
    readonly dimension: number,
    readonly metric: Metric,
    readonly subvectors: number,
    readonly centroids: Float32Array,
    backend?: KernelBackend,
  ) {
    this.codeBytes = subvectors;
    this.dsub = dimension / subvectors;
    const centroidBytes = centroids.length * 4;
    this.queryAt = align16(centroidBytes);
    this.tableAt = align16(this.queryAt + dimension * 4);
    this.rowsAt = align16(this.tableAt + subvectors * PQ_KSUB * 4);
    this.codesAt = align16(this.rowsAt + ENCODE_CHUNK_ROWS * dimension * 4);
    this.memory = KernelMemory.create({ backend });
    this.memory.ensureBytes(this.codesAt + ENCODE_CHUNK_ROWS * subvectors);
    this.kernels = quantizedKernels(this.memory);
    // Transposed per subspace (kernel layout): value t of centroid c at j·dsub·256 + t·256 + c.
    const f32 = this.memory.f32;
    const dsub = this.dsub;
    for (let j = 0; j < subvectors; j++) {
      for (let c = 0; c < PQ_KSUB; c++) {
        for (let t = 0; t < dsub; t++) f32[j * dsub * PQ_KSUB + t * PQ_KSUB + c] = centroids[(j * PQ_KSUB + c) * dsub + t];
      }
    }
  }

  /**
   * Learns the m codebooks from `sample` (n × dimension; the normalised
   * copies for cosine) by seeded k-means per subspace.
   */
  static train(
    sample: Float32Array,
    dimension: number,
    metric: Metric,
    subvectors: number,
    seed: number,
    backend?: KernelBackend,
  ): PqQuantizer {
    const n = sample.length / dimension;
    const dsub = dimension / subvectors;
    const centroids = new Float32Array(subvectors * PQ_KSUB * dsub);
    const part = new Float32Array(n * dsub);
    const memory = KernelMemory.create({ backend });
    try {
      for (let j = 0; j < subvectors; j++) {
        for (let r = 0; r < n; r++) part.set(sample.subarray(r * dimension + j * dsub, r * dimension + (j + 1) * dsub), r * dsub);
        // A distinct seed per subspace, still fixed by `seed`.
        const subspaceSeed = (seed ^ Math.imul(j + 1, 0x9e3779b9)) >>> 0;
        centroids.set(kmeans(memory, part, dsub, PQ_KSUB, subspaceSeed), j * PQ_KSUB * dsub);
      }
    } finally {
      memory.release();
    }
    return new PqQuantizer(dimension, metric, subvectors, centroids, backend);
  }

  /** Reads the payload of a checked envelope (docs/format/quantization.md, check 3–4). */
  static fromCodebook(envelope: CodebookEnvelope, backend?: KernelBackend): PqQuantizer {
    const d = envelope.dimension;
    const { payload } = envelope;
    if (payload.byteLength < PAYLOAD_HEADER_BYTES) envelope.fail(0, `payload of ${payload.byteLength} bytes has no PQ header`);
    const m = payload.getUint32(0, true);
    if (!(m >= 1 && d % m === 0)) envelope.fail(0, `m = ${m} does not divide dimension ${d}`);
    const ksub = payload.getUint32(4, true);
    if (ksub !== PQ_KSUB) envelope.fail(4, `ksub ${ksub}, expected ${PQ_KSUB}`);
    if (payload.getUint8(8) !== 8) envelope.fail(8, `bits ${payload.getUint8(8)}, expected 8`);
    for (let i = 9; i < PAYLOAD_HEADER_BYTES; i++) if (payload.getUint8(i) !== 0) envelope.fail(i, 'reserved byte is not zero');
    expectSizes(envelope, m, PAYLOAD_HEADER_BYTES + 4 * PQ_KSUB * d);
    const centroids = readFloats(envelope, PAYLOAD_HEADER_BYTES, PQ_KSUB * d, 'centroid');
    return new PqQuantizer(d, envelope.metric, m, centroids, backend);
  }

  encode(vectors: Float32Array): Uint8Array {
    const d = this.dimension;
    const m = this.subvectors;
    const rows = quantizerRows(vectors, d, this.metric);
    const n = rows.length / d;
    const codes = new Uint8Array(n * m);
    for (let first = 0; first < n; first += ENCODE_CHUNK_ROWS) {
      const count = Math.min(ENCODE_CHUNK_ROWS, n - first);
      this.memory.f32.set(rows.subarray(first * d, (first + count) * d), this.rowsAt >> 2);
      for (let j = 0; j < m; j++) {
        const points = this.rowsAt + j * this.dsub * 4;
        const book = j * this.dsub * PQ_KSUB * 4;
        this.kernels.pqAssign(points, count, d, this.dsub, book, PQ_KSUB, this.codesAt + j, m, 0);
      }
      codes.set(this.memory.u8.subarray(this.codesAt, this.codesAt + count * m), first * m);
    }
    return codes;
  }

  decode(codes: Uint8Array, row: number): Float32Array {
    const out = new Float32Array(this.dimension);
    const dsub = this.dsub;
    for (let j = 0; j < this.subvectors; j++) {
      const c = codes[row * this.subvectors + j];
      out.set(this.centroids.subarray((j * PQ_KSUB + c) * dsub, (j * PQ_KSUB + c + 1) * dsub), j * dsub);
    }
    return out;
  }

  prepare(query: Float32Array): QueryCodes {
    const d = this.dimension;
    const y = quantizerRows(query.subarray(0, d), d, this.metric);
    this.memory.f32.set(y, this.queryAt >> 2);
    const ip = this.metric === 'l2' ? 0 : 1;
    this.kernels.pqTable(this.queryAt, 0, this.subvectors, this.dsub, PQ_KSUB, ip, this.tableAt);
    const entries = this.subvectors * PQ_KSUB;
    const table = this.memory.f32.slice(this.tableAt >> 2, (this.tableAt >> 2) + entries);
    const image = new Uint8Array(table.buffer);
    const prepared: PqQuery = { method: 'table', image, bias: ip === 0 ? 0 : 1, scale: ip === 0 ? 1 : -1, scale2: 0, table };
    return prepared;
  }

  distance(q: QueryCodes, codes: Uint8Array, row: number): number {
    const m = this.subvectors;
    return q.bias + q.scale * adcSum((q as PqQuery).table, 0, codes, row * m, m);
  }

  serialize(): Uint8Array {
    const d = this.dimension;
    return writeCodebook('pq', this.metric, d, this.subvectors, PAYLOAD_HEADER_BYTES + 4 * PQ_KSUB * d, (payload) => {
      payload.setUint32(0, this.subvectors, true);
      payload.setUint32(4, PQ_KSUB, true);
      payload.setUint8(8, 8);
      writeFloats(payload, PAYLOAD_HEADER_BYTES, this.centroids);
    });
  }

  memoryBytes(): number {
    return this.centroids.byteLength + this.memory.byteLength;
  }
}

interface PqQuery extends QueryCodes {
  /** The lookup table as float32, m × 256 (the same bytes as `image`). */
  readonly table: Float32Array;
}
