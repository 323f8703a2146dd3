import { describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { hasDataset, loadDataset, recallAtK, referenceDistance, type DatasetName } from './helpers/datasets.js';
import { tempDir } from './helpers/tmp.js';
import type { Metric } from '../src/types.js';

const sets: [DatasetName, Metric][] = [
  ['sift10k', 'l2'],
  ['glove25', 'cosine'],
];

describe.each(sets)('%s (%s) end to end', (name, metric) => {
  it.skipIf(!hasDataset(name))('exact search matches the ground truth, before and after checkpoint and reopen', async () => {
    const data = loadDataset(name, metric);
    const { dir, cleanup } = tempDir();
    const { dim, base, queries, groundTruth } = data;
    const row = (r: number) => base.data.subarray(r * dim, (r + 1) * dim);
    const db = await OmenDB.open(dir, { durability: 'none' });
    const col = await db.createCollection({ name, metric, dimension: dim });
    for (let start = 0; start < base.count; start += 1000) {
      const end = Math.min(base.count, start + 1000);
      const ids: string[] = [];
      const embeddings: Float32Array[] = [];
      for (let r = start; r < end; r++) {
        ids.push(String(r));
        embeddings.push(row(r));
      }
      await col.add({ ids, embeddings, metadatas: ids.map((id) => ({ row: Number(id) })) });
    }
    const nq = Math.min(100, queries.count);
    const queryRows = Array.from({ length: nq }, (_, q) => queries.data.subarray(q * dim, (q + 1) * dim));

    const recallOf = async () => {
      const r = await col.query({ queryEmbeddings: queryRows, nResults: 10, exact: true });
      let sum = 0;
      r.ids.forEach((ids, q) => {
        const truth = groundTruth.data.subarray(q * groundTruth.dim, (q + 1) * groundTruth.dim);
        sum += recallAtK(ids.map(Number), truth, 10, (b) => referenceDistance(metric, queryRows[q], row(b)));
      });
      return { recall: sum / nq, result: r };
    };
    const approximate = async () => {
      const r = await col.query({ queryEmbeddings: queryRows, nResults: 10 });
      let sum = 0;
      r.ids.forEach((ids, q) => {
        const truth = groundTruth.data.subarray(q * groundTruth.dim, (q + 1) * groundTruth.dim);
        sum += recallAtK(ids.map(Number), truth, 10, (b) => referenceDistance(metric, queryRows[q], row(b)));
      });
      return sum / nq;
    };
    // HNSW at the default efSearch, in the memtable and in a sealed segment.
    expect(await approximate()).toBeGreaterThanOrEqual(0.95);
    const inMemtable = await recallOf();
    expect(inMemtable.recall).toBe(1);
    await db.checkpoint();
    const sealed = await recallOf();
    expect(sealed.recall).toBe(1);
    expect(sealed.result.ids).toEqual(inMemtable.result.ids);
    expect(await approximate()).toBeGreaterThanOrEqual(0.95);
    await db.close();

    const db2 = await OmenDB.open(dir);
    const col2 = await db2.getCollection(name);
    const reopened = await col2.query({ queryEmbeddings: queryRows, nResults: 10, exact: true });
    expect(reopened.ids).toEqual(sealed.result.ids);
    expect(reopened.distances).toEqual(sealed.result.distances);

    if (name === 'sift10k') {
      // Disk grows with content only: apart from the HNSW graph section, at most
      // 1.10 × (raw float32 + metadata) after a checkpoint. The graph is reported apart
      // ((2·M + 1) × 4 bytes per vector at level 0, M = 16: about 26 % of 128-d vectors).
      const stats = col2.stats();
      const raw = base.count * dim * 4 + stats.diskComponents.metadata;
      expect(stats.diskBytes - stats.diskComponents.graph).toBeLessThanOrEqual(1.1 * raw);
      expect(stats.diskComponents.graph).toBeLessThanOrEqual(base.count * (2 * 16 + 2) * 4 * 1.1);
    }
    await db2.close();
    cleanup();
  });
});
