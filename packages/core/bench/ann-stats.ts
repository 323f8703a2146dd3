/** Small timing and statistics helpers for bench/ann.ts and bench/ann-interleaved.ts. */

/**
 * Searches queries 0…count − 1 in order, one at a time, the whole set
 * repeated until at least `seconds` have passed (so short sets time
 * reliably); returns how many queries were searched.
 */
export async function searchRepeatedly(count: number, seconds: number, search: (q: number) => unknown): Promise<number> {
  let searched = 0;
  const started = performance.now();
  do {
    for (let q = 0; q < count; q++) await search(q);
    searched += count;
  } while (performance.now() - started < seconds * 1000);
  return searched;
}

/** CPU seconds (user + system) of this process since `start`. */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface SweepPoint {
  ef: number;
  recall: number;
  qps: number;
}

/**
 * QPS at `target` recall, interpolated linearly in recall between the two
 * sweep points around it (log-QPS would bend it by < 2 % at these spacings).
 * When the lowest ef already reaches the target, that point's QPS (a lower
 * bound); null when no ef reaches it.
 */
export function qpsAtRecall(points: readonly SweepPoint[], target: number): number | null {
  const sorted = [...points].sort((a, b) => a.ef - b.ef);
  if (sorted.length === 0) return null;
  if (sorted[0].recall >= target) return sorted[0].qps;
  for (let i = 1; i < sorted.length; i++) {
    const lo = sorted[i - 1];
    const hi = sorted[i];
    if (hi.recall >= target && lo.recall < target) {
      const t = (target - lo.recall) / (hi.recall - lo.recall);
      return lo.qps + t * (hi.qps - lo.qps);
    }
  }
  return null;
}

/** The `p`-quantile (0…1) of `values` by the nearest-rank method. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
