import { describe, expect, it } from 'vitest';
import { DimensionMismatchError } from '../src/errors.js';
import { FlatIndex } from '../src/ann/exact/flat.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import type { Metric } from '../src/types.js';
import { hasDataset, loadDataset, recallAtK, referenceDistance, type DatasetName } from './helpers/datasets.js';

const K = 10;

describe.each<[DatasetName, Metric]>([
  ['sift10k', 'l2'],
  ['glove25', 'cosine'],
])('FlatIndex on %s (%s)', (name, metric) => {
  it.skipIf(!hasDataset(name))('finds the exact top 10 of every query (recall@10 = 1.0)', () => {
    const data = loadDataset(name, metric);
    const index = FlatIndex.fromVectors(data.dim, metric, data.base.data);
    expect(index.size).toBe(data.base.count);
    let sum = 0;
    for (let q = 0; q < data.queries.count; q++) {
      const query = data.queries.data.subarray(q * data.dim, (q + 1) * data.dim);
      const found = index.search(query, K).map((n) => n.row);
      const truth = data.groundTruth.data.subarray(q * data.groundTruth.dim, (q + 1) * data.groundTruth.dim);
      const base = (row: number) => data.base.data.subarray(row * data.dim, (row + 1) * data.dim);
      sum += recallAtK(found, truth, K, (row) => referenceDistance(metric, base(row), query));
    }
    expect(sum / data.queries.count).toBe(1);
  });
});

describe('FlatIndex', () => {
  const dim = 19;
  const random = new SeededRandom(7);
  const rows = Array.from({ length: 700 }, () => Float32Array.from({ length: dim }, () => random.next() * 4 - 2));
  const query = Float32Array.from({ length: dim }, () => random.next() * 4 - 2);

  it.each<Metric>(['l2', 'ip', 'cosine'])('returns the same results from add and fromVectors, on both backends (%s)', (metric) => {
    const added = new FlatIndex(dim, metric, 1);
    rows.forEach((v) => added.add(v));
    const all = new Float32Array(rows.length * dim);
    rows.forEach((v, i) => all.set(v, i * dim));
    const wrapped = FlatIndex.fromVectors(dim, metric, all);
    const scalar = FlatIndex.fromVectors(dim, metric, all, 'js');
    const expected = rows
      .map((v, row) => ({ row, distance: referenceDistance(metric, v, query) }))
      .sort((a, b) => a.distance - b.distance || a.row - b.row)
      .slice(0, 25);
    for (const index of [added, wrapped, scalar]) {
      const found = index.search(query, 25);
      expect(found.map((n) => n.row)).toEqual(expected.map((n) => n.row));
      found.forEach((n, i) => expect(n.distance).toBeCloseTo(expected[i].distance, 4));
    }
    expect(Array.from(wrapped.vectors())).toEqual(Array.from(all));
  });

  it('applies accept and returns k accepted rows when they exist', () => {
    const index = new FlatIndex(dim, 'l2');
    rows.forEach((v) => index.add(v));
    const accept = (row: number) => row % 50 === 3;
    const found = index.search(query, 10, { accept });
    expect(found).toHaveLength(10);
    expect(found.every((n) => accept(n.row))).toBe(true);
    expect(index.search(query, 100, { accept })).toHaveLength(14);
    expect(index.search(query, 0)).toEqual([]);
    expect(index.search(query, Infinity)).toHaveLength(rows.length);
  });

  it('returns vectors bit-identical to what was added, cosine included', () => {
    const index = new FlatIndex(3, 'cosine', 1);
    const odd = new Float32Array([1e-38, -0, 3.4028234663852886e38]);
    const nan = new Float32Array(new Uint32Array([0x7fc00001, 0x80000001, 0x3f800001]).buffer);
    index.add(odd);
    for (let i = 0; i < 100; i++) index.add(rows[i].subarray(0, 3));
    index.add(nan);
    expect(new Uint32Array(index.vector(0).buffer)).toEqual(new Uint32Array(odd.buffer));
    expect(new Uint32Array(index.vector(101).buffer)).toEqual(new Uint32Array(nan.buffer));
    expect(() => index.vector(102)).toThrow(RangeError);
  });

  it('rejects vectors of the wrong dimension', () => {
    const index = new FlatIndex(dim, 'l2');
    expect(() => index.add(new Float32Array(dim + 1))).toThrow(DimensionMismatchError);
    expect(() => index.search(new Float32Array(dim - 1), 1)).toThrow(DimensionMismatchError);
  });

  it('reports memory from the bytes allocated, growing with the rows', () => {
    const index = new FlatIndex(128, 'l2', 1);
    const before = index.memoryBytes().vectors;
    for (let i = 0; i < 2000; i++) index.add(new Float32Array(128));
    const after = index.memoryBytes();
    expect(after.graph).toBe(0);
    expect(after.vectors).toBeGreaterThanOrEqual(2000 * 128 * 4);
    expect(after.vectors).toBeLessThan(2 * 2000 * 128 * 4 + 2 * 65536);
    expect(after.vectors).toBeGreaterThan(before);
  });
});
