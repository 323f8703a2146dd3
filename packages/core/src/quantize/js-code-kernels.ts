/**
 * Scalar JavaScript forms of the quantized kernels (assembly/quantized.ts,
 * assembly/quantized-pq.ts) over typed arrays and element offsets. The
 * quantizers' `distance` uses them directly; {@link createJsQuantizedKernels}
 * runs them over kernel memory where WebAssembly SIMD is unavailable.
 * Results equal the WebAssembly kernels bit for bit: integer sums are exact
 * in float64, float sums follow the same order (Math.fround where the
 * kernels compute in float32).
 */

/** Bytes per row of a PQ lookup table (256 float32). */
export const PQ_TABLE_ROW_BYTES = 1024;

/** Σ qᵢ·rᵢ, i < dim: q = int8 codes at `codes[at…]`, r = int16 query at `r[rAt…]`; exact. */
export function sq8Dot(codes: Uint8Array, at: number, r: Int16Array, rAt: number, dim: number): number {
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += ((codes[at + i] << 24) >> 24) * r[rAt + i];
  return sum;
}

/**
 * The int8 score of assembly/quantized.ts: `bias + scale·Σ qᵢrᵢ` (scale2 = 0)
 * or `bias + (scale·Σ qᵢrᵢ + scale2·Σ qᵢ²wᵢ)` with the weights right after r.
 */
export function sq8Score(
  codes: Uint8Array,
  at: number,
  r: Int16Array,
  rAt: number,
  dim: number,
  bias: number,
  scale: number,
  scale2: number,
): number {
  const dot = sq8Dot(codes, at, r, rAt, dim);
  if (scale2 === 0) return bias + scale * dot;
  return bias + (scale * dot + scale2 * sq8WeightedSquares(codes, at, r, rAt + dim, dim));
}

/** Σ qᵢ²·wᵢ, i < dim: q = int8 codes at `codes[at…]`, w = int16 weights at `w[wAt…]`; exact. */
export function sq8WeightedSquares(codes: Uint8Array, at: number, w: Int16Array, wAt: number, dim: number): number {
  let sum = 0;
  for (let i = 0; i < dim; i++) {
    const q = (codes[at + i] << 24) >> 24;
    sum += q * q * w[wAt + i];
  }
  return sum;
}

const POPCOUNT8 = Uint8Array.from({ length: 256 }, (_, v) => {
  let c = 0;
  for (let x = v; x !== 0; x &= x - 1) c++;
  return c;
});

/** Hamming distance between `bytes` bytes of `a` from `aAt` and of `b` from `bAt`. */
export function hamming(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, bytes: number): number {
  let count = 0;
  for (let i = 0; i < bytes; i++) count += POPCOUNT8[a[aAt + i] ^ b[bAt + i]];
  return count;
}

/**
 * Σⱼ table[tAt + j·256 + codeⱼ], j < m, codes at `codes[at…]`: the PQ
 * asymmetric distance sum, four float64 accumulators as the kernel.
 */
export function adcSum(table: Float32Array, tAt: number, codes: Uint8Array, at: number, m: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = tAt;
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const p = at + j;
    s0 += table[t + codes[p]];
    s1 += table[t + 256 + codes[p + 1]];
    s2 += table[t + 512 + codes[p + 2]];
    s3 += table[t + 768 + codes[p + 3]];
    t += 1024;
  }
  for (; j < m; j++) {
    s0 += table[t + codes[at + j]];
    t += 256;
  }
  return s0 + s1 + (s2 + s3);
}

const f = Math.fround;

/**
 * Nearest centroid by squared L2 (float32, ties to the lower index) for `n`
 * points of `dsub` values at `points[pAt + i·pointStride…]`, codebook
 * transposed at `centroidsT[cAt + t·ksub + c]`. Writes the index to
 * `codes[codesAt + i·codeStride]` and, when `dists` is given, the distance to
 * `dists[dAt + i]`. Reproduces pqAssign's lane order: lane l = c mod 4.
 */
export function pqAssignJs(
  points: Float32Array,
  pAt: number,
  n: number,
  pointStride: number,
  dsub: number,
  centroidsT: Float32Array,
  cAt: number,
  ksub: number,
  codes: Uint8Array,
  codesAt: number,
  codeStride: number,
  dists: Float32Array | null,
  dAt: number,
): void {
  const laneValue = new Float64Array(4);
  const laneIndex = new Int32Array(4);
  for (let i = 0; i < n; i++) {
    const p = pAt + i * pointStride;
    laneValue.fill(Infinity);
    laneIndex.fill(0);
    for (let c = 0; c < ksub; c++) {
      let acc = 0;
      for (let t = 0; t < dsub; t++) {
        const d = f(points[p + t] - centroidsT[cAt + t * ksub + c]);
        acc = f(acc + f(d * d));
      }
      const lane = c & 3;
      if (acc < laneValue[lane]) {
        laneValue[lane] = acc;
        laneIndex[lane] = c;
      }
    }
    let value = laneValue[0];
    let best = laneIndex[0];
    for (let l = 1; l < 4; l++) {
      if (laneValue[l] < value || (laneValue[l] === value && laneIndex[l] < best)) {
        value = laneValue[l];
        best = laneIndex[l];
      }
    }
    codes[codesAt + i * codeStride] = best;
    if (dists !== null) dists[dAt + i] = value;
  }
}

/** pqTable in JavaScript: out[oAt + j·ksub + c] as assembly/quantized-pq.ts, float32 order kept. */
export function pqTableJs(
  query: Float32Array,
  qAt: number,
  centroidsT: Float32Array,
  cAt: number,
  m: number,
  dsub: number,
  ksub: number,
  ip: boolean,
  out: Float32Array,
  oAt: number,
): void {
  for (let j = 0; j < m; j++) {
    const y = qAt + j * dsub;
    const book = cAt + j * dsub * ksub;
    for (let c = 0; c < ksub; c++) {
      let acc = 0;
      for (let t = 0; t < dsub; t++) {
        const v = centroidsT[book + t * ksub + c];
        if (ip) {
          acc = f(acc + f(query[y + t] * v));
        } else {
          const d = f(query[y + t] - v);
          acc = f(acc + f(d * d));
        }
      }
      out[oAt + j * ksub + c] = acc;
    }
  }
}
