/**
 * LlamaIndex scores are similarities, higher is better; core returns
 * Chroma's distances, lower is better. The conversion per metric:
 *
 * | metric | core distance `d` | similarity | range |
 * |---|---|---|---|
 * | `cosine` | 1 − cos(a, b) | 1 − d = cos(a, b), as LlamaIndex's `SimpleVectorStore` and Chroma store report | [−1, 1] |
 * | `ip` | 1 − a·b | 1 − d = a·b, the dot product | unbounded |
 * | `l2` | Σ (aᵢ − bᵢ)² (squared) | 1 / (1 + d): 1 for an identical vector, towards 0 far away | (0, 1] |
 *
 * Each is strictly decreasing in `d`, so the order of results is core's.
 */
import type { Metric } from '@omendb/core';

/** The similarity LlamaIndex receives for a core distance under `metric`. */
export function similarityFromDistance(distance: number, metric: Metric): number {
  switch (metric) {
    case 'cosine':
    case 'ip':
      return 1 - distance;
    case 'l2':
      return 1 / (1 + distance);
  }
}
