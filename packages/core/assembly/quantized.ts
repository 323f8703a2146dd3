// Distance kernels over quantized codes (src/quantize/, layouts in
// docs/format/quantization.md) on WebAssembly SIMD.
//
// Every pointer is a byte offset into the imported linear memory, with no
// alignment requirement. A prepared query (`QueryCodes.image`) sits at
// `query`; a score is `bias + scale·raw (+ scale2·raw2)`, by method:
// - int8 (sq8): raw = Σ qᵢ·rᵢ, q the int8 code values, r the int16 query;
//   for l2 (scale2 ≠ 0) also raw2 = Σ qᵢ²·wᵢ with int16 weights w right
//   after r (at query + 2·len), in the same pass, unless the code's raw2
//   is given precomputed (a float64 at `term`, from sq8Squares: it does not
//   depend on the query), which halves the work per code. Both sums are
//   exact integers (int32 lanes widened to int64 every 64 values), so the
//   scalar JavaScript fallback agrees bit for bit, and so do both paths.
// - hamming (binary): the Hamming distance between query bits and code.
// - table (pq, binary asymmetric): Σⱼ table[j·256 + codeⱼ] over a float32
//   len × 256 lookup table, in float64 in the same order as the fallback.

/** Method codes shared with src/quantize/quantized-kernels.ts. */
export const METHOD_INT8: i32 = 1;
export const METHOD_HAMMING: i32 = 2;
export const METHOD_TABLE: i32 = 3;

@inline
function hsum64(v: v128): i64 {
  return i64x2.extract_lane(v, 0) + i64x2.extract_lane(v, 1);
}

@inline
function widen(acc: v128): v128 {
  return i64x2.add(i64x2.extend_low_i32x4_s(acc), i64x2.extend_high_i32x4_s(acc));
}

/**
 * Σ qᵢ·rᵢ for i < dim: q int8 at `code`, r int16 at `query`. An int32 lane
 * sums at most 16 products ≤ 128·32768 before it is widened, so no overflow.
 */
@inline
function sq8Dot(code: usize, query: usize, dim: i32): i64 {
  let total = i64x2.splat(0);
  const end64 = <usize>(dim & ~63);
  let i: usize = 0;
  for (; i < end64; i += 64) {
    const r = query + (i << 1);
    const c0 = v128.load(code + i);
    const c1 = v128.load(code + i, 16);
    const c2 = v128.load(code + i, 32);
    const c3 = v128.load(code + i, 48);
    let a = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c0), v128.load(r));
    let b = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c0), v128.load(r, 16));
    a = i32x4.add(a, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c1), v128.load(r, 32)));
    b = i32x4.add(b, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c1), v128.load(r, 48)));
    a = i32x4.add(a, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c2), v128.load(r, 64)));
    b = i32x4.add(b, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c2), v128.load(r, 80)));
    a = i32x4.add(a, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c3), v128.load(r, 96)));
    b = i32x4.add(b, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c3), v128.load(r, 112)));
    total = i64x2.add(total, widen(i32x4.add(a, b)));
  }
  const end16 = <usize>(dim & ~15);
  let acc = i32x4.splat(0);
  for (; i < end16; i += 16) {
    const c = v128.load(code + i);
    const r = query + (i << 1);
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c), v128.load(r)));
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c), v128.load(r, 16)));
  }
  let sum = hsum64(i64x2.add(total, widen(acc)));
  for (; i < <usize>dim; i++) sum += <i64>load<i8>(code + i) * <i64>load<i16>(query + (i << 1));
  return sum;
}

/**
 * scale·Σ qᵢ·rᵢ + scale2·Σ qᵢ²·wᵢ for i < dim in one pass: q int8 at
 * `code`, r int16 at `query`, w int16 ≤ 8191 at `weights`. qᵢ² ≤ 16384 fits
 * int16; a lane sums at most 16 products per 64 values before widening, and
 * 16·16384·8191 < 2³¹.
 */
@inline
function sq8L2(code: usize, query: usize, weights: usize, dim: i32, scale: f64, scale2: f64): f64 {
  let dotTotal = i64x2.splat(0);
  let squareTotal = i64x2.splat(0);
  const end16 = <usize>(dim & ~15);
  let i: usize = 0;
  while (i < end16) {
    const stop = min(end16, i + 64);
    let dot = i32x4.splat(0);
    let square = i32x4.splat(0);
    for (; i < stop; i += 16) {
      const c = v128.load(code + i);
      const lo = i16x8.extend_low_i8x16_s(c);
      const hi = i16x8.extend_high_i8x16_s(c);
      const r = query + (i << 1);
      const w = weights + (i << 1);
      dot = i32x4.add(dot, i32x4.dot_i16x8_s(lo, v128.load(r)));
      dot = i32x4.add(dot, i32x4.dot_i16x8_s(hi, v128.load(r, 16)));
      square = i32x4.add(square, i32x4.dot_i16x8_s(i16x8.mul(lo, lo), v128.load(w)));
      square = i32x4.add(square, i32x4.dot_i16x8_s(i16x8.mul(hi, hi), v128.load(w, 16)));
    }
    dotTotal = i64x2.add(dotTotal, widen(dot));
    squareTotal = i64x2.add(squareTotal, widen(square));
  }
  let dotSum = hsum64(dotTotal);
  let squareSum = hsum64(squareTotal);
  for (; i < <usize>dim; i++) {
    const q = <i64>load<i8>(code + i);
    dotSum += q * <i64>load<i16>(query + (i << 1));
    squareSum += q * q * <i64>load<i16>(weights + (i << 1));
  }
  return scale * <f64>dotSum + scale2 * <f64>squareSum;
}

/**
 * Σ qᵢ²·wᵢ for i < dim, the raw2 of sq8L2 alone (same lanes and bounds):
 * q int8 at `code`, w int16 ≤ 8191 at `weights`.
 */
function sq8Squares1(code: usize, weights: usize, dim: i32): i64 {
  let total = i64x2.splat(0);
  const end16 = <usize>(dim & ~15);
  let i: usize = 0;
  while (i < end16) {
    const stop = min(end16, i + 64);
    let square = i32x4.splat(0);
    for (; i < stop; i += 16) {
      const c = v128.load(code + i);
      const lo = i16x8.extend_low_i8x16_s(c);
      const hi = i16x8.extend_high_i8x16_s(c);
      const w = weights + (i << 1);
      square = i32x4.add(square, i32x4.dot_i16x8_s(i16x8.mul(lo, lo), v128.load(w)));
      square = i32x4.add(square, i32x4.dot_i16x8_s(i16x8.mul(hi, hi), v128.load(w, 16)));
    }
    total = i64x2.add(total, widen(square));
  }
  let sum = hsum64(total);
  for (; i < <usize>dim; i++) {
    const q = <i64>load<i8>(code + i);
    sum += q * q * <i64>load<i16>(weights + (i << 1));
  }
  return sum;
}

/**
 * out[i] = Σⱼ qⱼ²·wⱼ (float64, an exact integer) of code i, `codeBytes`
 * apart from `codes`, i < count: the per-code raw2 of int8 l2 scoring, for
 * the `term` / `terms` arguments below.
 */
export function sq8Squares(codes: usize, codeBytes: i32, weights: usize, dim: i32, count: i32, out: usize): void {
  let p = codes;
  for (let i = 0; i < count; i++) {
    store<f64>(out + (<usize>i << 3), <f64>sq8Squares1(p, weights, dim));
    p += <usize>codeBytes;
  }
}

/** Hamming distance between `bytes` bytes at `a` and at `b`. */
@inline
function hamming(a: usize, b: usize, bytes: i32): i32 {
  let count = 0;
  const end16 = <usize>(bytes & ~15);
  let i: usize = 0;
  while (i < end16) {
    // A u16 lane gains ≤ 16 per 16 bytes: flush every 2048 blocks (32 KiB).
    const stop = min(end16, i + 32768);
    let acc = i16x8.splat(0);
    for (; i < stop; i += 16) {
      const x = v128.xor(v128.load(a + i), v128.load(b + i));
      acc = i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(i8x16.popcnt(x)));
    }
    const wide = i32x4.extadd_pairwise_i16x8_u(acc);
    count +=
      i32x4.extract_lane(wide, 0) + i32x4.extract_lane(wide, 1) + i32x4.extract_lane(wide, 2) + i32x4.extract_lane(wide, 3);
  }
  for (; i + 8 <= <usize>bytes; i += 8) count += <i32>popcnt<u64>(load<u64>(a + i) ^ load<u64>(b + i));
  for (; i < <usize>bytes; i++) count += popcnt<i32>(<i32>(load<u8>(a + i) ^ load<u8>(b + i)));
  return count;
}

/** Σⱼ table[j·256 + codeⱼ] for j < m: asymmetric distance by lookup (Jégou et al. 2011). */
@inline
function adcSum(table: usize, code: usize, m: i32): f64 {
  let s0: f64 = 0;
  let s1: f64 = 0;
  let s2: f64 = 0;
  let s3: f64 = 0;
  let t = table;
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const p = code + <usize>j;
    s0 += <f64>load<f32>(t + (<usize>load<u8>(p) << 2));
    s1 += <f64>load<f32>(t + 1024 + (<usize>load<u8>(p, 1) << 2));
    s2 += <f64>load<f32>(t + 2048 + (<usize>load<u8>(p, 2) << 2));
    s3 += <f64>load<f32>(t + 3072 + (<usize>load<u8>(p, 3) << 2));
    t += 4096;
  }
  for (; j < m; j++) {
    s0 += <f64>load<f32>(t + (<usize>load<u8>(code + <usize>j) << 2));
    t += 1024;
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * Estimated distance from the prepared query at `query` to the code at
 * `code`; `len` is the dimension (int8) or the code bytes (hamming, table);
 * `term`: the address of the code's precomputed raw2 (int8 l2), or 0 to
 * compute it. Exported for other kernels (e.g. a graph search over codes)
 * to inline.
 */
@inline
export function codeScore(method: i32, query: usize, code: usize, len: i32, bias: f64, scale: f64, scale2: f64, term: usize): f64 {
  if (method == METHOD_INT8) {
    if (scale2 == 0) return bias + scale * <f64>sq8Dot(code, query, len);
    if (term != 0) return bias + (scale * <f64>sq8Dot(code, query, len) + scale2 * load<f64>(term));
    return bias + sq8L2(code, query, query + (<usize>len << 1), len, scale, scale2);
  }
  if (method == METHOD_HAMMING) return bias + scale * <f64>hamming(query, code, len);
  return bias + scale * adcSum(query, code, len);
}

/** Distance from the prepared query to one code (see the file comment and codeScore). */
export function codeDistance(method: i32, query: usize, code: usize, len: i32, bias: f64, scale: f64, scale2: f64, term: usize): f64 {
  return codeScore(method, query, code, len, bias, scale, scale2, term);
}

/** Address of row `row`'s precomputed raw2 in the float64 array at `terms`, or 0 without one. */
@inline
export function termAt(terms: usize, row: i32): usize {
  return terms == 0 ? 0 : terms + (<usize>row << 3);
}

/**
 * out[i] = distance to code first + i (float32), codes `codeBytes` apart
 * from `codes`, i < count; `terms`: the codes' precomputed raw2 (float64
 * per row, from sq8Squares) or 0.
 */
export function codeScan(
  method: i32,
  query: usize,
  codes: usize,
  codeBytes: i32,
  len: i32,
  first: i32,
  count: i32,
  out: usize,
  bias: f64,
  scale: f64,
  scale2: f64,
  terms: usize,
): void {
  let p = codes + <usize>first * <usize>codeBytes;
  for (let i = 0; i < count; i++) {
    store<f32>(out + (<usize>i << 2), <f32>codeScore(method, query, p, len, bias, scale, scale2, termAt(terms, first + i)));
    p += <usize>codeBytes;
  }
}

/** out[i] = distance to code ids[i] (int32 rows at `ids`), float32, i < count; `terms` as codeScan's. */
export function codeGather(
  method: i32,
  query: usize,
  codes: usize,
  codeBytes: i32,
  len: i32,
  ids: usize,
  count: i32,
  out: usize,
  bias: f64,
  scale: f64,
  scale2: f64,
  terms: usize,
): void {
  for (let i = 0; i < count; i++) {
    const row = load<i32>(ids + (<usize>i << 2));
    const p = codes + <usize>row * <usize>codeBytes;
    store<f32>(out + (<usize>i << 2), <f32>codeScore(method, query, p, len, bias, scale, scale2, termAt(terms, row)));
  }
}
