// Batch forms of the distance kernels: one call from JavaScript scores many
// rows, so the JS→WASM call cost (~10 ns) is paid once per batch, not per row.
//
// Row r of a vector region starts at `base + r·dim·4`; its inverse norm (read
// only for cosine) is the float32 at `norms + r·4`.

import { METRIC_COSINE, metricDistance } from './distance';

@inline
function invNorm(metric: i32, norms: usize, row: i32): f32 {
  return metric == METRIC_COSINE ? load<f32>(norms + (<usize>row << 2)) : 1;
}

/** out[i] = distance(query, row first + i) for i in [0, count): an exact scan. */
export function scan(
  metric: i32,
  query: usize,
  queryInv: f32,
  base: usize,
  norms: usize,
  dim: i32,
  first: i32,
  count: i32,
  out: usize,
): void {
  const stride = <usize>dim << 2;
  let row = first;
  let p = base + <usize>first * stride;
  for (let i = 0; i < count; i++) {
    const d = metricDistance(metric, p, query, invNorm(metric, norms, row), queryInv, dim);
    store<f32>(out + (<usize>i << 2), d);
    p += stride;
    row++;
  }
}

/** out[i] = distance(query, row ids[i]) for i in [0, count); `ids` is int32. */
export function gather(
  metric: i32,
  query: usize,
  queryInv: f32,
  base: usize,
  norms: usize,
  dim: i32,
  ids: usize,
  count: i32,
  out: usize,
): void {
  const stride = <usize>dim << 2;
  for (let i = 0; i < count; i++) {
    const row = load<i32>(ids + (<usize>i << 2));
    const d = metricDistance(metric, base + <usize>row * stride, query, invNorm(metric, norms, row), queryInv, dim);
    store<f32>(out + (<usize>i << 2), d);
  }
}

/** Distance between two stored rows `a` and `b` of the same region. */
export function pair(metric: i32, base: usize, norms: usize, dim: i32, a: i32, b: i32): f32 {
  const stride = <usize>dim << 2;
  return metricDistance(
    metric,
    base + <usize>a * stride,
    base + <usize>b * stride,
    invNorm(metric, norms, a),
    invNorm(metric, norms, b),
    dim,
  );
}
