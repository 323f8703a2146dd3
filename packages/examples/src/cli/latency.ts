/**
 * Latency summary for a set of timed operations.
 */

/** Summary of samples in milliseconds. */
export interface LatencySummary {
  /** Number of samples. */
  count: number;
  /** Median (50th percentile), ms. */
  medianMs: number;
  /** 95th percentile, ms. */
  p95Ms: number;
  /** Largest sample, ms. */
  maxMs: number;
}

/**
 * Percentiles by the nearest-rank method (the smallest sample with at least
 * p% of samples at or below it), so every reported figure is a real sample.
 * @param samplesMs durations in milliseconds; not modified.
 * @throws RangeError if `samplesMs` is empty.
 */
export function summarizeLatency(samplesMs: readonly number[]): LatencySummary {
  if (samplesMs.length === 0) throw new RangeError('no latency samples');
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return { count: sorted.length, medianMs: rank(50), p95Ms: rank(95), maxMs: sorted[sorted.length - 1] };
}
