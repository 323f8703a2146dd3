import { describe, expect, it } from 'vitest';
import { checkUpperWalk, type UpperWalkCase } from './fixtures/hnsw-upper-walk.js';
import { hasDataset } from './helpers/datasets.js';

// M = 8 gives more upper levels per row than the default (P(level ≥ 1) = 1/M).
const CASES: UpperWalkCase[] = [
  { set: 'sift10k', metric: 'l2', rows: 1_500, queries: 100, params: { M: 8, efConstruction: 64 }, seed: 11 },
  { set: 'scifact-bge', metric: 'ip', rows: 600, queries: 200, params: { M: 8, efConstruction: 64 }, seed: 12 },
  { set: 'scifact-bge', metric: 'cosine', rows: 600, queries: 200, params: { M: 8, efConstruction: 64 }, seed: 13 },
];

describe('float HNSW walk in WebAssembly against the JavaScript walk', () => {
  it.each(CASES)('$set ($metric, first $rows rows): same graph, descent and results', (c) => {
    if (!hasDataset(c.set)) return;
    expect(checkUpperWalk(c), `${c.set} seed ${c.seed}: the graph has upper levels`).toBeGreaterThanOrEqual(2);
  });
});
