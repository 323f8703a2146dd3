import type { Metric } from '../types.js';

/** Integer metric codes passed to the kernels; must match assembly/distance.ts. */
export const METRIC_L2 = 0;
export const METRIC_IP = 1;
export const METRIC_COSINE = 2;

export type MetricCode = typeof METRIC_L2 | typeof METRIC_IP | typeof METRIC_COSINE;

export function metricCode(metric: Metric): MetricCode {
  switch (metric) {
    case 'l2':
      return METRIC_L2;
    case 'ip':
      return METRIC_IP;
    case 'cosine':
      return METRIC_COSINE;
  }
}

/**
 * 1 / ‖v‖ as float32, or 0 for a zero vector so its cosine distance to
 * anything is 1 (as hnswlib does), never NaN.
 */
export function inverseNorm(v: Float32Array): number {
  return inverseNormAt(v, 0, v.length);
}

/**
 * {@link inverseNorm} of `values[start … start + dim)`, without a subarray:
 * the same arithmetic, so a row loaded in bulk gets the bits an `add` gave it.
 */
export function inverseNormAt(values: Float32Array, start: number, dim: number): number {
  let sum = 0;
  for (let i = start; i < start + dim; i++) sum += values[i] * values[i];
  return sum > 0 ? Math.fround(1 / Math.sqrt(sum)) : 0;
}
