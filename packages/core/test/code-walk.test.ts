import { describe, expect, it } from 'vitest';
import { checkCodeWalkEquivalence } from './helpers/code-walk-equivalence.js';
import { hasDataset } from './helpers/datasets.js';

// The full sets run in code-walk.long.test.ts.
describe.skipIf(!hasDataset('sift10k') || !hasDataset('scifact-bge'))('WebAssembly code walk = reference walk', () => {
  it('sift10k (first 1,500 rows, l2): sq8, binary, pq', () => {
    const specs = ['sq8', 'binary', { type: 'pq', subvectors: 16, bits: 8 }] as const;
    expect(checkCodeWalkEquivalence({ set: 'sift10k', metric: 'l2', rows: 1500, queries: 40, specs: [...specs], ef: 40 })).toBe(120);
  });

  it('scifact-bge (first 600 rows, cosine): sq8, binary', () => {
    expect(checkCodeWalkEquivalence({ set: 'scifact-bge', metric: 'cosine', rows: 600, queries: 30, specs: ['sq8', 'binary'], ef: 40 })).toBe(60);
  });
});
