import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { hasDataset } from './helpers/datasets.js';
import { tempDir } from './helpers/tmp.js';
import { allRecords, buildDatabase, omendb, snapshot } from './fixtures/cli-harness.js';

const tmp = tempDir('omendb-cli-jsonl-');
afterAll(() => tmp.cleanup());

async function records(dir: string, name: string) {
  const db = await OmenDB.open(dir);
  const col = await db.getCollection(name);
  const r = { ...(await allRecords(col)), metric: col.metric, dimension: col.dimension };
  await db.close();
  return r;
}

describe.each([
  ['sift10k', 'l2'],
  ['glove25', 'cosine'],
] as const)('omendb export → import on %s (%s)', (dataset, metric) => {
  const source = join(tmp.dir, `${dataset}-source`);
  const file = join(tmp.dir, `${dataset}.jsonl`);
  beforeAll(async () => {
    if (hasDataset(dataset)) await buildDatabase(source, { dataset, metric });
  });

  it.skipIf(!hasDataset(dataset))('round-trips every record into a new database with identical get() results', async () => {
    const exported = await omendb('export', source, '--collection', dataset, '--out', file, '--batch-size', '700');
    expect(exported.code, exported.stderr).toBe(0);
    const count = dataset === 'sift10k' ? 10000 : 10925;
    expect(exported.stdout).toMatch(new RegExp(`^Exported ${count.toLocaleString('en-US')} records of "${dataset}" .* to ${file}: .* in .* \\([\\d,]+/s\\)\\n`));
    expect(exported.stdout).toContain(`omendb import <dir> --collection ${dataset} --metric ${metric} ${file}`);
    expect(exported.stderr).toMatch(new RegExp(`export: 100\\.0 % ${count.toLocaleString('en-US')}/${count.toLocaleString('en-US')} records, [\\d,]+/s\\n$`));
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(count);
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(['id', 'embedding', 'metadata', 'document']);

    const target = join(tmp.dir, `${dataset}-target`);
    const imported = await omendb('import', target, '--collection', dataset, '--metric', metric, file);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(new RegExp(`^Imported ${count.toLocaleString('en-US')} records into "${dataset}" .* the collection holds ${count.toLocaleString('en-US')} records\\n$`));
    expect(imported.stderr).toMatch(/^validate: 100\.0 % [\d,]+ records valid$/m);
    expect(imported.stderr).toMatch(/^import: 100\.0 % [\d,]+ records, [\d,]+\/s$/m);

    const a = await records(source, dataset);
    const b = await records(target, dataset);
    expect(b.ids).toEqual(a.ids);
    // Bit-identical vectors: float32 text in the file parses back to the same float32.
    expect(b.embeddings).toEqual(a.embeddings);
    expect(b.metadatas).toEqual(a.metadatas);
    expect(b.documents).toEqual(a.documents);
    expect([b.metric, b.dimension]).toEqual([a.metric, a.dimension]);
  });
});

describe.skipIf(!hasDataset('sift10k'))('omendb import of a bad file', () => {
  const file = join(tmp.dir, 'bad.jsonl');
  let good: string[];
  beforeAll(async () => {
    const dir = join(tmp.dir, 'small');
    await buildDatabase(dir, { dataset: 'sift10k', metric: 'l2', rows: 3000 });
    expect((await omendb('export', dir, '--collection', 'sift10k', '--out', file)).code).toBe(0);
    good = readFileSync(file, 'utf8').split('\n');
  });

  const withLines = (edit: (lines: string[]) => void) => {
    const lines = [...good];
    edit(lines);
    writeFileSync(file, lines.join('\n'));
  };

  it('names the line and writes nothing into a new database', async () => {
    withLines((l) => {
      const rec = JSON.parse(l[2499]);
      rec.embedding[17] = 'x';
      l[2499] = JSON.stringify(rec);
    });
    const target = join(tmp.dir, 'never-created');
    const r = await omendb('import', target, '--collection', 'c', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^omendb: error VALIDATION: ${file} line 2500: embedding\\[17\\]: expected a number — fix the file and run the import again; nothing was written\\n`, 'm'),
    );
    expect(existsSync(target)).toBe(false);
  });

  it('leaves an existing collection untouched, listing every bad line', async () => {
    const target = join(tmp.dir, 'existing');
    await buildDatabase(target, { dataset: 'sift10k', metric: 'l2', name: 'c', rows: 10 });
    withLines((l) => {
      l[0] = l[0].replace('"id":"0"', '"id":"fresh-0"');
      l[9] = '{"id": "short", "embedding": [1, 2, 3]}';
      l[99] = 'not json';
      l[199] = JSON.stringify({ id: 'm', embedding: new Array(128).fill(0), metadata: { 'a.b': 1 } });
      l[299] = JSON.stringify({ id: 'd', embedding: new Array(128).fill(0), extra: true });
    });
    const before = snapshot(target);
    const r = await omendb('import', target, '--collection', 'c', file);
    expect(r.code).toBe(1);
    const line = r.stderr.split('\n').find((s) => s.startsWith('omendb: error'));
    expect(line).toBe(
      `omendb: error DIMENSION_MISMATCH: ${file} line 10: "embedding" has 3 values, the collection's dimension is 128 (and 3 more bad lines: 100, 200, 300) — fix the file and run the import again; nothing was written`,
    );
    expect(snapshot(target)).toEqual(before);
    const db = await OmenDB.open(target);
    expect(await (await db.getCollection('c')).count()).toBe(10);
    await db.close();
  });

  it('refuses a --metric that contradicts the existing collection', async () => {
    writeFileSync(file, good.join('\n'));
    const target = join(tmp.dir, 'metric');
    await buildDatabase(target, { dataset: 'sift10k', metric: 'l2', name: 'c', rows: 10 });
    const r = await omendb('import', target, '--collection', 'c', '--metric', 'cosine', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^omendb: error VALIDATION: --metric cosine contradicts the existing collection "c", whose metric is l2 — /);
  });

  it('upserts into an existing collection: a later line with the same id wins', async () => {
    const target = join(tmp.dir, 'upsert');
    await buildDatabase(target, { dataset: 'sift10k', metric: 'l2', name: 'c', rows: 10 });
    const lines = [
      JSON.stringify({ id: '0', embedding: new Array(128).fill(1), metadata: { v: 1 } }),
      JSON.stringify({ id: 'new', embedding: new Array(128).fill(2), document: 'hello' }),
      '',
      JSON.stringify({ id: '0', embedding: new Array(128).fill(3), metadata: { v: 2 } }),
    ];
    writeFileSync(file, lines.join('\r\n') + '\r\n');
    const r = await omendb('import', target, '--collection', 'c', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Imported 3 records into "c" .* the collection holds 11 records\n$/);
    const db = await OmenDB.open(target);
    const got = await (await db.getCollection('c')).get({ ids: ['0', 'new'], include: ['embeddings', 'metadatas', 'documents'] });
    await db.close();
    expect(got.metadatas).toEqual([{ v: 2 }, null]);
    expect(got.embeddings![0][0]).toBe(3);
    expect(got.documents).toEqual([null, 'hello']);
  });

  it('exports to standard output when --out is absent, with the summary on standard error', async () => {
    const dir = join(tmp.dir, 'small');
    const r = await omendb('export', dir, '--collection', 'sift10k');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(good.join('\n'));
    expect(r.stderr).toMatch(/^Exported 3,000 records of "sift10k" \(128-d, l2\) to standard output: /m);
  });
});
