/**
 * The two pure rankers behind the hybrid and mmr modes, on hand-worked
 * inputs: relative-score fusion (min-max per list, alpha-weighted sum) and
 * maximal marginal relevance (penalty = the largest similarity to any pick).
 */
import { describe, expect, it } from 'vitest';
import { relativeScoreFusion } from '../src/fusion.js';
import { maximalMarginalRelevance } from '../src/mmr.js';

describe('relativeScoreFusion', () => {
  const dense = { ids: ['a', 'b', 'c'], scores: [0.9, 0.7, 0.5] };
  const text = { ids: ['c', 'd'], scores: [12, 4] };

  it('normalises each list to 0…1 and weighs dense by alpha, a missing side counting 0', () => {
    // dense: a 1, b 0.5, c 0; text: c 1, d 0.
    const fused = relativeScoreFusion(dense, text, 0.5);
    expect(fused.map((h) => h.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused.map((h) => h.score)).toEqual([0.5, 0.5, 0.25, 0].map((s) => expect.closeTo(s, 12)));
    const tilted = relativeScoreFusion(dense, text, 0.25);
    expect(tilted.map((h) => h.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(tilted[0].score).toBeCloseTo(0.75, 12);
  });

  it('alpha 1 and 0 keep one side order, ties by that side', () => {
    expect(relativeScoreFusion(dense, text, 1).map((h) => h.id).slice(0, 3)).toEqual(['a', 'b', 'c']);
    expect(relativeScoreFusion(dense, text, 0).map((h) => h.id).slice(0, 2)).toEqual(['c', 'd']);
  });

  it('a list of equal scores normalises to 1', () => {
    expect(relativeScoreFusion({ ids: ['x', 'y'], scores: [3, 3] }, { ids: [], scores: [] }, 1)).toEqual([
      { id: 'x', score: 1 },
      { id: 'y', score: 1 },
    ]);
  });
});

describe('maximalMarginalRelevance', () => {
  // a and b are near-identical; c and e are orthogonal to a and to each other.
  const candidates = [
    { relevance: 0.9, embedding: [1, 0, 0] },
    { relevance: 0.89, embedding: [0.999, 0.04, 0] },
    { relevance: 0.6, embedding: [0, 1, 0] },
    { relevance: 0.3, embedding: [0, 0, 1] },
  ];

  it('λ = 1 is the relevance order', () => {
    expect(maximalMarginalRelevance(candidates, 4, 1)).toEqual([0, 1, 2, 3]);
  });

  it('λ = 0.5 skips near-duplicates of any earlier pick, not only of the latest', () => {
    // After a then c, b is a near-copy of a (the earlier pick): a penalty on the latest pick alone would take b third.
    expect(maximalMarginalRelevance(candidates, 3, 0.5)).toEqual([0, 2, 3]);
    expect(maximalMarginalRelevance(candidates, 4, 0.5)).toEqual([0, 2, 3, 1]);
  });

  it('returns at most the candidates there are', () => {
    expect(maximalMarginalRelevance(candidates.slice(0, 2), 5, 0.5)).toEqual([0, 1]);
    expect(maximalMarginalRelevance([], 3, 0.5)).toEqual([]);
  });
});
