import type { KernelMemory } from '../kernels/kernel-memory.js';
import { adcSum, hamming, pqAssignJs, pqTableJs, sq8Dot, sq8Score, sq8WeightedSquares } from './js-code-kernels.js';
import type { ScoreMethod } from './quantizer.js';

/** Method codes of the kernels (assembly/quantized.ts). */
export const METHOD_CODE: Record<ScoreMethod, number> = { int8: 1, hamming: 2, table: 3 };

/**
 * The quantized kernels (assembly/quantized.ts, assembly/quantized-pq.ts),
 * bound to one {@link KernelMemory}; every pointer is a byte offset into it.
 * A score is `bias + scale·raw + scale2·raw2` as documented on `ScoreMethod`
 * (`method` is its {@link METHOD_CODE}); `len` is the dimension for int8, the
 * code bytes for hamming and table.
 */
export interface QuantizedKernels {
  /**
   * Score of the code at `code` against the query image at `query`; `term`:
   * the byte address of the code's precomputed raw2 (float64, int8 l2, from
   * {@link sq8Squares}), or 0 to compute it in the same pass (same result).
   */
  codeDistance(method: number, query: number, code: number, len: number, bias: number, scale: number, scale2: number, term: number): number;
  /**
   * float32 scores of codes first … first + count − 1 (`codeBytes` apart
   * from `codes`) into `out`; `terms`: byte address of every code's raw2
   * (float64 per row, row 0 first), or 0.
   */
  codeScan(
    method: number,
    query: number,
    codes: number,
    codeBytes: number,
    len: number,
    first: number,
    count: number,
    out: number,
    bias: number,
    scale: number,
    scale2: number,
    terms: number,
  ): void;
  /** float32 scores of the int32 rows at `ids` into `out`; `terms` as codeScan's. */
  codeGather(
    method: number,
    query: number,
    codes: number,
    codeBytes: number,
    len: number,
    ids: number,
    count: number,
    out: number,
    bias: number,
    scale: number,
    scale2: number,
    terms: number,
  ): void;
  /**
   * out[i] = Σⱼ qⱼ²·wⱼ (float64) of the `count` int8 codes `codeBytes` apart
   * from `codes`, j < dim, w the int16 weights at `weights`: the per-code raw2
   * of int8 l2 scoring, which does not depend on the query.
   */
  sq8Squares(codes: number, codeBytes: number, weights: number, dim: number, count: number, out: number): void;
  /** Nearest-centroid assignment; see assembly/quantized-pq.ts. */
  pqAssign(
    points: number,
    n: number,
    pointStride: number,
    dsub: number,
    centroidsT: number,
    ksub: number,
    codes: number,
    codeStride: number,
    dists: number,
  ): void;
  /** ADC lookup table of a query; see assembly/quantized-pq.ts. */
  pqTable(query: number, centroidsT: number, m: number, dsub: number, ksub: number, ip: number, out: number): void;
}

/**
 * The quantized kernels of `memory`: the WebAssembly exports of the shared
 * kernels module when its instance has them (KernelMemory exposes the
 * instance's exports as `kernels`), else the scalar fallback over the same
 * bytes. Both give identical results. Re-read after `memory.release()`.
 */
export function quantizedKernels(memory: KernelMemory): QuantizedKernels {
  const exports = memory.kernels as unknown as Partial<QuantizedKernels>;
  if (memory.backend === 'wasm-simd' && typeof exports.codeScan === 'function' && typeof exports.sq8Squares === 'function' && typeof exports.pqTable === 'function') {
    return exports as QuantizedKernels;
  }
  return createJsQuantizedKernels(memory);
}

/** Typed views of the memory, rebuilt when growth replaced its buffer. */
class Views {
  private buffer: ArrayBufferLike | null = null;
  u8: Uint8Array = new Uint8Array(0);
  i16: Int16Array = new Int16Array(0);
  f32: Float32Array = new Float32Array(0);
  f64: Float64Array = new Float64Array(0);
  i32: Int32Array = new Int32Array(0);

  constructor(private readonly memory: KernelMemory) {}

  get(): this {
    const buffer = this.memory.u8.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.u8 = this.memory.u8;
      this.i16 = new Int16Array(buffer, 0, buffer.byteLength >> 1);
      this.f32 = this.memory.f32;
      this.f64 = new Float64Array(buffer, 0, buffer.byteLength >> 3);
      this.i32 = this.memory.i32;
    }
    return this;
  }
}

/** The scalar fallback; pointers to int16/float32/int32/float64 data must be aligned to their size. */
export function createJsQuantizedKernels(memory: KernelMemory): QuantizedKernels {
  const views = new Views(memory);
  const score = (method: number, query: number, code: number, len: number, bias: number, scale: number, scale2: number, term: number) => {
    const v = views.get();
    if (method === METHOD_CODE.int8) {
      if (scale2 !== 0 && term !== 0) return bias + (scale * sq8Dot(v.u8, code, v.i16, query >> 1, len) + scale2 * v.f64[term >> 3]);
      return sq8Score(v.u8, code, v.i16, query >> 1, len, bias, scale, scale2);
    }
    if (method === METHOD_CODE.hamming) return bias + scale * hamming(v.u8, query, v.u8, code, len);
    return bias + scale * adcSum(v.f32, query >> 2, v.u8, code, len);
  };
  return {
    codeDistance: score,
    codeScan(method, query, codes, codeBytes, len, first, count, out, bias, scale, scale2, terms) {
      for (let i = 0; i < count; i++) {
        const row = first + i;
        views.get().f32[(out >> 2) + i] = score(method, query, codes + row * codeBytes, len, bias, scale, scale2, terms === 0 ? 0 : terms + 8 * row);
      }
    },
    codeGather(method, query, codes, codeBytes, len, ids, count, out, bias, scale, scale2, terms) {
      for (let i = 0; i < count; i++) {
        const v = views.get();
        const row = v.i32[(ids >> 2) + i];
        v.f32[(out >> 2) + i] = score(method, query, codes + row * codeBytes, len, bias, scale, scale2, terms === 0 ? 0 : terms + 8 * row);
      }
    },
    sq8Squares(codes, codeBytes, weights, dim, count, out) {
      const v = views.get();
      for (let i = 0; i < count; i++) v.f64[(out >> 3) + i] = sq8WeightedSquares(v.u8, codes + i * codeBytes, v.i16, weights >> 1, dim);
    },
    pqAssign(points, n, pointStride, dsub, centroidsT, ksub, codes, codeStride, dists) {
      const v = views.get();
      const distances = dists !== 0 ? v.f32 : null;
      pqAssignJs(v.f32, points >> 2, n, pointStride, dsub, v.f32, centroidsT >> 2, ksub, v.u8, codes, codeStride, distances, dists >> 2);
    },
    pqTable(query, centroidsT, m, dsub, ksub, ip, out) {
      const v = views.get();
      pqTableJs(v.f32, query >> 2, v.f32, centroidsT >> 2, m, dsub, ksub, ip !== 0, v.f32, out >> 2);
    },
  };
}
