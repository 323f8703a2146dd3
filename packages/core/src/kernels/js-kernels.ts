import type { Kernels } from './kernels.js';
import { METRIC_COSINE, METRIC_L2, type MetricCode } from './metric-code.js';

/** The views a scalar kernel reads; re-read on every call because growth replaces them. */
export interface HeapViews {
  readonly f32: Float32Array;
  readonly i32: Int32Array;
}

/**
 * Scalar JavaScript kernels over the same memory layout as the WebAssembly
 * ones, used only where `WebAssembly.validate` rejects the SIMD module.
 * Accumulates in float64, so results may differ from the SIMD kernels in the
 * last float32 bits.
 */
export function createJsKernels(heap: HeapViews): Kernels {
  const dot = (a: number, b: number, dim: number): number => {
    const f = heap.f32;
    const ia = a >> 2;
    const ib = b >> 2;
    let sum = 0;
    for (let i = 0; i < dim; i++) sum += f[ia + i] * f[ib + i];
    return sum;
  };
  const l2sq = (a: number, b: number, dim: number): number => {
    const f = heap.f32;
    const ia = a >> 2;
    const ib = b >> 2;
    let sum = 0;
    for (let i = 0; i < dim; i++) {
      const d = f[ia + i] - f[ib + i];
      sum += d * d;
    }
    return sum;
  };
  const cosine = (a: number, b: number, dim: number): number => {
    const f = heap.f32;
    const ia = a >> 2;
    const ib = b >> 2;
    let d = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < dim; i++) {
      const x = f[ia + i];
      const y = f[ib + i];
      d += x * y;
      na += x * x;
      nb += y * y;
    }
    const denom = Math.sqrt(na) * Math.sqrt(nb);
    return denom > 0 ? 1 - d / denom : 1;
  };
  const rowDistance = (
    metric: MetricCode,
    row: number,
    query: number,
    queryInv: number,
    base: number,
    norms: number,
    dim: number,
  ): number => {
    const p = base + row * dim * 4;
    if (metric === METRIC_L2) return l2sq(p, query, dim);
    const d = dot(p, query, dim);
    return metric === METRIC_COSINE ? 1 - d * heap.f32[(norms >> 2) + row] * queryInv : 1 - d;
  };
  const pair = (metric: MetricCode, base: number, norms: number, dim: number, a: number, b: number): number => {
    const pb = base + b * dim * 4;
    if (metric === METRIC_L2) return l2sq(base + a * dim * 4, pb, dim);
    const inv = metric === METRIC_COSINE ? heap.f32[(norms >> 2) + b] : 1;
    return rowDistance(metric, a, pb, inv, base, norms, dim);
  };
  return {
    dot,
    l2sq,
    cosine,
    scan(metric, query, queryInv, base, norms, dim, first, count, out) {
      const o = out >> 2;
      for (let i = 0; i < count; i++) {
        heap.f32[o + i] = rowDistance(metric, first + i, query, queryInv, base, norms, dim);
      }
    },
    gather(metric, query, queryInv, base, norms, dim, ids, count, out) {
      const o = out >> 2;
      const id = ids >> 2;
      for (let i = 0; i < count; i++) {
        heap.f32[o + i] = rowDistance(metric, heap.i32[id + i], query, queryInv, base, norms, dim);
      }
    },
    pair,
    selectNeighbors(metric, base, norms, dim, ids, dists, count, maxM, out) {
      const i32 = heap.i32;
      const id = ids >> 2;
      const o = out >> 2;
      if (count < maxM) {
        i32.copyWithin(o, id, id + count);
        return count;
      }
      let kept = 0;
      for (let i = 0; i < count && kept < maxM; i++) {
        const candidate = i32[id + i];
        const toNew = heap.f32[(dists >> 2) + i];
        let good = true;
        for (let j = 0; j < kept && good; j++) good = !(pair(metric, base, norms, dim, candidate, i32[o + j]) < toNew);
        if (good) i32[o + kept++] = candidate;
      }
      return kept;
    },
  };
}
