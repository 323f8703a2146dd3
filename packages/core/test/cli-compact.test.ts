import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { hasDataset, loadDataset } from './helpers/datasets.js';
import { tempDir } from './helpers/tmp.js';
import { allRecords, buildDatabase, omendb } from './fixtures/cli-harness.js';

const tmp = tempDir('omendb-cli-compact-');
afterAll(() => tmp.cleanup());

describe.skipIf(!hasDataset('glove25'))('omendb compact on glove25', () => {
  it('keeps every live record, drops the deleted ones and shrinks the files', async () => {
    const dir = join(tmp.dir, 'db');
    await buildDatabase(dir, { dataset: 'glove25', metric: 'cosine', rows: 8000 });
    // A second segment, then deletes spread over both: a third of the records.
    const data = loadDataset('glove25', 'cosine');
    // Without background merges, so the two segments are still there for the command to compact.
    const db = await OmenDB.open(dir, { mergePolicy: false });
    const col = await db.getCollection('glove25');
    const ids = Array.from({ length: data.base.count - 8000 }, (_, i) => String(8000 + i));
    await col.add({ ids, embeddings: ids.map((id) => data.base.data.subarray(Number(id) * data.dim, (Number(id) + 1) * data.dim)) });
    await db.checkpoint();
    await col.delete({ ids: Array.from({ length: data.base.count }, (_, i) => String(i)).filter((id) => Number(id) % 3 === 0) });
    const before = await allRecords(col);
    const statsBefore = col.stats();
    await db.close();
    expect(statsBefore.segments).toBe(2);

    const r = await omendb('compact', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^compact: 100\.0 % 1\/1 collections\n$/m);
    const live = data.base.count - Math.ceil(data.base.count / 3);
    expect(r.stdout).toMatch(new RegExp(`^glove25\\s+${live.toLocaleString('en-US')}\\s+2 → 1\\s+${Math.ceil(data.base.count / 3).toLocaleString('en-US')} → 0\\s`, 'm'));
    expect(r.stdout).toMatch(/^Total disk .* → .* \(−\d+\.\d %\)$/m);

    const db2 = await OmenDB.open(dir);
    const col2 = await db2.getCollection('glove25');
    const after = col2.stats();
    expect(after.segments).toBe(1);
    expect(after.count).toBe(live);
    expect(after.diskBytes).toBeLessThan(statsBefore.diskBytes * 0.75);
    const records = await allRecords(col2);
    await db2.close();
    expect(records.ids).toEqual(before.ids);
    expect(records.embeddings).toEqual(before.embeddings);
    expect(records.metadatas).toEqual(before.metadatas);
    expect(records.documents).toEqual(before.documents);

    const verify = await omendb('verify', dir);
    expect(verify.code, verify.stdout).toBe(0);
  });

  it('compacts only the collections named, and fails on an unknown one', async () => {
    const dir = join(tmp.dir, 'two');
    const db = await OmenDB.open(dir);
    for (const name of ['a', 'b']) {
      const col = await db.createCollection({ name, dimension: 2 });
      await col.add({ ids: ['1', '2'], embeddings: [[1, 0], [0, 1]] });
      await db.checkpoint();
      await col.delete({ ids: ['1'] });
    }
    await db.close();
    const r = await omendb('compact', dir, '--collection', 'b');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^b\s+1\s+1 → 1\s+1 → 0\s/m);
    expect(r.stdout).not.toMatch(/^a\s/m);
    const bad = await omendb('compact', dir, '--collection', 'zzz');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^omendb: error NOT_FOUND: collection "zzz" does not exist/);
  });
});
