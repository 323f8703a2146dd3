import { KernelMemory } from '../kernels/kernel-memory.js';
import type { KernelBackend } from '../kernels/kernels.js';
import type { Metric } from '../types.js';
import { type CodebookEnvelope, expectSizes, readFloats, writeCodebook, writeFloats } from '../format/codebook.js';
import { adcSum } from './js-code-kernels.js';
import { kmeans } from './kmeans.js';
import { type QuantizedKernels, quantizedKernels } from './quantized-kernels.js';
import type { QueryCodes, Quantizer } from './quantizer.js';
import { quantizerRows } from './rows.js';

/** Centroids per subspace (bits = 8). */
export const PQ_KSUB = 256;
/**
 * Largest kernel scratch after the codebook, bytes: one WebAssembly page,
 * less when the query and its whole table need less. prepare() fills it with
 * the query and as many table rows as fit, encode() with as many rows and
 * their codes; both loop over it, so it never grows with n.
 */
const SCRATCH_BYTES = 65536;
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
 *
 * Memory: the centroids are held once, in kernel memory in the kernels'
 * transposed layout (4·256·d bytes), followed by at most
 * {@link SCRATCH_BYTES} of scratch (more only above about 16,000
 * dimensions); the file layout is derived from them on demand.
 */
export class PqQuantizer implements Quantizer {
  readonly kind = 'pq';
  readonly codeBytes: number;
  readonly dsub: number;
  /** [transposed centroids at 0][scratch at scratchAt]; see {@link SCRATCH_BYTES}. */
  private readonly memory: KernelMemory;
  private readonly kernels: QuantizedKernels;
  private readonly scratchAt: number;
  /** Query bytes at the start of the scratch, table rows after them. */
  private readonly queryBytes: number;
  /** Subspaces per pqTable call and rows per encode batch that fit the scratch. */
  private readonly tableRows: number;
  private readonly encodeRows: number;

  /**
   * `centroids`: m × 256 × dsub float32, value t of centroid c of subspace j
   * at (j·256 + c)·dsub + t; copied into kernel memory and not retained.
   * `backend` picks the kernels.
   */
  constructor(
    readonly dimension: number,
    readonly metric: Metric,
    readonly subvectors: number,
    centroids: Float32Array,
    backend?: KernelBackend,
  ) {
    const d = dimension;
    const m = subvectors;
    const dsub = d / m;
    this.codeBytes = m;
    this.dsub = dsub;
    this.scratchAt = align16(centroids.length * 4);
    this.queryBytes = align16(d * 4);
    // The query and one table row, and one encode row with its alignment padding and code, must always fit.
    const tableBytes = Math.min(SCRATCH_BYTES - this.queryBytes, m * PQ_KSUB * 4);
    const scratch = Math.max(this.queryBytes + Math.max(tableBytes, PQ_KSUB * 4), d * 4 + 16 + m);
    this.memory = KernelMemory.create({ backend });
    this.memory.ensureBytes(this.scratchAt + scratch);
    // WebAssembly allocates whole pages: use all of them.
    const room = this.memory.byteLength - this.scratchAt;
    this.tableRows = Math.min(m, Math.floor((room - this.queryBytes) / (PQ_KSUB * 4)));
    this.encodeRows = Math.floor((room - 16) / (d * 4 + m));
    this.kernels = quantizedKernels(this.memory);
    // Transposed per subspace (kernel layout): value t of centroid c at j·dsub·256 + t·256 + c.
    const f32 = this.memory.f32;
    for (let j = 0; j < m; j++) {
      for (let c = 0; c < PQ_KSUB; c++) {
        for (let t = 0; t < dsub; t++) f32[j * dsub * PQ_KSUB + t * PQ_KSUB + c] = centroids[(j * PQ_KSUB + c) * dsub + t];
      }
    }
  }

  /**
   * The centroids in the file layout (see the constructor), derived from
   * kernel memory: a new m × 256 × dsub float32 array on every call.
   */
  get centroids(): Float32Array {
    const dsub = this.dsub;
    const f32 = this.memory.f32;
    const out = new Float32Array(this.subvectors * PQ_KSUB * dsub);
    for (let j = 0; j < this.subvectors; j++) {
      for (let c = 0; c < PQ_KSUB; c++) {
        for (let t = 0; t < dsub; t++) out[(j * PQ_KSUB + c) * dsub + t] = f32[j * dsub * PQ_KSUB + t * PQ_KSUB + c];
      }
    }
    return out;
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
    const dsub = this.dsub;
    const rows = quantizerRows(vectors, d, this.metric);
    const n = rows.length / d;
    const codes = new Uint8Array(n * m);
    const rowsAt = this.scratchAt;
    const codesAt = align16(rowsAt + this.encodeRows * d * 4);
    for (let first = 0; first < n; first += this.encodeRows) {
      const count = Math.min(this.encodeRows, n - first);
      this.memory.f32.set(rows.subarray(first * d, (first + count) * d), rowsAt >> 2);
      for (let j = 0; j < m; j++) {
        this.kernels.pqAssign(rowsAt + j * dsub * 4, count, d, dsub, j * dsub * PQ_KSUB * 4, PQ_KSUB, codesAt + j, m, 0);
      }
      codes.set(this.memory.u8.subarray(codesAt, codesAt + count * m), first * m);
    }
    return codes;
  }

  decode(codes: Uint8Array, row: number): Float32Array {
    const out = new Float32Array(this.dimension);
    const dsub = this.dsub;
    const f32 = this.memory.f32;
    for (let j = 0; j < this.subvectors; j++) {
      const book = j * dsub * PQ_KSUB + codes[row * this.subvectors + j];
      for (let t = 0; t < dsub; t++) out[j * dsub + t] = f32[book + t * PQ_KSUB];
    }
    return out;
  }

  prepare(query: Float32Array): QueryCodes {
    const d = this.dimension;
    const m = this.subvectors;
    const dsub = this.dsub;
    const y = quantizerRows(query.subarray(0, d), d, this.metric);
    const queryAt = this.scratchAt;
    const outAt = queryAt + this.queryBytes;
    this.memory.f32.set(y, queryAt >> 2);
    const ip = this.metric === 'l2' ? 0 : 1;
    const table = new Float32Array(m * PQ_KSUB);
    // Table rows are independent per subspace, so batches give the same floats as one call.
    for (let j = 0; j < m; j += this.tableRows) {
      const count = Math.min(this.tableRows, m - j);
      this.kernels.pqTable(queryAt + j * dsub * 4, j * dsub * PQ_KSUB * 4, count, dsub, PQ_KSUB, ip, outAt);
      table.set(this.memory.f32.subarray(outAt >> 2, (outAt >> 2) + count * PQ_KSUB), j * PQ_KSUB);
    }
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

  /** The kernel memory: centroids, scratch and, for WebAssembly, the rounding to whole 64 KiB pages. */
  memoryBytes(): number {
    return this.memory.byteLength;
  }
}

interface PqQuery extends QueryCodes {
  /** The lookup table as float32, m × 256 (the same bytes as `image`). */
  readonly table: Float32Array;
}
