import { SeededRandom } from '../kernels/seeded-random.js';
import type { Metric } from '../types.js';

/**
 * Row helpers shared by the quantizers: the vectors a quantizer sees (a
 * normalised copy for cosine, never the caller's array) and seeded training
 * samples.
 */

/**
 * The rows a quantizer encodes for `metric`: for cosine, a copy of
 * `vectors` (n × dim) with every row scaled to unit L2 norm (a zero row stays
 * zero); otherwise `vectors` itself, which callers only read.
 */
export function quantizerRows(vectors: Float32Array, dim: number, metric: Metric): Float32Array {
  if (metric !== 'cosine') return vectors;
  const out = new Float32Array(vectors.length);
  for (let at = 0; at < vectors.length; at += dim) {
    const inv = quantizerInverseNorm(vectors, at, dim);
    for (let i = 0; i < dim; i++) out[at + i] = vectors[at + i] * inv;
  }
  return out;
}

/**
 * 1 / ‖row‖ of the `dim` values of `vectors` from `at` (0 for a zero row),
 * in double precision: a row's values times it, rounded to float32, are
 * {@link quantizerRows}' cosine row. Unlike kernels/metric-code.ts's
 * `inverseNormAt` (the index's, rounded to float32), so codes keep the bits
 * they were trained and encoded with.
 */
export function quantizerInverseNorm(vectors: Float32Array, at: number, dim: number): number {
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += vectors[at + i] * vectors[at + i];
  return sum > 0 ? 1 / Math.sqrt(sum) : 0;
}

/**
 * Up to `maxRows` distinct rows of `vectors` (n × dim), chosen uniformly
 * with `seed` (partial Fisher–Yates), kept in their original order; all rows
 * (the array itself) when n ≤ maxRows.
 */
export function sampleRows(vectors: Float32Array, dim: number, maxRows: number, seed: number): Float32Array {
  const n = vectors.length / dim;
  if (n <= maxRows) return vectors;
  const random = new SeededRandom(seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = 0; i < maxRows; i++) {
    const j = i + Math.floor(random.next() * (n - i));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const chosen = order.subarray(0, maxRows).sort();
  const out = new Float32Array(maxRows * dim);
  for (let r = 0; r < maxRows; r++) out.set(vectors.subarray(chosen[r] * dim, (chosen[r] + 1) * dim), r * dim);
  return out;
}

/** The single row `row` of `vectors` as a subarray (no copy). */
export function rowOf(vectors: Float32Array, dim: number, row: number): Float32Array {
  return vectors.subarray(row * dim, (row + 1) * dim);
}
