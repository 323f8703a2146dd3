import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import { pqTableJs } from '../src/quantize/js-code-kernels.js';
import { PQ_KSUB, PqQuantizer } from '../src/quantize/pq.js';
import { loadQuantizer } from '../src/quantize/train.js';

const SEED = 20240917;
const BACKENDS = ['js', 'wasm-simd'] as const;
const WASM_PAGE_BYTES = 65536;

function data(n: number, dim: number, seed = SEED): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: n * dim }, () => random.next() + random.next() - 1);
}

function same(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** m × 256 × dsub centroids in the file layout transposed to the kernels' layout. */
function transposed(centroids: Float32Array, m: number, dsub: number): Float32Array {
  const out = new Float32Array(centroids.length);
  for (let j = 0; j < m; j++) {
    for (let c = 0; c < PQ_KSUB; c++) {
      for (let t = 0; t < dsub; t++) out[j * dsub * PQ_KSUB + t * PQ_KSUB + c] = centroids[(j * PQ_KSUB + c) * dsub + t];
    }
  }
  return out;
}

describe('PqQuantizer memory: centroids held once, bounded scratch (seed 20240917)', () => {
  it('holds the codebook plus at most 64 KiB of scratch (whole pages for WebAssembly), unchanged by encode and prepare', () => {
    const d = 1024;
    const m = 128;
    const centroids = data(PQ_KSUB * m, d / m);
    const vectors = data(1000, d, SEED + 1);
    for (const backend of BACKENDS) {
      const q = new PqQuantizer(d, 'cosine', m, centroids, backend);
      const codebookBytes = 4 * PQ_KSUB * d;
      const bound = backend === 'js' ? codebookBytes + 65536 : Math.ceil((codebookBytes + 65536) / WASM_PAGE_BYTES) * WASM_PAGE_BYTES;
      const held = q.memoryBytes();
      expect(held, backend).toBeGreaterThan(codebookBytes);
      expect(held, backend).toBeLessThanOrEqual(bound);
      q.encode(vectors);
      q.prepare(vectors.subarray(0, d));
      expect(q.memoryBytes(), backend).toBe(held);
    }
  });

  it('batched encode and table equal one-row encodes and a one-call table, on both backends', () => {
    const d = 1024;
    const m = 128;
    const dsub = d / m;
    const centroids = data(PQ_KSUB * m, dsub);
    const vectors = data(300, d, SEED + 2);
    const reference = transposed(centroids, m, dsub);
    const results = BACKENDS.map((backend) => {
      const q = new PqQuantizer(d, 'l2', m, centroids, backend);
      const codes = q.encode(vectors);
      for (let r = 0; r < 300; r += 23) {
        expect(same(q.encode(vectors.subarray(r * d, (r + 1) * d)), codes.subarray(r * m, (r + 1) * m)), `${backend} row ${r}`).toBe(true);
      }
      const query = vectors.subarray(5 * d, 6 * d);
      const table = q.prepare(query).image;
      const expected = new Float32Array(m * PQ_KSUB);
      pqTableJs(query, 0, reference, 0, m, dsub, PQ_KSUB, false, expected, 0);
      expect(same(table, expected), backend).toBe(true);
      return { codes, table };
    });
    expect(same(results[0].codes, results[1].codes)).toBe(true);
    expect(same(results[0].table, results[1].table)).toBe(true);
  });

  it('derives the file layout from kernel memory: centroids, decode and serialize() round-trip byte for byte', () => {
    const d = 12;
    const m = 4;
    const centroids = data(PQ_KSUB * m, d / m);
    for (const backend of BACKENDS) {
      const q = new PqQuantizer(d, 'ip', m, centroids, backend);
      expect(same(q.centroids, centroids), backend).toBe(true);
      const codes = Uint8Array.from([3, 0, 255, 17]);
      const row = q.decode(codes, 0);
      for (let j = 0; j < m; j++) {
        const at = (j * PQ_KSUB + codes[j]) * 3;
        expect(Array.from(row.subarray(j * 3, j * 3 + 3)), `${backend} subspace ${j}`).toEqual(Array.from(centroids.subarray(at, at + 3)));
      }
      const bytes = q.serialize();
      const again = loadQuantizer(bytes, { file: 'codebook', offset: 0 }, {}, { backend }) as PqQuantizer;
      expect(same(again.serialize(), bytes), backend).toBe(true);
      expect(same(again.centroids, centroids), backend).toBe(true);
    }
  });
});
