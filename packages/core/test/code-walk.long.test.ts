import { describe, expect, it } from 'vitest';
import { checkCodeWalkEquivalence } from './helpers/code-walk-equivalence.js';
import { hasDataset } from './helpers/datasets.js';

describe.skipIf(!hasDataset('sift10k') || !hasDataset('scifact-bge'))('WebAssembly code walk = reference walk, whole sets', () => {
  it('sift10k (10,000 × 128, l2): sq8, binary, pq; ef 100', () => {
    const specs = ['sq8', 'binary', { type: 'pq', subvectors: 16, bits: 8 }] as const;
    expect(checkCodeWalkEquivalence({ set: 'sift10k', metric: 'l2', rows: 10_000, queries: 100, specs: [...specs], ef: 100 })).toBe(300);
  }, 600_000);

  it('scifact-bge (5,183 × 1024, cosine): sq8, binary, pq; ef 100', () => {
    const specs = ['sq8', 'binary', { type: 'pq', subvectors: 128, bits: 8 }] as const;
    expect(checkCodeWalkEquivalence({ set: 'scifact-bge', metric: 'cosine', rows: 10_000, queries: 200, specs: [...specs], ef: 100 })).toBe(600);
  }, 600_000);
});
