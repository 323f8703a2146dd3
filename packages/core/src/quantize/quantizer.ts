import type { Metric, QuantizerKind } from '../types.js';

// The spec types live with the other public types, below format/ (the manifest stores a spec).
export type { PqSpec, QuantizationSpec, QuantizerKind } from '../types.js';

/**
 * Oversampling (candidates = k × oversampling, then rescored with float32)
 * that bench/quantize.ts found sufficient for recall@10 ≥ 0.99 against exact
 * search with brute force over the codes, seed 42:
 * - sq8: 2× → 1.000 on scifact-bge (1024-d cosine) and sift10k (128-d l2); 1× gives 0.99.
 * - binary: 8× → 0.995 on scifact-bge (4× 0.969); 128-d SIFT needs 32× (0.982).
 * - pq: 8× → 0.999 with m = 128 on scifact-bge and 1.000 with m = 32 on sift10k (4× 0.987 / 0.998).
 * A graph search over codes adds its own misses, which more candidates also absorb.
 */
export const RECOMMENDED_OVERSAMPLING: Record<QuantizerKind, number> = { sq8: 2, binary: 8, pq: 8 };

/**
 * How a prepared query is scored, i.e. which kernel reads its image:
 * - `int8` (sq8): `image` = int16 × d query, then for l2 int16 × d weights;
 *   raw = Σ qᵢ·rᵢ, raw2 = Σ qᵢ²·wᵢ (l2 only).
 * - `hamming` (binary, binarised query): `image` = the query's ⌈d / 8⌉ code
 *   bytes; raw = Hamming distance.
 * - `table` (pq, and binary's asymmetric estimator): `image` = float32
 *   codeBytes × 256 lookup table; raw = Σⱼ table[j][codeⱼ].
 */
export type ScoreMethod = 'int8' | 'hamming' | 'table';

/**
 * A query prepared for one quantizer's {@link Quantizer.distance}: its image
 * in the code domain plus the affine map from the kernel's raw sums to the
 * metric's units, `distance = bias + scale·raw + scale2·raw2`. Valid only
 * with the quantizer that prepared it.
 */
export interface QueryCodes {
  readonly method: ScoreMethod;
  /** Bytes the kernel reads (see {@link ScoreMethod}); copy into kernel memory 16-byte aligned. */
  readonly image: Uint8Array;
  readonly bias: number;
  readonly scale: number;
  readonly scale2: number;
}

/**
 * A trained quantizer: encodes float32 vectors to fixed-size codes and
 * estimates distances from a float32 query to a code. Layouts are
 * docs/format/quantization.md. Distances follow `Metric` (l2 squared
 * Euclidean, ip 1 − a·b, cosine 1 − cos); for cosine the quantizer works on
 * normalised copies, never on the caller's arrays.
 */
export interface Quantizer {
  readonly kind: QuantizerKind;
  /** Values per vector. */
  readonly dimension: number;
  readonly metric: Metric;
  /** Bytes of one code: sq8 d, binary ⌈d / 8⌉, pq m. */
  readonly codeBytes: number;
  /** Encodes `n × dimension` float32 rows into `n × codeBytes` bytes; the input is not modified. */
  encode(vectors: Float32Array): Uint8Array;
  /**
   * Approximate reconstruction of code `row` of `codes` (dimension values;
   * for cosine, of the normalised vector). For error bounds and debugging.
   */
  decode(codes: Uint8Array, row: number): Float32Array;
  /**
   * Per-query state for {@link distance}; `query` has `dimension` values and
   * is not modified. A quantizer may write the query image into `image`
   * (kernel memory, 16-byte aligned, room for the largest image) and return
   * a view of it as the result's `image` (sq8 does); callers copy the
   * result's `image` there when it is another array.
   */
  prepare(query: Float32Array, image?: Uint8Array): QueryCodes;
  /**
   * Estimated distance, in the metric's units, from a prepared query to code
   * `row` of `codes`, in scalar JavaScript: the reference path. Scoring many
   * codes goes through the WebAssembly kernels (code-scorer.ts), which give
   * the same value and are 2–40× faster (bench/quantize.ts).
   */
  distance(q: QueryCodes, codes: Uint8Array, row: number): number;
  /** The codebook section (docs/format/quantization.md), CRC-32 included. */
  serialize(): Uint8Array;
  /** Bytes held: codebook arrays, derived tables and kernel memory. */
  memoryBytes(): number;
}
