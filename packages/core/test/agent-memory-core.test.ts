import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeSegment, SectionKind } from '../src/format/segment-file.js';
import { OmenDB, ValidationError } from '../src/index.js';
import { randomVectors, tempDir } from './helpers/tmp.js';

// The core features an agent-memory store builds on: records without vectors
// (dimension-0 collections), `offset` on query, and an upsert that keeps
// chosen metadata keys of the stored record.

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('records without vectors (dimension 0)', () => {
  it('stores, reads, filters and deletes them across checkpoint, compaction and reopen', async () => {
    const db = await OmenDB.open(dir);
    const kv = await db.createCollection({ name: 'kv', dimension: 0 });
    await kv.add({ ids: ['a', 'b', 'c'], metadatas: [{ ns: 'x' }, { ns: 'y' }, { ns: 'x' }], documents: ['A', 'B', 'C'] });
    await db.checkpoint();
    await kv.upsert({ ids: ['b', 'd'], metadatas: [{ ns: 'x' }, { ns: 'z' }], documents: ['B2', 'D'] });
    await kv.delete({ ids: ['a'] });
    await db.checkpoint();
    await kv.compact();
    await kv.upsert({ ids: ['e'], documents: ['E'] });
    await db.close();

    const again = await OmenDB.open(dir);
    const col = await again.getCollection('kv');
    expect(col.dimension).toBe(0);
    expect(await col.count()).toBe(4);
    const got = await col.get({ ids: ['b', 'c', 'd', 'e'] });
    expect(got.documents).toEqual(['B2', 'C', 'D', 'E']);
    expect((await col.get({ where: { ns: 'x' } })).ids.sort()).toEqual(['b', 'c']);
    expect((await col.get({ ids: ['c'], include: ['embeddings'] })).embeddings).toEqual([[]]);
    await again.close();
  });

  it('writes segments as docs/format/segment.md says: dimension 0, an empty vectors section, no graph; manifest dimension 0', async () => {
    const db = await OmenDB.open(dir);
    const kv = await db.createCollection({ name: 'kv', dimension: 0 });
    await kv.add({ ids: ['a', 'b'], metadatas: [{ k: 1 }, null], documents: ['A', null] });
    await db.checkpoint();
    await db.close();
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && (e.name === 'segment.bin' || e.name.startsWith('MANIFEST-')))
      .map((e) => join(e.parentPath, e.name));
    const segment = files.find((f) => f.endsWith('segment.bin'))!;
    const { header, sections } = decodeSegment(readFileSync(segment), segment);
    expect(header).toMatchObject({ rows: 2, dimension: 0 });
    expect(sections.get(SectionKind.Vectors)?.bytes.byteLength).toBe(0);
    expect(sections.has(SectionKind.Graph)).toBe(false);
    expect([...sections.keys()].sort()).toEqual([SectionKind.Vectors, SectionKind.Ids, SectionKind.Metadata, SectionKind.Documents].sort());
    const manifest = readFileSync(files.find((f) => f.includes('MANIFEST-'))!);
    expect(manifest.toString('latin1')).toContain('"dimension":0');
  });

  it('refuses embeddings, vector queries and quantization with a ValidationError', async () => {
    const db = await OmenDB.open(dir);
    const kv = await db.createCollection({ name: 'kv', dimension: 0 });
    await expect(kv.add({ ids: ['a'], embeddings: [[1, 2]] })).rejects.toBeInstanceOf(ValidationError);
    await kv.add({ ids: ['a'] });
    await expect(kv.query({ queryEmbeddings: [[1, 2]] })).rejects.toBeInstanceOf(ValidationError);
    await expect(db.createCollection({ name: 'q', dimension: 0, quantization: 'sq8' })).rejects.toBeInstanceOf(ValidationError);
    expect(await kv.count()).toBe(1);
    await db.close();
  });
});

describe('query offset', () => {
  it('pages through the ranking: offset k gives ranks k.. of the same exact order', async () => {
    const seed = 11;
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'v', dimension: 8 });
    const vectors = randomVectors(200, 8, seed);
    await col.add({ ids: vectors.map((_, i) => `v${i}`), embeddings: vectors });
    const q = { queryEmbeddings: [vectors[3]], exact: true };
    const all = await col.query({ ...q, nResults: 30 });
    const page = await col.query({ ...q, nResults: 10, offset: 20 });
    expect(page.ids[0], `seed ${seed}`).toEqual(all.ids[0].slice(20, 30));
    expect(page.distances[0]).toEqual(all.distances[0].slice(20, 30));
    await expect(col.query({ ...q, offset: -1 })).rejects.toBeInstanceOf(ValidationError);
    await db.close();
  });
});

describe('upsert keepMetadata', () => {
  it('keeps the stored value of the named keys and replaces the rest, also across reopen', async () => {
    const db = await OmenDB.open(dir);
    const kv = await db.createCollection({ name: 'kv', dimension: 0 });
    await kv.upsert({ ids: ['k'], metadatas: [{ createdAt: 1, updatedAt: 1, v: 'a' }] }, { keepMetadata: ['createdAt'] });
    await kv.upsert({ ids: ['k', 'n'], metadatas: [{ createdAt: 2, updatedAt: 2, v: 'b' }, { createdAt: 5, updatedAt: 5 }] }, { keepMetadata: ['createdAt'] });
    expect((await kv.get({ ids: ['k', 'n'] })).metadatas).toEqual([{ createdAt: 1, updatedAt: 2, v: 'b' }, { createdAt: 5, updatedAt: 5 }]);
    await db.close();
    const again = await OmenDB.open(dir);
    expect((await (await again.getCollection('kv')).get({ ids: ['k'] })).metadatas).toEqual([{ createdAt: 1, updatedAt: 2, v: 'b' }]);
    await expect((await again.getCollection('kv')).upsert({ ids: ['k'] }, { keepMetadata: [''] })).rejects.toBeInstanceOf(ValidationError);
    await again.close();
  });

  it('keeps the first creation time under many concurrent upserts of one id (no read-then-write race)', async () => {
    const db = await OmenDB.open(dir);
    const kv = await db.createCollection({ name: 'kv', dimension: 0 });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => kv.upsert({ ids: ['k'], metadatas: [{ createdAt: i, updatedAt: i }] }, { keepMetadata: ['createdAt'] })),
    );
    expect((await kv.get({ ids: ['k'] })).metadatas).toEqual([{ createdAt: 0, updatedAt: 49 }]);
    await db.close();
  });
});
