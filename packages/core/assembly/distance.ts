// Float32 distance kernels on WebAssembly SIMD (f32x4).
//
// Every pointer is a byte offset into the imported linear memory; vectors are
// `dim` little-endian float32 values with no alignment requirement (v128.load
// accepts any address). Four independent accumulators break the add
// dependency chain so the loop issues one multiply-add per cycle per lane.
//
// `dot` and `l2sq` are inlined where they are called (the graph walk's
// scorer above all). Against a call per neighbour, the walk takes 0.91–0.94×
// the CPU per search on glove25 (25-d, ef 16) and sift10k (128-d, ef 32),
// the same on scifact-bge (768-d); same process, alternating (2026-12-07).

/** Metric codes shared with the TypeScript side (kernels/metric-code.ts). */
export const METRIC_L2: i32 = 0;
export const METRIC_IP: i32 = 1;
export const METRIC_COSINE: i32 = 2;

@inline
function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

/** Σ aᵢ·bᵢ over `dim` float32 values. */
@inline export function dot(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const end16 = <usize>(dim & ~15) << 2;
  let o: usize = 0;
  for (; o < end16; o += 64) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(a + o, 32), v128.load(b + o, 32)));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(a + o, 48), v128.load(b + o, 48)));
  }
  const end4 = <usize>(dim & ~3) << 2;
  for (; o < end4; o += 16) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  let sum = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  const end = <usize>dim << 2;
  for (; o < end; o += 4) sum += load<f32>(a + o) * load<f32>(b + o);
  return sum;
}

/** Σ (aᵢ − bᵢ)² over `dim` float32 values (squared Euclidean distance). */
@inline export function l2sq(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const end16 = <usize>(dim & ~15) << 2;
  let o: usize = 0;
  for (; o < end16; o += 64) {
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    const d1 = f32x4.sub(v128.load(a + o, 16), v128.load(b + o, 16));
    const d2 = f32x4.sub(v128.load(a + o, 32), v128.load(b + o, 32));
    const d3 = f32x4.sub(v128.load(a + o, 48), v128.load(b + o, 48));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
    s2 = f32x4.add(s2, f32x4.mul(d2, d2));
    s3 = f32x4.add(s3, f32x4.mul(d3, d3));
  }
  const end4 = <usize>(dim & ~3) << 2;
  for (; o < end4; o += 16) {
    const d = f32x4.sub(v128.load(a + o), v128.load(b + o));
    s0 = f32x4.add(s0, f32x4.mul(d, d));
  }
  let sum = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  const end = <usize>dim << 2;
  for (; o < end; o += 4) {
    const d = load<f32>(a + o) - load<f32>(b + o);
    sum += d * d;
  }
  return sum;
}

/** 1 − cos(a, b), computing both norms in the same pass; 1 when either norm is 0. */
export function cosine(a: usize, b: usize, dim: i32): f32 {
  let d0 = f32x4.splat(0);
  let d1 = f32x4.splat(0);
  let na = f32x4.splat(0);
  let nb = f32x4.splat(0);
  const end8 = <usize>(dim & ~7) << 2;
  let o: usize = 0;
  for (; o < end8; o += 32) {
    const a0 = v128.load(a + o);
    const b0 = v128.load(b + o);
    const a1 = v128.load(a + o, 16);
    const b1 = v128.load(b + o, 16);
    d0 = f32x4.add(d0, f32x4.mul(a0, b0));
    d1 = f32x4.add(d1, f32x4.mul(a1, b1));
    na = f32x4.add(na, f32x4.add(f32x4.mul(a0, a0), f32x4.mul(a1, a1)));
    nb = f32x4.add(nb, f32x4.add(f32x4.mul(b0, b0), f32x4.mul(b1, b1)));
  }
  let sd = hsum(f32x4.add(d0, d1));
  let sa = hsum(na);
  let sb = hsum(nb);
  const end = <usize>dim << 2;
  for (; o < end; o += 4) {
    const x = load<f32>(a + o);
    const y = load<f32>(b + o);
    sd += x * y;
    sa += x * x;
    sb += y * y;
  }
  const denom = Mathf.sqrt(sa) * Mathf.sqrt(sb);
  return denom > 0 ? 1 - sd / denom : 1;
}

/**
 * Distance between row vectors given their inverse norms (cosine only uses
 * them): l2 → squared L2, ip → 1 − dot, cosine → 1 − dot·invA·invB.
 */
@inline
export function metricDistance(metric: i32, a: usize, b: usize, invA: f32, invB: f32, dim: i32): f32 {
  if (metric == METRIC_L2) return l2sq(a, b, dim);
  const d = dot(a, b, dim);
  return metric == METRIC_IP ? 1 - d : 1 - d * invA * invB;
}
