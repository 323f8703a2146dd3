import { RECOMMENDED_OVERSAMPLING, type QuantizerKind } from '../../quantize/quantizer.js';

/**
 * Default oversampling of a quantized segment index: the graph search on the
 * codes hands its best `k × oversampling` rows to float32 rescoring (and
 * runs with ef ≥ that many).
 *
 * Measured with bench/quantized.ts (recall@10 vs exact at efSearch 64,
 * M = 16; the float32 HnswIndex over the same graph gets 0.995 on
 * scifact-bge, 1024-d cosine, and 0.985 on sift10k, 128-d l2):
 * - sq8: 2× → 0.995 / 0.985, equal to float32 (1× 0.989 / 0.975);
 * - pq (m = d / 8): 8× → 0.994 / 0.986 (4× 0.983 / 0.947);
 * - binary: 8× → 0.990 on 1024-d, but 0.805 on 128-d, which needs 32×
 *   (0.985; 16× 0.921): with fewer bits per vector the codes rank more
 *   coarsely, so the factor scales as 4096 / d, at least 8 and at most 64.
 * sq8 and pq keep RECOMMENDED_OVERSAMPLING (brute-force measurements); the
 * graph walk adds no misses those factors do not absorb.
 */
export function defaultOversampling(kind: QuantizerKind, dimension: number): number {
  if (kind === 'binary') return Math.min(64, Math.max(RECOMMENDED_OVERSAMPLING.binary, Math.ceil(4096 / dimension)));
  return RECOMMENDED_OVERSAMPLING[kind];
}
