// Product-quantization kernels (Jégou, Douze & Schmid 2011) on WebAssembly
// SIMD: nearest-centroid assignment (k-means and encoding) and the per-query
// asymmetric-distance lookup table.
//
// A subspace codebook is stored transposed, value t of centroid c at
// `centroidsT + (t·ksub + c)·4`, so one f32x4 holds the same coordinate of
// four centroids and four distances accumulate without a horizontal sum.
// `ksub` is a multiple of 4. Arithmetic is float32 in a fixed order, which the
// scalar JavaScript fallback reproduces with Math.fround.

/**
 * For each of `n` points (`dsub` float32 at `points + i·pointStride·4`), the
 * nearest of the `ksub` centroids by squared L2, ties to the lower index:
 * its index as u8 at `codes + i·codeStride` and, when `dists` ≠ 0, the
 * squared distance as float32 at `dists + i·4`.
 */
export function pqAssign(
  points: usize,
  n: i32,
  pointStride: i32,
  dsub: i32,
  centroidsT: usize,
  ksub: i32,
  codes: usize,
  codeStride: i32,
  dists: usize,
): void {
  const rowBytes = <usize>ksub << 2;
  for (let i = 0; i < n; i++) {
    const p = points + <usize>i * (<usize>pointStride << 2);
    let bestValue = f32x4.splat(Infinity);
    let bestIndex = i32x4.splat(0);
    let index = i32x4(0, 1, 2, 3);
    const four = i32x4.splat(4);
    for (let c = 0; c < ksub; c += 4) {
      let acc = f32x4.splat(0);
      let cp = centroidsT + (<usize>c << 2);
      for (let t = 0; t < dsub; t++) {
        const d = f32x4.sub(v128.load32_splat(p + (<usize>t << 2)), v128.load(cp));
        acc = f32x4.add(acc, f32x4.mul(d, d));
        cp += rowBytes;
      }
      const better = f32x4.lt(acc, bestValue);
      bestValue = v128.bitselect(acc, bestValue, better);
      bestIndex = v128.bitselect(index, bestIndex, better);
      index = i32x4.add(index, four);
    }
    // Lane l holds the best of centroids ≡ l (mod 4), earliest on ties; take
    // the smallest value, then the smallest index among equal values.
    let value = f32x4.extract_lane(bestValue, 0);
    let best = i32x4.extract_lane(bestIndex, 0);
    let v = f32x4.extract_lane(bestValue, 1);
    let k = i32x4.extract_lane(bestIndex, 1);
    if (v < value || (v == value && k < best)) {
      value = v;
      best = k;
    }
    v = f32x4.extract_lane(bestValue, 2);
    k = i32x4.extract_lane(bestIndex, 2);
    if (v < value || (v == value && k < best)) {
      value = v;
      best = k;
    }
    v = f32x4.extract_lane(bestValue, 3);
    k = i32x4.extract_lane(bestIndex, 3);
    if (v < value || (v == value && k < best)) {
      value = v;
      best = k;
    }
    store<u8>(codes + <usize>i * <usize>codeStride, <u8>best);
    if (dists != 0) store<f32>(dists + (<usize>i << 2), value);
  }
}

/**
 * The ADC lookup table of a query: for subspace j < m and centroid c < ksub,
 * out[j·ksub + c] = Σₜ (yₜ − Cₜ)² (ip = 0) or Σₜ yₜ·Cₜ (ip ≠ 0), float32,
 * over the query's `dsub` values `query + j·dsub·4`; subspace j's transposed
 * codebook starts at `centroidsT + j·dsub·ksub·4`.
 */
export function pqTable(query: usize, centroidsT: usize, m: i32, dsub: i32, ksub: i32, ip: i32, out: usize): void {
  const rowBytes = <usize>ksub << 2;
  for (let j = 0; j < m; j++) {
    const y = query + ((<usize>j * <usize>dsub) << 2);
    const book = centroidsT + <usize>j * <usize>dsub * rowBytes;
    const o = out + <usize>j * rowBytes;
    for (let c = 0; c < ksub; c += 4) {
      let acc = f32x4.splat(0);
      let cp = book + (<usize>c << 2);
      for (let t = 0; t < dsub; t++) {
        const yv = v128.load32_splat(y + (<usize>t << 2));
        if (ip != 0) {
          acc = f32x4.add(acc, f32x4.mul(yv, v128.load(cp)));
        } else {
          const d = f32x4.sub(yv, v128.load(cp));
          acc = f32x4.add(acc, f32x4.mul(d, d));
        }
        cp += rowBytes;
      }
      v128.store(o + (<usize>c << 2), acc);
    }
  }
}
