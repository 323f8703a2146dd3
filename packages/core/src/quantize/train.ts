import { ValidationError } from '../errors.js';
import type { KernelBackend } from '../kernels/kernels.js';
import type { Metric } from '../types.js';
import { BinaryQuantizer } from './binary.js';
import { type CodebookExpectation, type CodebookSource, readCodebook } from '../format/codebook.js';
import { PqQuantizer } from './pq.js';
import type { QuantizationSpec, Quantizer } from './quantizer.js';
import { quantizerRows, sampleRows } from './rows.js';
import { validateQuantizationSpec } from './spec.js';
import { Sq8Quantizer } from './sq8.js';

/**
 * Training rows at most, per kind; larger inputs are trained on a seeded
 * uniform sample. sq8 needs enough rows for stable 0.1 % quantiles, binary
 * only means; PQ follows FAISS's ceiling of 256 points per centroid scaled
 * down to 64, which k-means on 256 centroids converges with while keeping
 * training linear in the sample.
 */
export const TRAINING_ROWS = { sq8: 20_000, binary: 50_000, pq: 64 * 256 } as const;

/** Options for {@link trainQuantizer} and {@link loadQuantizer}. */
export interface QuantizerOptions {
  /** Kernel backend for PQ; default WebAssembly SIMD when supported. Results are identical. */
  backend?: KernelBackend;
}

/**
 * Trains a quantizer on `vectors` (n ≥ 1 rows × `dimension` float32,
 * row-major, not modified): on all rows, or on a `seed`ed sample of
 * {@link TRAINING_ROWS} rows when n is larger. The same inputs and seed give
 * the same codebook, byte for byte, on every backend. Training does not
 * encode: call `encode` on every row afterwards (see {@link trainAndEncode}).
 *
 * Throws ValidationError for `'none'`, an invalid spec (see
 * validateQuantizationSpec), no rows, or a length that is not n × dimension.
 */
export function trainQuantizer(
  spec: QuantizationSpec,
  vectors: Float32Array,
  dimension: number,
  metric: Metric,
  seed = 0,
  options: QuantizerOptions = {},
): Quantizer {
  const checked = validateQuantizationSpec(spec, dimension);
  if (checked === 'none') throw new ValidationError("quantization 'none' has no quantizer to train");
  if (!(Number.isInteger(dimension) && dimension >= 1) || vectors.length === 0 || vectors.length % dimension !== 0) {
    throw new ValidationError('invalid training vectors', [
      { code: 'invalid_length', path: ['vectors'], message: `${vectors.length} values are not n ≥ 1 rows of ${dimension}` },
    ]);
  }
  if (checked === 'sq8') return Sq8Quantizer.train(trainingRows(vectors, dimension, metric, TRAINING_ROWS.sq8, seed), dimension, metric);
  if (checked === 'binary') {
    return BinaryQuantizer.train(trainingRows(vectors, dimension, metric, TRAINING_ROWS.binary, seed), dimension, metric);
  }
  const sample = trainingRows(vectors, dimension, metric, TRAINING_ROWS.pq, seed);
  return PqQuantizer.train(sample, dimension, metric, checked.subvectors, seed, options.backend);
}

/**
 * Trains on `vectors` and encodes every row of them, the training sample
 * included: what sealing a segment does. `codes` is n × codeBytes, row r
 * equal to `quantizer.encode(row r)`. Throws as {@link trainQuantizer}.
 */
export function trainAndEncode(
  spec: QuantizationSpec,
  vectors: Float32Array,
  dimension: number,
  metric: Metric,
  seed = 0,
  options: QuantizerOptions = {},
): { quantizer: Quantizer; codes: Uint8Array } {
  const quantizer = trainQuantizer(spec, vectors, dimension, metric, seed, options);
  return { quantizer, codes: quantizer.encode(vectors) };
}

/**
 * Reads a codebook section written by `Quantizer.serialize()`
 * (docs/format/quantization.md), verifying its CRC-32 and every check of the
 * doc; `expected` states the collection's dimension and metric. Throws
 * CorruptionError(source.file, source.offset + position of the bad field).
 */
export function loadQuantizer(
  bytes: Uint8Array,
  source: CodebookSource,
  expected: CodebookExpectation = {},
  options: QuantizerOptions = {},
): Quantizer {
  const envelope = readCodebook(bytes, source, expected);
  if (envelope.kind === 'sq8') return Sq8Quantizer.fromCodebook(envelope);
  if (envelope.kind === 'binary') return BinaryQuantizer.fromCodebook(envelope);
  return PqQuantizer.fromCodebook(envelope, options.backend);
}

/** The rows a kind trains on: a seeded sample, normalised for cosine. */
function trainingRows(vectors: Float32Array, dimension: number, metric: Metric, maxRows: number, seed: number): Float32Array {
  return quantizerRows(sampleRows(vectors, dimension, maxRows, seed), dimension, metric);
}
