import { describe, expect, it } from 'vitest';
import { checkUpperWalk, type UpperWalkCase } from './fixtures/hnsw-upper-walk.js';
import { hasDataset } from './helpers/datasets.js';

// Whole sets with the default parameters (M = 16, efConstruction = 200).
const CASES: UpperWalkCase[] = [
  { set: 'sift10k', metric: 'l2', rows: 10_000, queries: 100, params: {}, seed: 21 },
  { set: 'scifact-bge', metric: 'ip', rows: 5_183, queries: 500, params: {}, seed: 22 },
];

describe('float HNSW walk in WebAssembly against the JavaScript walk (whole sets)', () => {
  it.each(CASES)('$set ($metric): same graph, descent and results', (c) => {
    if (!hasDataset(c.set)) return;
    expect(checkUpperWalk(c), `${c.set} seed ${c.seed}: the graph has upper levels`).toBeGreaterThanOrEqual(1);
  }, 600_000);
});
