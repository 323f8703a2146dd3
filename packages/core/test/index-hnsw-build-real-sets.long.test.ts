/**
 * HnswIndex.build on the real sets (long tier: three full builds per set):
 * two threads give the one-thread batched graph byte for byte, at the
 * sequential build's recall@10.
 */
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import type { Metric } from '../src/types.js';
import { hasDataset, loadDataset, recallAtK, referenceDistance, type Dataset } from './helpers/datasets.js';
import { expectNoProcessWarnings } from './helpers/no-process-warnings.js';

const K = 10;
const EF_SEARCH = 64;

/** Mean recall@10 at efSearch 64 against the dataset's ground truth. */
function recall(index: HnswIndex, data: Dataset, metric: Metric): number {
  let sum = 0;
  for (let q = 0; q < data.queries.count; q++) {
    const query = data.queries.data.subarray(q * data.dim, (q + 1) * data.dim);
    const found = index.search(query, K, { efSearch: EF_SEARCH }).map((n) => n.row);
    const truth = data.groundTruth.data.subarray(q * data.groundTruth.dim, (q + 1) * data.groundTruth.dim);
    const base = (row: number) => data.base.data.subarray(row * data.dim, (row + 1) * data.dim);
    sum += recallAtK(found, truth, K, (row) => referenceDistance(metric, base(row), query));
  }
  return sum / data.queries.count;
}

expectNoProcessWarnings();

describe.each<['sift10k' | 'glove25', Metric]>([
  ['sift10k', 'l2'],
  ['glove25', 'cosine'],
])('HnswIndex.build on %s (%s)', (name, metric) => {
  it.skipIf(!hasDataset(name))('two threads give the one-thread batched graph byte for byte, at the sequential recall@10 (± 0.005)', async () => {
    const data = loadDataset(name, metric);
    const spec = { dimension: data.dim, metric };
    const two = await HnswIndex.build(spec, data.base.data, { schedule: 'batched', threads: 2 });
    const one = await HnswIndex.build(spec, data.base.data, { schedule: 'batched', threads: 1 });
    const sequential = await HnswIndex.build(spec, data.base.data, { schedule: 'sequential' });
    expect(Buffer.from(two.serializeGraph()).equals(Buffer.from(one.serializeGraph()))).toBe(true);
    expect(two.size).toBe(data.base.count);
    expect(two.vectors()).toEqual(data.base.data);
    const batchedRecall = recall(two, data, metric);
    const sequentialRecall = recall(sequential, data, metric);
    expect(Math.abs(batchedRecall - sequentialRecall), `recall@10 batched ${batchedRecall}, sequential ${sequentialRecall}`).toBeLessThanOrEqual(0.005);
    for (const index of [one, two, sequential]) index.dispose();
  });
});

