import type { Metric } from '../types.js';
import { type CodebookEnvelope, expectSizes, readFloats, writeCodebook, writeFloats } from '../format/codebook.js';
import { adcSum, hamming } from './js-code-kernels.js';
import type { QueryCodes, Quantizer } from './quantizer.js';
import { quantizerRows } from './rows.js';

/**
 * Binary quantization: one bit per dimension, `⌈d / 8⌉` bytes per vector.
 * Bit i is 1 iff xᵢ > μᵢ, μ being the per-dimension mean of the training rows
 * (centring makes the bits balanced, so each carries information; uncentred
 * sign bits of e.g. non-negative SIFT data would be nearly all 1). The
 * reconstruction is x̂ᵢ = μᵢ + aᵢ for a 1 bit, μᵢ − aᵢ for a 0 bit, aᵢ being
 * the mean |xᵢ − μᵢ|. Layout: docs/format/quantization.md.
 *
 * {@link prepare} scores asymmetrically (the query stays float; Gordo et al.
 * 2014, "Asymmetric distances for binary embeddings", IEEE TPAMI): the exact
 * metric between the query y and the reconstruction x̂, through a lookup
 * table per code byte. With sᵢ = ±1 the code's signs, T = Σ_{bits set} aᵢvᵢ:
 * - l2 (v = y − μ): ‖x̂ − y‖² = Σaᵢ² + ‖v‖² + 2Σaᵢvᵢ − 4T;
 * - ip (v = y), cosine (v = y / ‖y‖, codes of normalised copies):
 *   1 − x̂·v = 1 − μ·v + Σaᵢvᵢ − 2T.
 * Table entry [j][byte] sums aᵢvᵢ over the byte's set bits of dimensions
 * 8j … 8j + 7, so a distance is ⌈d / 8⌉ lookups (the PQ table kernel).
 *
 * {@link prepareHamming} binarises the query too and scores by Hamming
 * distance h (popcount), cheaper per code but a coarser ranking; measured
 * (bench/quantize.ts) recall@10 after rescoring at 8× oversampling: sift10k
 * 0.53 Hamming vs 0.80 asymmetric, scifact-bge 0.97 vs 0.996. Its distance
 * is a linear estimate that ranks exactly as h, each differing bit costing
 * the mean ā² = mean aᵢ²: l2 4ā²·h; cosine 2ā²·h (‖x̂ − ŷ‖² / 2 of unit
 * vectors); ip 1 − ‖μ‖² − Σaᵢ² + 2ā²·h (dropping the terms in μᵢaᵢ).
 */
export class BinaryQuantizer implements Quantizer {
  readonly kind = 'binary';
  readonly codeBytes: number;
  private readonly hammingBias: number;
  private readonly hammingScale: number;
  /** Σ aᵢ². */
  private readonly sumSquares: number;

  /** `means` μᵢ and `deviations` aᵢ ≥ 0, `dimension` float32 each (not copied). */
  constructor(
    readonly dimension: number,
    readonly metric: Metric,
    readonly means: Float32Array,
    readonly deviations: Float32Array,
  ) {
    this.codeBytes = Math.ceil(dimension / 8);
    let sumSquares = 0;
    let meanNormSquared = 0;
    for (let i = 0; i < dimension; i++) {
      sumSquares += deviations[i] * deviations[i];
      meanNormSquared += means[i] * means[i];
    }
    this.sumSquares = sumSquares;
    const meanSquare = sumSquares / dimension;
    this.hammingScale = metric === 'l2' ? 4 * meanSquare : 2 * meanSquare;
    this.hammingBias = metric === 'ip' ? 1 - meanNormSquared - sumSquares : 0;
  }

  /** Learns μ and a from `sample` (n × dimension; the normalised copies for cosine). */
  static train(sample: Float32Array, dimension: number, metric: Metric): BinaryQuantizer {
    const n = sample.length / dimension;
    const sums = new Float64Array(dimension);
    for (let at = 0; at < sample.length; at += dimension) {
      for (let i = 0; i < dimension; i++) sums[i] += sample[at + i];
    }
    const means = Float32Array.from(sums, (s) => s / n);
    const deviation = new Float64Array(dimension);
    for (let at = 0; at < sample.length; at += dimension) {
      for (let i = 0; i < dimension; i++) deviation[i] += Math.abs(sample[at + i] - means[i]);
    }
    return new BinaryQuantizer(dimension, metric, means, Float32Array.from(deviation, (s) => s / n));
  }

  /** Reads the payload of a checked envelope (docs/format/quantization.md, check 3–4). */
  static fromCodebook(envelope: CodebookEnvelope): BinaryQuantizer {
    const d = envelope.dimension;
    expectSizes(envelope, Math.ceil(d / 8), 8 * d);
    const means = readFloats(envelope, 0, d, 'mean');
    const deviations = readFloats(envelope, 4 * d, d, 'deviation', (a) => a >= 0);
    return new BinaryQuantizer(d, envelope.metric, means, deviations);
  }

  encode(vectors: Float32Array): Uint8Array {
    const d = this.dimension;
    const rows = quantizerRows(vectors, d, this.metric);
    const n = rows.length / d;
    const codes = new Uint8Array(n * this.codeBytes);
    for (let r = 0; r < n; r++) this.encodeRow(rows, r * d, codes, r * this.codeBytes);
    return codes;
  }

  decode(codes: Uint8Array, row: number): Float32Array {
    const out = new Float32Array(this.dimension);
    const at = row * this.codeBytes;
    for (let i = 0; i < this.dimension; i++) {
      const bit = (codes[at + (i >> 3)] >> (i & 7)) & 1;
      out[i] = bit === 1 ? this.means[i] + this.deviations[i] : this.means[i] - this.deviations[i];
    }
    return out;
  }

  /** The asymmetric estimator (see the class comment): a float32 ⌈d / 8⌉ × 256 table. */
  prepare(query: Float32Array): QueryCodes {
    const d = this.dimension;
    const y = quantizerRows(query.subarray(0, d), d, this.metric);
    const l2 = this.metric === 'l2';
    const weights = new Float64Array(this.codeBytes * 8);
    let bias = l2 ? this.sumSquares : 1;
    for (let i = 0; i < d; i++) {
      const v = l2 ? y[i] - this.means[i] : y[i];
      weights[i] = this.deviations[i] * v;
      bias += l2 ? v * v + 2 * weights[i] : weights[i] - this.means[i] * v;
    }
    const table = new Float32Array(this.codeBytes * 256);
    const sums = new Float64Array(256);
    for (let j = 0; j < this.codeBytes; j++) {
      // Each byte value adds its lowest set bit's weight to the sum of the
      // value without that bit: 255 additions per byte.
      for (let value = 1; value < 256; value++) {
        sums[value] = sums[value & (value - 1)] + weights[8 * j + (31 - Math.clz32(value & -value))];
      }
      table.set(sums, 256 * j);
    }
    const prepared: TableQuery = { method: 'table', image: new Uint8Array(table.buffer), table, bias, scale: l2 ? -4 : -2, scale2: 0 };
    return prepared;
  }

  /** The Hamming estimator (see the class comment): the query's own code bytes. */
  prepareHamming(query: Float32Array): QueryCodes {
    const d = this.dimension;
    const y = quantizerRows(query.subarray(0, d), d, this.metric);
    const image = new Uint8Array(this.codeBytes);
    this.encodeRow(y, 0, image, 0);
    return { method: 'hamming', image, bias: this.hammingBias, scale: this.hammingScale, scale2: 0 };
  }

  distance(q: QueryCodes, codes: Uint8Array, row: number): number {
    const at = row * this.codeBytes;
    if (q.method === 'hamming') return q.bias + q.scale * hamming(q.image, 0, codes, at, this.codeBytes);
    return q.bias + q.scale * adcSum((q as TableQuery).table, 0, codes, at, this.codeBytes);
  }

  serialize(): Uint8Array {
    const d = this.dimension;
    return writeCodebook('binary', this.metric, d, this.codeBytes, 8 * d, (payload) => {
      writeFloats(payload, 0, this.means);
      writeFloats(payload, 4 * d, this.deviations);
    });
  }

  memoryBytes(): number {
    return this.means.byteLength + this.deviations.byteLength;
  }

  private encodeRow(rows: Float32Array, at: number, out: Uint8Array, outAt: number): void {
    for (let i = 0; i < this.dimension; i++) {
      if (rows[at + i] > this.means[i]) out[outAt + (i >> 3)] |= 1 << (i & 7);
    }
  }
}

interface TableQuery extends QueryCodes {
  /** The lookup table as float32 (the same bytes as `image`). */
  readonly table: Float32Array;
}
