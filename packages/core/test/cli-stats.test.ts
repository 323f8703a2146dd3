import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import type { StatsReport } from '../src/cli/commands/stats.js';
import { formatBytes } from '../src/cli/format.js';
import { hasDataset } from './helpers/datasets.js';
import { tempDir } from './helpers/tmp.js';
import { buildDatabase, omendb } from './fixtures/cli-harness.js';

const tmp = tempDir('omendb-cli-stats-');
const dir = join(tmp.dir, 'db');
afterAll(() => tmp.cleanup());

describe.skipIf(!hasDataset('sift10k'))('omendb stats on sift10k', () => {
  beforeAll(async () => {
    await buildDatabase(dir, { dataset: 'sift10k', metric: 'l2' });
    // A second segment with tombstones, and an empty collection.
    const db = await OmenDB.open(dir);
    const col = await db.getCollection('sift10k');
    await col.delete({ ids: ['1', '2', '3'] });
    await col.upsert({ ids: ['4'], embeddings: [new Float32Array(128).fill(1)] });
    await db.createCollection({ name: 'empty', metric: 'cosine', hnsw: { M: 8, efConstruction: 50, efSearch: 20 } });
    await db.close();
  });

  it('--json reports the figures of db.stats() and col.stats(), plus HNSW parameters and segments', async () => {
    const r = await omendb('stats', dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as StatsReport;

    // No background merge: the two segments would start one at open, which stats() counts (components.merge)
    // while the CLI's read-only open never merges.
    const db = await OmenDB.open(dir, { mergePolicy: false });
    const api = db.stats();
    const apiCollections = await Promise.all((await db.listCollections()).map((c) => c.stats()));
    await db.close();

    expect(report.database).toEqual(api);
    expect(report.collections.map((c) => c.name)).toEqual(['empty', 'sift10k']);
    for (const c of report.collections) {
      const { hnsw, segmentFiles, ...stats } = c;
      expect(stats).toEqual(apiCollections.find((a) => a.name === c.name));
      expect(stats.quantization).toBe('none');
      if (c.name === 'empty') expect(hnsw).toEqual({ M: 8, efConstruction: 50, efSearch: 20 });
      else expect(hnsw).toEqual({ M: 16, efConstruction: 200, efSearch: 64 });
      expect(segmentFiles).toHaveLength(stats.segments);
    }
    const sift = report.collections.find((c) => c.name === 'sift10k')!;
    expect(sift.count).toBe(9997);
    expect(sift.dimension).toBe(128);
    expect(sift.metric).toBe('l2');
    expect(sift.segmentFiles.map((s) => [s.rows, s.deleted])).toEqual([
      [10000, 4],
      [1, 0],
    ]);
    expect(sift.segmentFiles.reduce((n, s) => n + (s.fileBytes ?? 0), 0)).toBeLessThanOrEqual(sift.diskBytes);
  });

  it('prints the same figures as a readable table', async () => {
    const r = await omendb('stats', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Collection "sift10k"');
    expect(r.stdout).toMatch(/records\s+9,997/);
    expect(r.stdout).toMatch(/dimension\s+128/);
    expect(r.stdout).toMatch(/quantization\s+none/);
    expect(r.stdout).toContain('M 16, efConstruction 200, efSearch 64');
    expect(r.stdout).toMatch(/1\s+10,000\s+4\s+9,996/);
    const sift = (JSON.parse((await omendb('stats', dir, '--json')).stdout) as StatsReport).collections.find((c) => c.name === 'sift10k')!;
    for (const key of ['vectors', 'graph', 'metadata', 'documents']) {
      expect(r.stdout).toMatch(new RegExp(`${key}\\s+${formatBytes(sift.components[key])}\\s+${formatBytes(sift.diskComponents[key])}`));
    }
    expect(r.stdout).toMatch(new RegExp(`total\\s+${formatBytes(sift.memoryBytes)}\\s+${formatBytes(sift.diskBytes)}`));
    expect(r.stdout).toMatch(/dimension\s+- \(set by the first add\)/);
  });

  it('--collection limits the report; an unknown name fails with NOT_FOUND', async () => {
    const one = await omendb('stats', dir, '--json', '--collection', 'empty');
    expect((JSON.parse(one.stdout) as StatsReport).collections.map((c) => c.name)).toEqual(['empty']);
    const missing = await omendb('stats', dir, '--collection', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^omendb: error NOT_FOUND: collection "nope" does not exist \(the database has "empty", "sift10k"\) — /);
  });
});

describe('omendb stats on what is not a database', () => {
  it('fails without creating the directory', async () => {
    const missing = join(tmp.dir, 'typo');
    const r = await omendb('stats', missing);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`omendb: error NOT_FOUND: ${missing} does not exist — check the path\n`);
    expect(existsSync(missing)).toBe(false);
    const notDb = await omendb('stats', tmp.dir);
    expect(notDb.stderr).toMatch(/error NOT_A_DATABASE: .* has no FORMAT file/);
  });
});
