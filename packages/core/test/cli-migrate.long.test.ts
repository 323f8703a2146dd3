import { join } from 'node:path';
import type { ChromaClient, Collection as ChromaCollection } from 'chromadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { hasDataset, loadDataset } from './helpers/datasets.js';
import { startChroma, type ChromaServer } from './helpers/chroma-server.js';
import { tempDir } from './helpers/tmp.js';
import { allRecords, buildDatabase, omendb, rowDocument } from './fixtures/cli-harness.js';


const tmp = tempDir('omendb-cli-migrate-');
const ready = hasDataset('sift10k') && hasDataset('glove25');
let server: ChromaServer;
let client: ChromaClient;

beforeAll(async () => {
  if (!ready) return;
  ({ server, client } = await startChroma());
});
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

const noEmbedding = { generate: async (): Promise<number[][]> => [] };

interface Row {
  id: string;
  embedding: number[];
  metadata: Record<string, unknown> | null;
  document: string | null;
}

/** Every record of a Chroma collection, paged, sorted by id; embeddings as the float32 values they are. */
async function chromaRecords(col: ChromaCollection): Promise<Row[]> {
  const out: Row[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await col.get({ offset, limit: 1000, include: ['embeddings', 'metadatas', 'documents'] as never });
    page.ids.forEach((id, i) => out.push({ id, embedding: page.embeddings[i].map(Math.fround), metadata: page.metadatas[i], document: page.documents[i] }));
    if (page.ids.length < 1000) break;
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Every record of an OmenDB collection, sorted by id, in the same shape. */
async function omenRecords(dir: string, name: string) {
  const db = await OmenDB.open(dir);
  const col = await db.getCollection(name);
  const r = await allRecords(col);
  const metric = col.metric;
  await db.close();
  const records: Row[] = r.ids.map((id, i) => ({ id, embedding: r.embeddings![i], metadata: r.metadatas[i], document: r.documents[i] }));
  return { metric, records: records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

/**
 * Asserts two copies hold the same records: ids, documents and metadata keys
 * equal; embeddings bit-identical, or within `embeddingTolerance` × the
 * vector's length; metadata numbers equal up to a relative 1e-15 (Chroma
 * returns some float64 values a few ulps off). Returns how many records
 * needed either tolerance.
 */
function expectSameRecords(actual: Row[], expected: Row[], embeddingTolerance = 0): { roundedEmbeddings: number; roundedMetadata: number } {
  expect(actual.map((r) => r.id)).toEqual(expected.map((r) => r.id));
  expect(actual.map((r) => r.document)).toEqual(expected.map((r) => r.document));
  let roundedEmbeddings = 0;
  let roundedMetadata = 0;
  actual.forEach((a, i) => {
    const b = expected[i];
    const norm = Math.hypot(...b.embedding);
    let rounded = false;
    a.embedding.forEach((x, j) => {
      if (x === b.embedding[j]) return;
      rounded = true;
      expect(Math.abs(x - b.embedding[j]), `${a.id} embedding[${j}]`).toBeLessThanOrEqual(embeddingTolerance * norm);
    });
    if (rounded) roundedEmbeddings++;
    expect(Object.keys(a.metadata ?? {}).sort(), a.id).toEqual(Object.keys(b.metadata ?? {}).sort());
    let metaRounded = false;
    for (const [key, value] of Object.entries(a.metadata ?? {})) {
      const other = b.metadata![key];
      if (value === other) continue;
      expect(typeof value === 'number' && typeof other === 'number', `${a.id} metadata.${key}: ${value} vs ${other}`).toBe(true);
      expect(Math.abs((value as number) - (other as number))).toBeLessThanOrEqual(1e-15 * Math.abs(other as number));
      metaRounded = true;
    }
    if (metaRounded) roundedMetadata++;
  });
  return { roundedEmbeddings, roundedMetadata };
}

/** Mean top-10 overlap as printed by the check. */
function reportedOverlap(stdout: string): number {
  const m = /query top-10 {3}20 queries, mean overlap ([\d.]+) %, lowest ([\d.]+) %/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return Number(m![1]) / 100;
}

describe.skipIf(!ready)('omendb migrate against a real Chroma server', () => {
  const source = join(tmp.dir, 'source');

  it('copies OmenDB → Chroma (sift10k, l2): equal counts, identical records, overlap reported', async () => {
    await buildDatabase(source, { dataset: 'sift10k', metric: 'l2', scalarMetadata: true });
    const r = await omendb('migrate', '--from', source, '--to', server.url);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^Copied 10,000 records of "sift10k" from omendb to chroma in /m);
    expect(r.stdout).toContain('Check of "sift10k" (omendb → chroma): passed\n');
    expect(r.stdout).toContain('  records        10,000 in omendb, 10,000 in chroma (equal)\n');
    expect(r.stdout).toMatch(/^ {2}sample {9}100 of 100 sampled records (identical|equal \(id, embedding, metadata, document\): \d+ bit for bit, \d+ with metadata numbers a few float64 ulps off \(as Chroma returns them\))\n/m);
    expect(reportedOverlap(r.stdout)).toBeGreaterThanOrEqual(0.8);
    expect(r.stdout).toMatch(/^Migrated 1 collection \(10,000 records\) from .* in .*: every check passed\n$/m);
    expect(r.stderr).toMatch(/^copy sift10k: 100\.0 % 10,000\/10,000 records, [\d,]+\/s$/m);

    const col = await client.getCollection({ name: 'sift10k', embeddingFunction: noEmbedding });
    expect(col.metadata).toEqual({ 'hnsw:space': 'l2' });
    expect(col.configuration.hnsw?.space).toBe('l2');
    const ours = await omenRecords(source, 'sift10k');
    const { roundedEmbeddings } = expectSameRecords(await chromaRecords(col), ours.records);
    expect(roundedEmbeddings).toBe(0);
  });

  it('copies Chroma → OmenDB back: identical to the original database', async () => {
    const back = join(tmp.dir, 'back');
    const r = await omendb('migrate', '--from', server.url, '--to', back, '--collection', 'sift10k', '--batch-size', '1000');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('Check of "sift10k" (chroma → omendb): passed\n');
    const original = await omenRecords(source, 'sift10k');
    const copy = await omenRecords(back, 'sift10k');
    expect(copy.metric).toBe('l2');
    // Vectors come back bit for bit; only float metadata may carry Chroma's rounding.
    expect(expectSameRecords(copy.records, original.records).roundedEmbeddings).toBe(0);
  });

  it('copies a Chroma cosine collection (glove25) into OmenDB with the metric of hnsw:space', async () => {
    const data = loadDataset('glove25', 'cosine');
    const col = await client.createCollection({ name: 'glove25', metadata: { 'hnsw:space': 'cosine', source: 'glove' }, embeddingFunction: noEmbedding });
    for (let start = 0; start < data.base.count; start += 2000) {
      const rows = Array.from({ length: Math.min(2000, data.base.count - start) }, (_, i) => start + i);
      // Chroma's client takes documents only as strings: rows without one go in a second call.
      for (const withDoc of [true, false]) {
        const part = rows.filter((r) => (rowDocument(r) !== null) === withDoc);
        await col.add({
          ids: part.map(String),
          embeddings: part.map((r) => Array.from(data.base.data.subarray(r * data.dim, (r + 1) * data.dim))),
          metadatas: part.map((r) => ({ row: r, even: r % 2 === 0 })),
          ...(withDoc ? { documents: part.map((r) => rowDocument(r)!) } : {}),
        });
      }
    }
    const target = join(tmp.dir, 'from-chroma');
    const r = await omendb('migrate', '--from', server.url, '--to', target, '--collection', 'glove25');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('  records        10,925 in chroma, 10,925 in omendb (equal)\n');
    // OmenDB stores exactly what Chroma returns, so the check finds no rounding in this direction.
    expect(r.stdout).toContain('  sample         100 of 100 sampled records identical (id, embedding, metadata, document)\n');
    expect(reportedOverlap(r.stdout)).toBeGreaterThanOrEqual(0.8);

    const ours = await omenRecords(target, 'glove25');
    expect(ours.metric).toBe('cosine');
    expect(ours.records).toEqual(await chromaRecords(col));
    // And what Chroma returns is the original within its cosine normalisation round trip.
    const original = ours.records.map((r) => ({ ...r, embedding: Array.from(data.base.data.subarray(Number(r.id) * data.dim, (Number(r.id) + 1) * data.dim)) }));
    expectSameRecords(ours.records, original, 1e-6);
    const db = await OmenDB.open(target);
    expect((await db.getCollection('glove25')).metadata).toEqual({ 'hnsw:space': 'cosine', source: 'glove' });
    await db.close();
  });

  it('copies an OmenDB cosine collection to Chroma, comparing embeddings within 1e-6 of their length', async () => {
    const dir = join(tmp.dir, 'glove-omen');
    await buildDatabase(dir, { dataset: 'glove25', metric: 'cosine', name: 'glove-cosine', scalarMetadata: true });
    const r = await omendb('migrate', '--from', dir, '--to', server.url);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^ {2}sample {9}100 of 100 sampled records equal \(id, embedding, metadata, document\): \d+ bit for bit, \d+ with embeddings within 1e-6 \(Chroma normalises cosine vectors\)/m);
    const col = await client.getCollection({ name: 'glove-cosine', embeddingFunction: noEmbedding });
    expect(col.configuration.hnsw?.space).toBe('cosine');
    const ours = (await omenRecords(dir, 'glove-cosine')).records;
    const { roundedEmbeddings } = expectSameRecords(await chromaRecords(col), ours, 1e-6);
    // Most vectors do not survive Chroma's normalise-and-rescale bit for bit.
    expect(roundedEmbeddings).toBeGreaterThan(ours.length / 2);
  });

  it('refuses names that exist on the target, copying nothing', async () => {
    const r = await omendb('migrate', '--from', source, '--to', server.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('omendb: error ALREADY_EXISTS: the Chroma server already has a collection named "sift10k"; nothing was copied — delete them there first, or pick others with --collection\n');
    const back = join(tmp.dir, 'back');
    const r2 = await omendb('migrate', '--from', server.url, '--to', back, '--collection', 'sift10k');
    expect(r2.stderr).toMatch(/^omendb: error ALREADY_EXISTS: the OmenDB database already has a collection named "sift10k"; nothing was copied/);
  });

  it('names the record whose metadata Chroma cannot hold, and deletes the partial copy', async () => {
    const dir = join(tmp.dir, 'nested');
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'nested-meta', dimension: 2 });
    await col.add({ ids: Array.from({ length: 1200 }, (_, i) => `r${i}`), embeddings: Array.from({ length: 1200 }, (_, i) => [i, 1]) });
    await col.update({ ids: ['r1100'], metadatas: [{ tags: ['a', 'b'] }] });
    await db.close();
    const r = await omendb('migrate', '--from', dir, '--to', server.url, '--batch-size', '500');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^omendb: error CHROMA_INCOMPATIBLE: record "r1100": metadata key "tags" holds an array, and Chroma metadata values are strings, numbers or booleans; the partial copy of "nested-meta" in chroma was deleted — /m,
    );
    expect(await client.listCollections().then((cs) => cs.map((c) => c.name))).not.toContain('nested-meta');
  });

  it('copies an empty collection, with its collection metadata', async () => {
    const dir = join(tmp.dir, 'empty');
    const db = await OmenDB.open(dir);
    await db.createCollection({ name: 'empty-ip', metric: 'ip', metadata: { owner: 'me', version: 3 } });
    await db.close();
    const r = await omendb('migrate', '--from', dir, '--to', server.url);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('  records        0 in omendb, 0 in chroma (equal)\n  sample         0 of 0 sampled records identical (id, embedding, metadata, document)\n  query top-10   no queries (the collection is empty)\n');
    const col = await client.getCollection({ name: 'empty-ip', embeddingFunction: noEmbedding });
    expect(col.metadata).toEqual({ owner: 'me', version: 3, 'hnsw:space': 'ip' });
    expect(col.configuration.hnsw?.space).toBe('ip');
  });

  it('fails clearly for an unreachable server and for two URLs', async () => {
    const r = await omendb('migrate', '--from', source, '--to', 'http://127.0.0.1:9');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^omendb: error CHROMA_UNREACHABLE: no Chroma server answers at http:\/\/127\.0\.0\.1:9 \(.*\) — start one/);
    const both = await omendb('migrate', '--from', server.url, '--to', server.url);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^omendb: error USAGE: both --from and --to are URLs — /);
  });
});
