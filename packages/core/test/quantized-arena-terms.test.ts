import { describe, expect, it } from 'vitest';
import { QuantizedArena } from '../src/ann/quantized/quantized-arena.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import { Sq8Quantizer } from '../src/quantize/sq8.js';
import type { Metric } from '../src/types.js';

const SEED = 4242;
const ROWS = 200;

/** An sq8 quantizer with seeded offsets and uneven steps (one dimension per 7 with a 40× larger step), and ROWS × dim values it encodes. */
function setup(dim: number, metric: Metric, seed: number): { quantizer: Sq8Quantizer; vectors: Float32Array; queries: Float32Array[] } {
  const random = new SeededRandom(seed);
  const offsets = Float32Array.from({ length: dim }, () => random.next() * 4 - 2);
  const steps = Float32Array.from({ length: dim }, (_, i) => (i % 7 === 0 ? 0.4 : 0.01) * (0.5 + random.next()));
  const quantizer = new Sq8Quantizer(dim, metric, offsets, steps);
  const vectors = new Float32Array(ROWS * dim);
  for (let r = 0; r < ROWS; r++) {
    for (let i = 0; i < dim; i++) {
      // Rows 0 and 1 hold the extreme codes +127 / −127 everywhere (the kernels' overflow bounds).
      const code = r === 0 ? 127 : r === 1 ? -127 : Math.round(random.next() * 254 - 127);
      vectors[r * dim + i] = offsets[i] + steps[i] * code;
    }
  }
  const queries = [0, 1, 2].map(() => Float32Array.from({ length: dim }, (_, i) => offsets[i] + steps[i] * (random.next() * 300 - 150)));
  return { quantizer, vectors, queries };
}

/** A graph view with no links: the arena copies it, these tests only score codes. */
function emptyGraph(rows: number): { blocks: Int32Array; blockOffsets: Int32Array } {
  return { blocks: new Int32Array(1), blockOffsets: new Int32Array(rows) };
}

describe('sq8 l2 codes scored with their precomputed square terms', () => {
  it.each([13, 64, 131, 1024])('equal the one-pass reference score bit for bit on both backends (d = %i)', (dim) => {
    const seed = SEED + dim;
    const { quantizer, vectors, queries } = setup(dim, 'l2', seed);
    const codes = quantizer.encode(vectors);
    expect(codes[0]).toBe(127);
    expect(codes[dim]).toBe(256 - 127);
    for (const backend of ['wasm-simd', 'js'] as const) {
      const arena = new QuantizedArena(quantizer, codes, emptyGraph(ROWS), backend);
      expect(arena.termsBytes, backend).toBe(ROWS * 8);
      const f32 = arena.memory.f32;
      const ids = Int32Array.from({ length: ROWS }, (_, i) => ROWS - 1 - i);
      for (const query of queries) {
        arena.setQuery(query);
        const prepared = quantizer.prepare(query);
        arena.scanCodes(0, ROWS);
        const scanned = f32.slice(arena.outAt >> 2, (arena.outAt >> 2) + ROWS);
        arena.memory.i32.set(ids, arena.idsAt >> 2);
        arena.gatherCodes(arena.idsAt, ROWS, arena.outAt);
        const gathered = f32.slice(arena.outAt >> 2, (arena.outAt >> 2) + ROWS);
        for (let r = 0; r < ROWS; r++) {
          const label = `${backend} d=${dim} row ${r} (seed ${seed})`;
          const reference = quantizer.distance(prepared, codes, r);
          expect(arena.codeDistance(r), label).toBe(reference);
          expect(scanned[r], label).toBe(Math.fround(reference));
          expect(gathered[ROWS - 1 - r], label).toBe(Math.fround(reference));
        }
      }
      arena.release();
    }
  });

  it('are kept for l2 only', () => {
    for (const metric of ['ip', 'cosine'] as const) {
      const { quantizer, vectors } = setup(16, metric, SEED);
      const arena = new QuantizedArena(quantizer, quantizer.encode(vectors), emptyGraph(ROWS), 'wasm-simd');
      expect(arena.termsAt, metric).toBe(0);
      expect(arena.termsBytes, metric).toBe(0);
      arena.release();
    }
  });
});

describe('sq8 queries prepared in place', () => {
  it.each(['l2', 'ip', 'cosine'] as const)('write the image a fresh prepare returns into the view given, and score as it does (%s)', (metric) => {
    const dim = 131;
    const { quantizer, vectors, queries } = setup(dim, metric, SEED + 7);
    const codes = quantizer.encode(vectors);
    const arena = new QuantizedArena(quantizer, codes, emptyGraph(ROWS), 'wasm-simd');
    for (const query of queries) {
      const fresh = quantizer.prepare(query);
      const buffer = new Uint8Array(4 * dim + 2);
      const inPlace = quantizer.prepare(query, buffer.subarray(2));
      expect(inPlace.image.buffer).toBe(buffer.buffer);
      expect(inPlace.image.byteOffset).toBe(2);
      expect([...inPlace.image]).toEqual([...fresh.image]);
      expect([inPlace.bias, inPlace.scale, inPlace.scale2]).toEqual([fresh.bias, fresh.scale, fresh.scale2]);
      // An odd offset cannot hold int16 values: a new array then.
      expect(quantizer.prepare(query, buffer.subarray(1)).image.buffer).not.toBe(buffer.buffer);
      arena.setQuery(query);
      for (let r = 0; r < ROWS; r++) expect(arena.codeDistance(r), `${metric} row ${r}`).toBe(quantizer.distance(fresh, codes, r));
    }
    arena.release();
  });
});
