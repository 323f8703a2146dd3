import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChromaBm25EmbeddingFunction } from '@chroma-core/chroma-bm25';
import { OmenDB } from '@omendb/core';
import { K, Knn, Schema, Search, SparseVectorIndexConfig } from 'chromadb-search';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'omendb-bm25-sparse-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DOCS = [
  'Ownership rules: each value in Rust has a single owner.',
  'The borrow checker rejects dangling references at compile time.',
  'Cargo builds your code and downloads its dependencies.',
  'References borrow a value without taking ownership of it.',
];

describe("Chroma's sparse-vector recipe with @chroma-core/chroma-bm25, embedded", () => {
  it('embeds documents with chroma-bm25 into the schema key and ranks a text Knn on it by the idf-weighted dot product (bm25: true), before and after a reopen', async () => {
    const ef = new ChromaBm25EmbeddingFunction();
    const schema = () => new Schema().createIndex(new SparseVectorIndexConfig({ embeddingFunction: ef, sourceKey: K.DOCUMENT, bm25: true }), 'sparse_embedding');
    let db = await OmenDB.open(dir);
    let col = await db.createCollection({ name: 'docs', schema: schema(), embeddingFunction: null });
    await col.add({ ids: DOCS.map((_, i) => `d${i}`), documents: DOCS, embeddings: DOCS.map((_, i) => [i, 1]) });
    const stored = await col.get({ ids: ['d1'], include: ['metadatas'] });
    expect(stored.metadatas[0]!.sparse_embedding).toEqual((await ef.generate([DOCS[1]]))[0]);

    const search = new Search().rank(Knn({ query: 'borrow references', key: 'sparse_embedding', limit: 10 })).select(K.SCORE);
    const first = await col.search(search);
    // Expected, as Chroma scores a bm25 key: −Σ query weight × idf × document weight, from chroma-bm25's own vectors, best (lowest) first.
    const [q] = await ef.generateForQueries(['borrow references']);
    const docs = await ef.generate(DOCS);
    const idf = (dim: number) => {
      const df = docs.filter((d) => d.indices.includes(dim)).length;
      return Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
    };
    const expected = docs
      .map((d, i) => [`d${i}`, -q.indices.reduce((s, dim, j) => s + q.values[j] * idf(dim) * (d.values[d.indices.indexOf(dim)] ?? 0), 0)] as const)
      .filter(([, s]) => s !== 0)
      .sort((a, b) => a[1] - b[1]);
    expect(first.ids[0]).toEqual(expected.map((e) => e[0]));
    first.scores[0]!.forEach((s, i) => expect(s).toBeCloseTo(expected[i][1], 5));
    await db.checkpoint();
    await db.close();

    db = await OmenDB.open(dir);
    col = await db.getCollection({ name: 'docs', schema: schema() });
    expect(await col.search(search)).toEqual(first);
    await db.close();
  });
});
