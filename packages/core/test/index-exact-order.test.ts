import { describe, expect, it } from 'vitest';
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import type { Metric } from '../src/types.js';
import { randomVectors, seededRandom } from './helpers/tmp.js';

/**
 * The distance-ordered exact scan (`orderedAccept`) must return exactly what
 * the storage-order scan returns, whether k rows pass among the first rows
 * it pops or it has to finish in storage order (few pass); with equal
 * distances it orders by row; and it asks the filter far less often when
 * many pass.
 */
describe.each<Metric>(['l2', 'cosine', 'ip'])('ordered exact scan (%s, seed 3)', (metric) => {
  const dim = 8;
  const vectors = randomVectors(3000, dim, 3).map((v) => Float32Array.from(v));
  const flat = new FlatIndex(dim, metric);
  for (const v of vectors) flat.add(v);
  const queries = randomVectors(20, dim, 4).map((q) => Float32Array.from(q));

  it.each([0.0005, 0.002, 0.01, 0.1, 0.5, 1])('matches the storage-order scan at selectivity %s', (selectivity) => {
    const random = seededRandom(Math.round(selectivity * 1e4));
    const passes = vectors.map(() => random() < selectivity);
    const accept = (row: number) => passes[row];
    for (const q of queries) {
      for (const k of [1, 10, 40]) {
        expect(flat.search(q, k, { accept, orderedAccept: true })).toEqual(flat.search(q, k, { accept }));
      }
    }
  });

  it('orders equal distances by row (every vector stored three times)', () => {
    const copies = new FlatIndex(dim, metric);
    for (let c = 0; c < 3; c++) for (const v of vectors.slice(0, 500)) copies.add(v);
    const random = seededRandom(9);
    const passes = Array.from({ length: 1500 }, () => random() < 0.3);
    for (const q of queries) {
      const all = copies.search(q, 1500);
      const expected = all.filter((n) => passes[n.row]).sort((a, b) => a.distance - b.distance || a.row - b.row).slice(0, 10);
      expect(copies.search(q, 10, { accept: (row) => passes[row], orderedAccept: true })).toEqual(expected);
    }
  });

  it('asks the filter about ≈ k / selectivity rows rather than most of them', () => {
    const passes = vectors.map((_, row) => row % 10 === 0);
    let orderedAsks = 0;
    let storageAsks = 0;
    for (const q of queries) {
      flat.search(q, 10, { accept: (row) => (orderedAsks++, passes[row]), orderedAccept: true });
      flat.search(q, 10, { accept: (row) => (storageAsks++, passes[row]) });
    }
    expect(orderedAsks / queries.length).toBeLessThan(250);
    expect(storageAsks).toBeGreaterThan(2 * orderedAsks);
  });

  it('is what an HNSW index falls back to when its filtered walk runs out of budget', () => {
    const hnsw = new HnswIndex(dim, metric, { M: 8, efConstruction: 40, seed: 3 });
    for (const v of vectors) hnsw.add(v);
    const accept = (row: number) => row % 7 === 0;
    for (const q of queries) {
      expect(hnsw.search(q, 10, { accept, maxVisits: 1, orderedAccept: true })).toEqual(flat.search(q, 10, { accept }));
    }
  });
});
