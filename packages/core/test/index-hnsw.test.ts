import { describe, expect, it } from 'vitest';
import { DimensionMismatchError, ValidationError } from '../src/errors.js';
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import type { Metric } from '../src/types.js';
import { realSetRecallSuite } from './fixtures/hnsw-real-sets.js';

const SEED = 1234;
const K = 10;

/**
 * Seeded clusters around 20 centres (noise: a sum of three uniforms); unit
 * length when `unit`, as embeddings compared by inner product are.
 */
function clustered(seed: number, count: number, dim: number, unit = false): Float32Array[] {
  const random = new SeededRandom(seed);
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: dim }, () => random.next() * 10 - 5));
  return Array.from({ length: count }, () => {
    const centre = centres[Math.floor(random.next() * centres.length)];
    const v = Float32Array.from(centre, (c) => c + (random.next() + random.next() + random.next() - 1.5));
    const norm = unit ? Math.hypot(...v) : 1;
    return v.map((x) => x / norm);
  });
}

// The fast tier holds one real set; glove25 (cosine) and scifact-bge (ip) run in index-hnsw-real-sets.long.test.ts.
realSetRecallSuite([['sift10k', 'l2']], SEED);

describe('HnswIndex', () => {
  const dim = 16;
  const rows = clustered(SEED, 3000, dim);
  const queries = clustered(SEED + 1, 50, dim);
  const unitRows = clustered(SEED, 3000, dim, true);
  const unitQueries = clustered(SEED + 1, 50, dim, true);

  function build(metric: Metric, seed: number, backend?: 'js' | 'wasm-simd', data = rows): HnswIndex {
    const index = new HnswIndex(dim, metric, { seed, M: 12, efConstruction: 100 }, { backend });
    data.forEach((v) => index.add(v));
    return index;
  }

  // 16-d clusters with 16-d noise are hard for any HNSW (hnswlib scores
  // ≈ 0.85 at M = 8, ef = 64 here), hence the larger M and ef.
  it.each<Metric>(['l2', 'ip', 'cosine'])('matches exact search on both kernel backends (%s)', (metric) => {
    const data = metric === 'ip' ? unitRows : rows;
    const exact = new FlatIndex(dim, metric);
    data.forEach((v) => exact.add(v));
    for (const backend of ['wasm-simd', 'js'] as const) {
      const index = build(metric, SEED, backend, data);
      let hits = 0;
      for (const q of metric === 'ip' ? unitQueries : queries) {
        const truth = new Set(exact.search(q, K).map((n) => n.row));
        const found = index.search(q, K, { efSearch: 128 });
        for (let i = 1; i < found.length; i++) expect(found[i].distance).toBeGreaterThanOrEqual(found[i - 1].distance);
        hits += found.filter((n) => truth.has(n.row)).length;
      }
      expect(hits / (queries.length * K), `${metric} ${backend} seed ${SEED}`).toBeGreaterThanOrEqual(0.95);
      const forced = index.search(queries[0], K, { exact: true });
      const truth = exact.search(queries[0], K);
      expect(forced.map((n) => n.row)).toEqual(truth.map((n) => n.row));
      forced.forEach((n, i) => expect(n.distance).toBeCloseTo(truth[i].distance, 3));
    }
  });

  it('builds the same graph from the same inserts and seed, another from another seed', () => {
    const a = build('l2', 99).serializeGraph();
    const b = build('l2', 99).serializeGraph();
    const c = build('l2', 100).serializeGraph();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('returns vectors bit-identical to what was added (cosine keeps them unnormalised)', () => {
    const index = new HnswIndex(dim, 'cosine', { seed: SEED, M: 4, efConstruction: 8 });
    rows.slice(0, 500).forEach((v) => index.add(v));
    for (let row = 0; row < 500; row++) {
      expect(new Uint32Array(index.vector(row).buffer)).toEqual(new Uint32Array(rows[row].buffer));
    }
    const all = index.vectors();
    expect(all.length).toBe(500 * dim);
    expect(Array.from(all.subarray(dim * 7, dim * 8))).toEqual(Array.from(rows[7]));
  });

  it('handles empty, tiny and degenerate inputs', () => {
    const index = new HnswIndex(3, 'l2', { seed: SEED });
    expect(index.search(new Float32Array(3), 5)).toEqual([]);
    index.add(new Float32Array([1, 2, 3]));
    expect(index.search(new Float32Array(3), 5)).toEqual([{ row: 0, distance: 14 }]);
    for (let i = 0; i < 200; i++) index.add(new Float32Array([1, 2, 3]));
    const found = index.search(new Float32Array([1, 2, 3]), 300);
    expect(found).toHaveLength(201);
    expect(found.every((n) => n.distance === 0)).toBe(true);
    expect(index.search(new Float32Array(3), 0)).toEqual([]);
    expect(index.search(new Float32Array(3), Infinity)).toHaveLength(201);
    expect(index.search(new Float32Array(3), 2, { efSearch: 100_000 })).toHaveLength(2);
    expect(() => index.search(new Float32Array(3), 2, { efSearch: 0 })).toThrow(ValidationError);
    expect(() => index.add(new Float32Array(4))).toThrow(DimensionMismatchError);
    expect(() => index.search(new Float32Array(2), 1)).toThrow(DimensionMismatchError);
    expect(() => new HnswIndex(3, 'l2', { M: 1 })).toThrow(ValidationError);
    expect(() => new HnswIndex(3, 'l2', { M: 16, efConstruction: 8 })).toThrow(ValidationError);
  });

  it('reports memory from the buffers allocated, split into vectors and graph', () => {
    const index = new HnswIndex(128, 'cosine', { seed: SEED, M: 16, efConstruction: 16 }, { initialCapacity: 1 });
    const random = new SeededRandom(SEED);
    const empty = index.memoryBytes();
    for (let i = 0; i < 3000; i++) index.add(Float32Array.from({ length: 128 }, () => random.next()));
    const used = index.memoryBytes();
    // Vectors: 512 B + 4 B inverse norm per row, capacity at most doubled.
    expect(used.vectors).toBeGreaterThanOrEqual(3000 * 516);
    expect(used.vectors).toBeLessThanOrEqual(2 * 3000 * 516);
    // Graph: ≥ (2·16 + 1)·4 B of level-0 links per row.
    expect(used.graph).toBeGreaterThanOrEqual(3000 * 132);
    expect(used.graph).toBeLessThanOrEqual(2 * 3000 * 200 + 3 * 65536);
    expect(used.vectors).toBeGreaterThan(empty.vectors);
    index.dispose();
    expect(index.memoryBytes().graph).toBe(0);
  });
});
