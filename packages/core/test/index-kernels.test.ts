import { describe, expect, it } from 'vitest';
import { KernelMemory } from '../src/kernels/kernel-memory.js';
import type { KernelBackend } from '../src/kernels/kernels.js';
import { inverseNorm, METRIC_COSINE, METRIC_IP, METRIC_L2, type MetricCode } from '../src/kernels/metric-code.js';
import { RowArena } from '../src/kernels/row-arena.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import type { Metric } from '../src/types.js';
import { referenceDistance } from './helpers/datasets.js';

const SEED = 20240611;
const DIMS = [1, 3, 4, 15, 16, 17, 25, 64, 128, 257, 768, 1024];
const BACKENDS: KernelBackend[] = ['wasm-simd', 'js'];
const METRICS: [Metric, MetricCode][] = [
  ['l2', METRIC_L2],
  ['ip', METRIC_IP],
  ['cosine', METRIC_COSINE],
];

function randomVectors(random: SeededRandom, count: number, dim: number): Float32Array[] {
  return Array.from({ length: count }, () => Float32Array.from({ length: dim }, () => random.next() * 2 - 1));
}

/** |actual − expected| within float32 accumulation error for sums of `dim` terms. */
function expectClose(actual: number, expected: number, scale: number, context: string): void {
  expect(Math.abs(actual - expected), `${context} (seed ${SEED})`).toBeLessThanOrEqual(1e-5 * scale + 1e-6);
}

describe.each(BACKENDS)('kernels (%s)', (backend) => {
  it.each(DIMS)('dot, l2sq and cosine match a float64 reference at dim %i', (dim) => {
    const random = new SeededRandom(SEED + dim);
    const memory = KernelMemory.create({ backend });
    const vectors = randomVectors(random, 8, dim);
    // Odd offset in floats: the kernels must not assume 16-byte alignment.
    const base = 4;
    memory.ensureBytes(base + vectors.length * dim * 4);
    vectors.forEach((v, i) => memory.f32.set(v, (base >> 2) + i * dim));
    const ptr = (i: number) => base + i * dim * 4;
    for (let i = 0; i < vectors.length; i++) {
      for (let j = 0; j < vectors.length; j++) {
        const a = vectors[i];
        const b = vectors[j];
        const scale = dim;
        expectClose(memory.kernels.dot(ptr(i), ptr(j), dim), 1 - referenceDistance('ip', a, b), scale, `dot ${i},${j}`);
        expectClose(memory.kernels.l2sq(ptr(i), ptr(j), dim), referenceDistance('l2', a, b), 4 * scale, `l2 ${i},${j}`);
        expectClose(memory.kernels.cosine(ptr(i), ptr(j), dim), referenceDistance('cosine', a, b), 10, `cos ${i},${j}`);
      }
    }
  });

  it.each(METRICS)('scan, gather and pair agree with the reference for %s', (metric, code) => {
    const dim = 25;
    const rows = 300;
    const random = new SeededRandom(SEED);
    const vectors = randomVectors(random, rows, dim);
    vectors[7].fill(0); // a zero vector: cosine distance 1, never NaN
    const query = randomVectors(random, 1, dim)[0];
    const memory = KernelMemory.create({ backend });
    const queryPtr = 0;
    const ids = 128;
    const out = ids + rows * 4;
    const norms = out + rows * 4;
    const base = norms + rows * 4;
    memory.ensureBytes(base + rows * dim * 4);
    memory.f32.set(query, queryPtr >> 2);
    vectors.forEach((v, r) => {
      memory.f32.set(v, (base >> 2) + r * dim);
      memory.f32[(norms >> 2) + r] = inverseNorm(v);
      memory.i32[(ids >> 2) + r] = (r * 37) % rows;
    });
    const k = memory.kernels;
    const scale = metric === 'l2' ? 4 * dim : dim;
    k.scan(code, queryPtr, inverseNorm(query), base, norms, dim, 10, rows - 10, out);
    for (let i = 0; i < rows - 10; i++) {
      expectClose(memory.f32[(out >> 2) + i], referenceDistance(metric, vectors[10 + i], query), scale, `scan ${i}`);
    }
    k.gather(code, queryPtr, inverseNorm(query), base, norms, dim, ids, rows, out);
    for (let i = 0; i < rows; i++) {
      const row = (i * 37) % rows;
      expectClose(memory.f32[(out >> 2) + i], referenceDistance(metric, vectors[row], query), scale, `gather ${i}`);
    }
    for (const [a, b] of [[0, 1], [5, 7], [7, 7], [299, 3]]) {
      expectClose(k.pair(code, base, norms, dim, a, b), referenceDistance(metric, vectors[a], vectors[b]), scale, `pair ${a},${b}`);
    }
  });
});

describe('RowArena', () => {
  it.each(BACKENDS)('keeps every region intact and zero-fills new rows across growth (%s)', (backend) => {
    const memory = KernelMemory.create({ backend });
    const strides = [12, 4, 36];
    const arena = new RowArena(memory, 100, strides, 1);
    let used = 0;
    for (let row = 0; row < 5000; row++) {
      arena.reserve(used, row + 1);
      for (let r = 0; r < strides.length; r++) {
        const at = arena.offset(r) + row * strides[r];
        expect(memory.u8[at]).toBe(0);
        memory.u8[at] = (row * (r + 3)) & 0xff;
      }
      used++;
    }
    for (let row = 0; row < used; row++) {
      for (let r = 0; r < strides.length; r++) {
        expect(memory.u8[arena.offset(r) + row * strides[r]]).toBe((row * (r + 3)) & 0xff);
      }
    }
    expect(arena.offset(0) % 16).toBe(0);
    expect(arena.offset(2) % 16).toBe(0);
    expect(memory.byteLength).toBeGreaterThanOrEqual(arena.offset(2) + arena.regionBytes(2));
  });

  it.each(BACKENDS)('keeps its tail intact past the regions as rows and tail grow in turn (%s)', (backend) => {
    const memory = KernelMemory.create({ backend });
    const strides = [12, 4, 36];
    const arena = new RowArena(memory, 100, strides, 1);
    // As an HNSW graph's upper pool: a few bytes of tail now and then while rows grow.
    let tailUsed = 0;
    for (let row = 0; row < 3000; row++) {
      arena.reserve(row, row + 1);
      for (let r = 0; r < strides.length; r++) memory.u8[arena.offset(r) + row * strides[r]] = (row * (r + 3)) & 0xff;
      if (row % 7 === 0) {
        arena.reserveTail(tailUsed + 20);
        for (let i = 0; i < 20; i++, tailUsed++) {
          expect(memory.u8[arena.tailOffset() + tailUsed], `tail byte ${tailUsed}`).toBe(0);
          memory.u8[arena.tailOffset() + tailUsed] = (tailUsed * 5 + 1) & 0xff;
        }
      }
      const tail = arena.tailOffset();
      expect(tail % 16).toBe(0);
      expect(tail).toBeGreaterThanOrEqual(arena.offset(2) + arena.regionBytes(2));
      expect(memory.byteLength).toBeGreaterThanOrEqual(tail + arena.tailBytes());
    }
    for (let i = 0; i < tailUsed; i++) expect(memory.u8[arena.tailOffset() + i], `tail byte ${i}`).toBe((i * 5 + 1) & 0xff);
    for (let row = 0; row < 3000; row++) {
      for (let r = 0; r < strides.length; r++) expect(memory.u8[arena.offset(r) + row * strides[r]]).toBe((row * (r + 3)) & 0xff);
    }
  });
});
