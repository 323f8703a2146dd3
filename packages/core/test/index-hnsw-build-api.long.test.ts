/**
 * Parallel HNSW linking through the API (long tier: sift10k-sized builds and
 * child processes): memtable ingest on two threads reaches recall@10 ≥ 0.95
 * before the checkpoint and gives the same graph whatever the add calls;
 * compaction builds the merged segment on two threads; the built package
 * (ESM and CJS) compacts on two threads and exits. index-hnsw-build.test.ts
 * holds the same machinery on small generated sets.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { OmenDB } from '../src/index.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { hasDataset, loadDataset, recallAtK, referenceDistance } from './helpers/datasets.js';
import { expectNoProcessWarnings } from './helpers/no-process-warnings.js';

const K = 10;
const EF_SEARCH = 64;

expectNoProcessWarnings();

describe('memtable ingest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omendb-ingest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasDataset('sift10k'))(
    'links on two threads: recall@10 ≥ 0.95 before the checkpoint, the same graph whatever the add calls',
    async () => {
      const data = loadDataset('sift10k', 'l2');
      const embeddings = Array.from({ length: data.base.count }, (_, r) => Array.from(data.base.data.subarray(r * data.dim, (r + 1) * data.dim)));
      const ids = embeddings.map((_, r) => `${r}`);
      const queries = Array.from({ length: 100 }, (_, q) => Array.from(data.queries.data.subarray(q * data.dim, (q + 1) * data.dim)));
      const answers: string[][][] = [];
      for (const [name, batch] of [
        ['a', 1000],
        ['b', 333],
      ] as const) {
        const db = await OmenDB.open(join(dir, name), { durability: 'none' });
        const col = await db.createCollection({ name: 'c', dimension: data.dim, metric: 'l2' });
        for (let s = 0; s < embeddings.length; s += batch) await col.add({ ids: ids.slice(s, s + batch), embeddings: embeddings.slice(s, s + batch) });
        expect(col.stats().segments).toBe(0);
        const before = await col.query({ queryEmbeddings: queries, nResults: K, efSearch: EF_SEARCH, include: [] });
        let sum = 0;
        for (let q = 0; q < queries.length; q++) {
          const truth = data.groundTruth.data.subarray(q * data.groundTruth.dim, (q + 1) * data.groundTruth.dim);
          const query = data.queries.data.subarray(q * data.dim, (q + 1) * data.dim);
          const base = (r: number) => data.base.data.subarray(r * data.dim, (r + 1) * data.dim);
          sum += recallAtK(before.ids[q].map(Number), truth, K, (r) => referenceDistance('l2', base(r), query));
        }
        expect(sum / queries.length).toBeGreaterThanOrEqual(0.95);
        await db.checkpoint();
        answers.push((await col.query({ queryEmbeddings: queries, nResults: K, efSearch: 16, include: [] })).ids);
        await db.close();
      }
      // ef 16 follows the graph closely: equal answers mean equal graphs.
      expect(answers[1]).toEqual(answers[0]);
    },
  );
});

describe('compaction', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omendb-pbuild-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the merged segment with HnswIndex.build on two threads and answers like exact search', async () => {
    const data = loadDataset('sift10k', 'l2');
    const rows = 6000;
    const embeddings = Array.from({ length: rows }, (_, r) => Array.from(data.base.data.subarray(r * data.dim, (r + 1) * data.dim)));
    const db = await OmenDB.open(dir, { durability: 'none', maxSegments: 100, mergePolicy: false });
    const col = await db.createCollection({ name: 'c', dimension: data.dim, metric: 'l2' });
    for (let s = 0; s < rows; s += 2000) {
      await col.add({ ids: embeddings.slice(s, s + 2000).map((_, i) => `r${s + i}`), embeddings: embeddings.slice(s, s + 2000) });
      await db.checkpoint();
    }
    const build = vi.spyOn(HnswIndex, 'build');
    await col.compact();
    expect(build).toHaveBeenCalledTimes(1);
    expect(col.stats().segments).toBe(1);
    build.mockRestore();
    const queries = 50;
    let hits = 0;
    for (let q = 0; q < queries; q++) {
      const query = Array.from(data.queries.data.subarray(q * data.dim, (q + 1) * data.dim));
      const got = await col.query({ queryEmbeddings: [query], nResults: K, efSearch: EF_SEARCH });
      const exact = embeddings
        .map((e, r) => ({ r, d: referenceDistance('l2', Float32Array.from(e), Float32Array.from(query)) }))
        .sort((a, b) => a.d - b.d || a.r - b.r)
        .slice(0, K)
        .map((x) => `r${x.r}`);
      hits += got.ids[0].filter((id) => exact.includes(id)).length;
    }
    expect(hits / (queries * K)).toBeGreaterThanOrEqual(0.97);
    const before = await col.query({ queryEmbeddings: embeddings.slice(0, 20), nResults: K, efSearch: EF_SEARCH });
    await db.close();
    // Reopened from disk (the graph section, not a rebuild), the segment answers the same.
    const db2 = await OmenDB.open(dir, { durability: 'none' });
    const after = await (await db2.getCollection('c')).query({ queryEmbeddings: embeddings.slice(0, 20), nResults: K, efSearch: EF_SEARCH });
    expect(after.ids).toEqual(before.ids);
    expect(after.ids[0][0]).toBe('r0');
    await db2.close();
  });
});

describe('the built package (dist)', () => {
  const dist = fileURLToPath(new URL('../dist/hnsw-build-worker.js', import.meta.url));
  const check = fileURLToPath(new URL('../scripts/check-dist-build.mjs', import.meta.url));
  // `pnpm test` builds first; a bare `vitest run` without dist skips these.
  it.skipIf(!existsSync(dist)).each(['esm', 'cjs'])('compacts on two threads when loaded through %s, and exits', (mode) => {
    const run = spawnSync(process.execPath, [check, mode], { encoding: 'utf8', timeout: 60_000 });
    expect(run.signal, 'killed by the timeout: something kept the process alive').toBeNull();
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ mode, segments: 1, top: 'id123', warnings: [] });
  });
});
