import type { Metric } from '../types.js';
import { type CodebookEnvelope, expectSizes, readFloats, writeCodebook, writeFloats } from '../format/codebook.js';
import { sq8Score } from './js-code-kernels.js';
import type { QueryCodes, Quantizer } from './quantizer.js';
import { quantizerInverseNorm, quantizerRows } from './rows.js';

/** Fraction of values clipped at each end of a dimension's range when training. */
export const SQ8_CLIP_FRACTION = 0.001;
/** Largest |qᵢ|: codes are symmetric, −128 is never written. */
const CODE_MAX = 127;
/** Largest |rᵢ| of the int16 query. */
const QUERY_MAX = 32767;
/** Largest l2 weight wᵢ (13 bits keeps the kernel's int32 lanes from overflowing). */
const WEIGHT_MAX = 8191;

interface Sq8Query extends QueryCodes {
  /** r (int16 × d), then the l2 weights (int16 × d) when the metric is l2. */
  readonly r: Int16Array;
}

/**
 * Scalar quantization to int8 with a per-dimension offset and step, learned
 * with quantile clipping: `x̂ᵢ = mᵢ + sᵢ·qᵢ`, `qᵢ ∈ [−127, 127]`, d bytes per
 * vector. Layout: docs/format/quantization.md.
 *
 * Distances are computed in the integer domain against an int16 image of
 * the query, with correction terms that make them estimates in the metric's
 * units (y: the query, its normalised copy for cosine):
 * - ip / cosine: x̂·y = Σ mᵢyᵢ + Σ qᵢ·(sᵢyᵢ). With wᵢ = sᵢyᵢ ≈ t·rᵢ (rᵢ int16,
 *   t = max|w| / 32767), distance = 1 − Σmᵢyᵢ − t·Σ qᵢrᵢ.
 * - l2: with y' = y − m, ‖x̂ − y‖² = Σ sᵢ²qᵢ² − 2 Σ qᵢ·(sᵢy'ᵢ) + ‖y'‖². The
 *   middle sum uses r as above; the first, a per-row term, is computed in the
 *   same pass as σ·Σ qᵢ²·wᵢ with integer weights wᵢ = round(sᵢ² / σ),
 *   σ = max sᵢ² / 8191, so no per-row float needs storing.
 * Query rounding errs by ≤ t/2 per dimension (≈ 1/65534 of the largest
 * |sᵢyᵢ|), weight rounding by ≤ σ/2 per unit qᵢ², both far below the error of
 * the codes themselves (sᵢ/2 per dimension for unclipped values).
 */
export class Sq8Quantizer implements Quantizer {
  readonly kind = 'sq8';
  readonly codeBytes: number;
  /** 1 / sᵢ, so encoding multiplies. */
  private readonly inverseSteps: Float64Array;
  /** l2 weights wᵢ (int16) and their unit σ. */
  private readonly weights: Int16Array;
  private readonly sigma: number;
  /**
   * {@link prepare}'s scaled query values, reused. A typed array over 64
   * bytes has its store outside V8's heap: allocating 100,000 of them in a
   * row cost ≈ 4 µs each (Node 20, this project's machines), against
   * ≈ 0.03–0.07 µs for 8–16 values. An sq8 query allocated four (this, the
   * image, the walk's candidate rows, the rescoring heap); without them it
   * costs 0.93–0.94× the CPU at efSearch 24–32 on generated-100k
   * (bench/sq8-walk.ts, ratio to float32 in the same passes, 2 × 21 passes
   * each way).
   */
  private readonly scaled: Float64Array;

  /** `offsets` mᵢ and `steps` sᵢ > 0, `dimension` float32 each (not copied). */
  constructor(
    readonly dimension: number,
    readonly metric: Metric,
    readonly offsets: Float32Array,
    readonly steps: Float32Array,
  ) {
    this.codeBytes = dimension;
    this.inverseSteps = Float64Array.from(steps, (s) => 1 / s);
    let maxSquare = 0;
    for (let i = 0; i < dimension; i++) maxSquare = Math.max(maxSquare, steps[i] * steps[i]);
    this.sigma = maxSquare / WEIGHT_MAX;
    this.weights = new Int16Array(dimension);
    for (let i = 0; i < dimension; i++) this.weights[i] = Math.round((steps[i] * steps[i]) / this.sigma);
    this.scaled = new Float64Array(dimension);
  }

  /**
   * Learns offsets and steps from `sample` (n × dimension; the normalised
   * copies for cosine): per dimension, the 0.1 % and 99.9 % quantiles lo, hi
   * give m = (lo + hi) / 2 and s = (hi − lo) / 254.
   */
  static train(sample: Float32Array, dimension: number, metric: Metric): Sq8Quantizer {
    const n = sample.length / dimension;
    const column = new Float32Array(n);
    const offsets = new Float32Array(dimension);
    const steps = new Float32Array(dimension);
    const low = Math.floor(SQ8_CLIP_FRACTION * (n - 1));
    const high = Math.ceil((1 - SQ8_CLIP_FRACTION) * (n - 1));
    for (let i = 0; i < dimension; i++) {
      for (let r = 0; r < n; r++) column[r] = sample[r * dimension + i];
      column.sort();
      const lo = column[low];
      const hi = column[high];
      offsets[i] = (lo + hi) / 2;
      const step = Math.fround((hi - lo) / (2 * CODE_MAX));
      // A constant dimension still needs a positive step; any small one
      // reconstructs it exactly (all its codes are 0).
      steps[i] = step > 0 ? step : Math.fround(Math.max(Math.abs(offsets[i]), 1) * 2 ** -20);
    }
    return new Sq8Quantizer(dimension, metric, offsets, steps);
  }

  /** Reads the payload of a checked envelope (docs/format/quantization.md, check 3–4). */
  static fromCodebook(envelope: CodebookEnvelope): Sq8Quantizer {
    const d = envelope.dimension;
    expectSizes(envelope, d, 8 * d);
    const offsets = readFloats(envelope, 0, d, 'offset');
    const steps = readFloats(envelope, 4 * d, d, 'step', (s) => s > 0);
    return new Sq8Quantizer(d, envelope.metric, offsets, steps);
  }

  encode(vectors: Float32Array): Uint8Array {
    const d = this.dimension;
    const rows = quantizerRows(vectors, d, this.metric);
    const codes = new Uint8Array(rows.length);
    const { offsets, inverseSteps } = this;
    for (let at = 0; at < rows.length; at += d) {
      for (let i = 0; i < d; i++) {
        const q = Math.round((rows[at + i] - offsets[i]) * inverseSteps[i]);
        codes[at + i] = (q > CODE_MAX ? CODE_MAX : q < -CODE_MAX ? -CODE_MAX : q) & 0xff;
      }
    }
    return codes;
  }

  decode(codes: Uint8Array, row: number): Float32Array {
    const d = this.dimension;
    const out = new Float32Array(d);
    for (let i = 0; i < d; i++) out[i] = this.offsets[i] + this.steps[i] * ((codes[row * d + i] << 24) >> 24);
    return out;
  }

  /**
   * With `image` (at an even byte offset, at least 4·d bytes for l2 and
   * 2·d otherwise, e.g. a view of kernel memory), the query image is
   * written there and the result's `image` and `r` are views of it; else
   * they are new arrays.
   */
  prepare(query: Float32Array, image?: Uint8Array): QueryCodes {
    const d = this.dimension;
    const l2 = this.metric === 'l2';
    const cosine = this.metric === 'cosine';
    // Cosine works on the unit-norm query, each value rounded to float32 as quantizerRows' copy holds it.
    const inv = cosine ? quantizerInverseNorm(query, 0, d) : 1;
    const w = this.scaled;
    let constant = 0;
    let maxAbs = 0;
    for (let i = 0; i < d; i++) {
      const y = cosine ? Math.fround(query[i] * inv) : query[i];
      const centred = l2 ? y - this.offsets[i] : y;
      w[i] = this.steps[i] * centred;
      constant += l2 ? centred * centred : this.offsets[i] * y;
      maxAbs = Math.max(maxAbs, Math.abs(w[i]));
    }
    const t = maxAbs > 0 ? maxAbs / QUERY_MAX : 1;
    const values = l2 ? 2 * d : d;
    const inPlace = image !== undefined && image.byteOffset % 2 === 0 && image.byteLength >= 2 * values;
    const r = inPlace ? new Int16Array(image.buffer, image.byteOffset, values) : new Int16Array(values);
    for (let i = 0; i < d; i++) r[i] = Math.round(w[i] / t);
    if (l2) r.set(this.weights, d);
    const bytes = new Uint8Array(r.buffer, r.byteOffset, r.byteLength);
    const prepared: Sq8Query = l2
      ? { method: 'int8', image: bytes, r, bias: constant, scale: -2 * t, scale2: this.sigma }
      : { method: 'int8', image: bytes, r, bias: 1 - constant, scale: -t, scale2: 0 };
    return prepared;
  }

  distance(q: QueryCodes, codes: Uint8Array, row: number): number {
    const d = this.dimension;
    return sq8Score(codes, row * d, (q as Sq8Query).r, 0, d, q.bias, q.scale, q.scale2);
  }

  /**
   * l2 only: the int16 weights wᵢ of the per-code term Σ qᵢ²·wᵢ (the
   * prepared query's raw2, the same for every query), for precomputing it
   * once per code; null for ip and cosine, whose score has no such term.
   */
  squareWeights(): Int16Array | null {
    return this.metric === 'l2' ? this.weights : null;
  }

  serialize(): Uint8Array {
    const d = this.dimension;
    return writeCodebook('sq8', this.metric, d, d, 8 * d, (payload) => {
      writeFloats(payload, 0, this.offsets);
      writeFloats(payload, 4 * d, this.steps);
    });
  }

  memoryBytes(): number {
    return this.offsets.byteLength + this.steps.byteLength + this.inverseSteps.byteLength + this.weights.byteLength + this.scaled.byteLength;
  }
}
