/**
 * HnswIndex on the real sets the fast tier leaves out (long tier: full
 * sequential builds): recall@10 ≥ 0.95 at the default efSearch on glove25
 * (cosine) and scifact-bge (ip), and the filtered walk on the scalar (js)
 * backend. index-hnsw.test.ts and index-hnsw-filter.test.ts hold sift10k on
 * WebAssembly (cases in fixtures/hnsw-real-sets.ts).
 */
import { describe, it } from 'vitest';
import { hasDataset, loadDataset } from './helpers/datasets.js';
import { expectFilteredWalkRecall, realSetRecallSuite } from './fixtures/hnsw-real-sets.js';

realSetRecallSuite(
  [
    ['glove25', 'cosine'],
    ['scifact-bge', 'ip'],
  ],
  1234,
);

describe.skipIf(!hasDataset('sift10k'))('HnswIndex filtered search on sift10k, js backend', () => {
  it('walks the graph through rejected rows', () => expectFilteredWalkRecall(loadDataset('sift10k', 'l2'), 'js', 77));
});
