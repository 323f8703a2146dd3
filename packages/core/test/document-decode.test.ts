/**
 * Documents are capped (the `maxDocumentBytes` open option, default 1 MiB of
 * UTF-8), and results decode only what they return: a read that does not
 * include documents decodes none, one that does decodes one per returned
 * row, in the memtable and in sealed segments alike. Decodes are counted by
 * spying on the two places a stored document becomes a string.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES_LIMIT } from '../src/api/limits.js';
import { OmenDB, ValidationError, type Collection } from '../src/index.js';
import { Memtable } from '../src/storage/memtable.js';
import { Segment } from '../src/storage/segment.js';
import { tempDir } from './helpers/tmp.js';

const ROWS = 100;
const BIG = 'big';
const BIG_CHARS = 900_000;
const { dir, cleanup } = tempDir('omendb-docs-');
let db: OmenDB;
let col: Collection;

/** Row i at (i, 0): the k nearest to the origin are rows 0 … k−1, `big` (row 3) among them. */
const idOf = (i: number) => (i === 3 ? BIG : `r${i}`);

beforeAll(async () => {
  db = await OmenDB.open(dir);
  col = await db.createCollection({ name: 'docs', dimension: 2 });
  const rows = Array.from({ length: ROWS }, (_, i) => i);
  const add = (part: number[]) =>
    col.add({
      ids: part.map(idOf),
      embeddings: part.map((i) => [i, 0]),
      metadatas: part.map((i) => ({ i })),
      documents: part.map((i) => (i === 3 ? 'b'.repeat(BIG_CHARS) : `doc ${i}`)),
    });
  // Half sealed into a segment (big among them), half in the memtable.
  await add(rows.slice(0, ROWS / 2));
  await db.checkpoint();
  await add(rows.slice(ROWS / 2));
});
afterAll(async () => {
  await db.close();
  cleanup();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Counts document and metadata decodes (and the characters of documents decoded) while `run` runs. */
async function decodes(run: () => Promise<unknown>) {
  // One document per `document` call, one per row of a `documentsOf` call (a query's hits, per part).
  const documents = [
    vi.spyOn(Segment.prototype, 'document'),
    vi.spyOn(Memtable.prototype, 'document'),
    vi.spyOn(Segment.prototype, 'documentsOf'),
    vi.spyOn(Memtable.prototype, 'documentsOf'),
  ];
  const metadata = [vi.spyOn(Segment.prototype, 'metadataBytes'), vi.spyOn(Memtable.prototype, 'metadataBytes'), vi.spyOn(Segment.prototype, 'metadataOf')];
  await run();
  const results = documents.flatMap((spy) => spy.mock.results.flatMap((r) => r.value as string | null | (string | null)[]));
  const counts = {
    documents: results.length,
    documentChars: results.reduce((n, doc) => n + (doc?.length ?? 0), 0),
    metadata: metadata.reduce((n, spy) => n + spy.mock.calls.length, 0),
  };
  vi.restoreAllMocks();
  return counts;
}

describe('results decode only the documents and metadata they return', () => {
  it('a query that does not include documents decodes none, the big one included', async () => {
    expect(await decodes(() => col.query({ queryEmbeddings: [[0, 0]], nResults: 10, include: ['distances'] }))).toEqual({ documents: 0, documentChars: 0, metadata: 0 });
    expect(await decodes(() => col.query({ queryEmbeddings: [[0, 0]], nResults: 10, include: ['metadatas'] }))).toMatchObject({ documents: 0, metadata: 10 });
  });

  it('a query with 10 hits decodes 10 documents, not the collection', async () => {
    let hits: string[] = [];
    const counts = await decodes(async () => {
      hits = (await col.query({ queryEmbeddings: [[0, 0]], nResults: 10 })).ids[0];
    });
    expect(hits).toContain(BIG);
    expect(counts).toMatchObject({ documents: 10, metadata: 10 });
    expect(counts.documentChars).toBeLessThan(BIG_CHARS + 10 * 10);
    // Two query embeddings: 10 each, once each.
    expect(await decodes(() => col.query({ queryEmbeddings: [[0, 0], [99, 0]], nResults: 10 }))).toMatchObject({ documents: 20 });
  });

  it('get and peek decode the included fields of returned rows only', async () => {
    expect(await decodes(() => col.get({ include: ['metadatas'] }))).toMatchObject({ documents: 0, metadata: ROWS });
    expect(await decodes(() => col.get({ ids: [BIG], include: ['embeddings'] }))).toEqual({ documents: 0, documentChars: 0, metadata: 0 });
    expect(await decodes(() => col.get({ include: [] }))).toEqual({ documents: 0, documentChars: 0, metadata: 0 });
    expect(await decodes(() => col.get({ limit: 5, offset: 60 }))).toMatchObject({ documents: 5, metadata: 5 });
    expect(await decodes(() => col.peek())).toMatchObject({ documents: 10, metadata: 10 });
    expect(await decodes(() => col.get({ ids: [BIG], include: ['documents'] }))).toEqual({ documents: 1, documentChars: BIG_CHARS, metadata: 0 });
  });

  it('a delete by ids or by a metadata filter decodes no document', async () => {
    expect(await decodes(() => col.delete({ ids: ['r99', 'missing'] }))).toMatchObject({ documents: 0, metadata: 0 });
    expect(await decodes(() => col.delete({ where: { i: 98 } }))).toMatchObject({ documents: 0 });
    expect(await col.count()).toBe(ROWS - 2);
  });
});

describe('documents are capped', () => {
  it(`by default at ${DEFAULT_MAX_DOCUMENT_BYTES} UTF-8 bytes, counted in bytes, not characters`, async () => {
    const before = col.stats().lastLsn;
    await col.add({ ids: ['cap-ascii'], embeddings: [[1, 1]], documents: ['a'.repeat(DEFAULT_MAX_DOCUMENT_BYTES)] });
    const over = ['a'.repeat(DEFAULT_MAX_DOCUMENT_BYTES + 1), '€'.repeat(Math.floor(DEFAULT_MAX_DOCUMENT_BYTES / 3) + 1)];
    for (const doc of over) {
      const err: unknown = await col.upsert({ ids: ['cap-ascii'], embeddings: [[1, 1]], documents: [doc] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues[0]).toMatchObject({ code: 'too_large', path: ['documents', 0] });
    }
    expect(col.stats().lastLsn).toBe(before + 1);
    expect((await col.get({ ids: ['cap-ascii'] })).documents[0]).toHaveLength(DEFAULT_MAX_DOCUMENT_BYTES);
    await col.delete({ ids: ['cap-ascii'] });
  });

  it('by the maxDocumentBytes open option', async () => {
    const { dir: d, cleanup: c } = tempDir();
    const small = await OmenDB.open(d, { maxDocumentBytes: 10 });
    const s = await small.createCollection({ name: 's', dimension: 2 });
    await s.add({ ids: ['fits'], embeddings: [[1, 0]], documents: ['0123456789'] });
    await expect(s.add({ ids: ['over'], embeddings: [[1, 0]], documents: ['é'.repeat(6)] })).rejects.toBeInstanceOf(ValidationError);
    await expect(s.update({ ids: ['fits'], documents: ['01234567890'] })).rejects.toBeInstanceOf(ValidationError);
    expect(await s.count()).toBe(1);
    await small.close();
    for (const maxDocumentBytes of [0, 1.5, MAX_DOCUMENT_BYTES_LIMIT + 1]) {
      await expect(OmenDB.open(d, { maxDocumentBytes })).rejects.toBeInstanceOf(ValidationError);
    }
    c();
  });
});
