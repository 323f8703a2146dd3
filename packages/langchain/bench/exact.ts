/**
 * Exact (brute-force) nearest neighbours in float64, the reference both
 * stores are measured against. Distances follow Chroma: l2 is squared
 * Euclidean, cosine is 1 − cos, ip is 1 − dot.
 */
import type { Metric } from '@omendb/core';

/** Distance between `a` and `b` under `metric`, in float64. */
export function distance(metric: Metric, a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    dot += x * y;
    na += x * x;
    nb += y * y;
    l2 += (x - y) * (x - y);
  }
  if (metric === 'l2') return l2;
  if (metric === 'ip') return 1 - dot;
  return 1 - dot / Math.sqrt(na * nb);
}

/** Row indexes of the `k` nearest rows of `base` to `query` among `candidates` (default all), nearest first. */
export function exactTopK(metric: Metric, base: number[][], query: number[], k: number, candidates?: number[]): number[] {
  const rows = candidates ?? base.map((_, i) => i);
  return rows
    .map((i) => [i, distance(metric, base[i], query)] as const)
    .sort((x, y) => x[1] - y[1] || x[0] - y[0])
    .slice(0, k)
    .map(([i]) => i);
}
