/**
 * The bounded form of `pnpm parity:chroma`, run by `pnpm test:long`: a real Chroma
 * server (from npm), LangChain's `Chroma` store and `OmenVectorStore` get the
 * first 2,000 records of each real data set and answer 20 queries, the
 * filters and the deletes; the answers must agree. Needs the linux-x64 glibc
 * Chroma binary and `../shared/data`; skipped without them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChromaServer, type ChromaServer } from '../../../scripts/chroma/server.js';
import { runDataset } from '../bench/parity-chroma.js';
import { hasDataset, type DatasetName } from '../bench/parity-datasets.js';
import type { ParityResult } from '../bench/parity-run.js';

const RUNNABLE = process.platform === 'linux' && process.arch === 'x64';
const BOUNDED = { limit: 2000, queries: 20, filterQueries: 5 };

describe.skipIf(!RUNNABLE)('parity with a real Chroma server (bounded)', () => {
  let server: ChromaServer;
  beforeAll(async () => {
    server = await startChromaServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const datasets: [DatasetName, (r: ParityResult) => void][] = [
    ['sift10k', (r) => expect(r.distances.maxRelative).toBeLessThanOrEqual(1e-5)],
    ['scifact-bge', (r) => expect(r.distances.maxAbs).toBeLessThanOrEqual(1e-5)],
  ];
  for (const [name, distancesAgree] of datasets) {
    it.skipIf(!hasDataset(name))(`${name}: same neighbours, distances, filter results and deletes`, async () => {
      const r = await runDataset(server, name, BOUNDED);
      expect(r.records).toBe(BOUNDED.limit);

      expect(r.overlap.mean).toBeGreaterThanOrEqual(0.95);
      expect(r.omendb.recall).toBeGreaterThanOrEqual(0.95);
      distancesAgree(r);

      for (const f of r.filters) {
        expect(f.omendb, f.name).toMatchObject({ sameSet: true, invalid: 0 });
        if ('error' in f.chroma) {
          // Chroma 1.0 wants `$and` for several keys; OmenDB ANDs them implicitly.
          expect(f.name).toBe('two keys, implicit AND');
          expect(f.chroma.error).toMatch(/exactly one operator/);
        } else {
          expect(f.chroma, f.name).toMatchObject({ sameSet: true, invalid: 0 });
          expect(f.overlap, f.name).toBeGreaterThanOrEqual(0.9);
        }
      }

      for (const outcome of [r.delete.omendb, r.delete.chroma]) {
        expect(outcome.missingIdsError).toBeNull();
        expect(outcome.countAfterFilter).toBe(r.delete.expectedCount);
        expect(outcome.deletedReturned).toBe(0);
        expect(outcome.noSelectorError).not.toBeNull();
      }
      expect(r.delete.omendb.countAfterIds).toBe(r.delete.chroma.countAfterIds);
    });
  }
});
