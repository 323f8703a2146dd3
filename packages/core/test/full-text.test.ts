import { Knn, Search } from 'chromadb-search';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OmenDB, ValidationError } from '../src/index.js';
import { analyzeEnglish } from '../src/text/analyzer.js';
import { DATA_DIR } from './helpers/datasets.js';
import { referenceBm25 } from './helpers/bm25-reference.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const SMALL = [
  'The quick brown fox jumps over the lazy dog.',
  "A dog's life: dogs sleep, dogs eat, and dogs run.",
  'Foxes are quick; the brown fox is quicker than most.',
  'Nothing to see here.',
  'Running runners run quickly in 2024.',
  'The lazy cat sleeps all day long.',
];
const QUERIES = ['quick fox', 'dog running', 'lazy sleeping cat', 'dogs dogs', '2024', 'the'];

describe('full-text analysis', () => {
  it('segments words, drops stop words and possessives, lowercases and stems (Porter)', () => {
    expect(analyzeEnglish("The Dog's owners are RUNNING quickly, in 2024!")).toEqual(['dog', 'owner', 'run', 'quickli', '2024']);
    expect(analyzeEnglish('the and of')).toEqual([]);
  });
});

describe('BM25 full-text search', () => {
  it('equals a plain-JS BM25 on a small corpus, score for score', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 't', dimension: 0, fullText: true });
    const docs = SMALL.map((text, i) => ({ id: `d${i}`, text }));
    await col.add({ ids: docs.map((d) => d.id), documents: docs.map((d) => d.text) });
    for (const query of QUERIES) {
      const expected = [...referenceBm25(docs, query)].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
      const got = await col.fullTextSearch({ query, limit: 10 });
      expect(got.ids, query).toEqual(expected.map((e) => e[0]));
      expect(got.scores, query).toEqual(expected.map((e) => e[1]));
    }
    await db.close();
  });

  it('honours k1, b, limit, where and whereDocument', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 't', dimension: 0, fullText: { k1: 0.9, b: 0.4 } });
    const docs = SMALL.map((text, i) => ({ id: `d${i}`, text }));
    await col.add({ ids: docs.map((d) => d.id), documents: docs.map((d) => d.text), metadatas: docs.map((_, i) => ({ even: i % 2 === 0 })) });
    const ref = [...referenceBm25(docs, 'quick dog', 0.9, 0.4)].sort((x, y) => y[1] - x[1]);
    expect((await col.fullTextSearch({ query: 'quick dog', limit: 2 })).scores).toEqual(ref.slice(0, 2).map((e) => e[1]));
    const even = await col.fullTextSearch({ query: 'quick dog', limit: 10, where: { even: true } });
    expect(even.ids).toEqual(ref.map((e) => e[0]).filter((id) => Number(id.slice(1)) % 2 === 0));
    const withFox = await col.fullTextSearch({ query: 'quick dog', limit: 10, whereDocument: { $contains: 'fox' } });
    expect(withFox.ids).toEqual(ref.map((e) => e[0]).filter((id) => docs[Number(id.slice(1))].text.includes('fox')));
    expect(await col.fullTextSearch({ query: 'the of', limit: 10 })).toEqual({ ids: [], scores: [] });
    await db.close();
  });

  it('throws ValidationError (no_full_text_index) without a full-text index', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'v', dimension: 2 });
    await expect(col.fullTextSearch({ query: 'x', limit: 1 })).rejects.toSatisfy(
      (e: unknown) => e instanceof ValidationError && e.issues[0].code === 'no_full_text_index',
    );
    await db.close();
  });

  it('gives identical results across checkpoints, deletes, upserts, reopen and compaction, equal to a fresh index of the live records', async () => {
    const seed = 15;
    const rand = seededRandom(seed);
    const passages = readFileSync(join(DATA_DIR, 'rust-book', 'passages.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .slice(0, 240)
      .map((l) => (JSON.parse(l) as { text: string }).text);
    const queries = ['ownership borrowing references', 'error handling with Result', 'trait objects dynamic dispatch', 'closures capture environment', 'cargo build release'];
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'r', dimension: 2, fullText: true });
    const live = new Map<string, string | null>();
    const vec = () => [rand(), rand()];
    // Four batches, a checkpoint after each of the first three: three segments and a memtable.
    for (let batch = 0; batch < 4; batch++) {
      const ids = Array.from({ length: 60 }, (_, i) => `p${batch * 60 + i}`);
      const documents = ids.map((_, i) => (i % 17 === 5 ? null : passages[batch * 60 + i]));
      await col.add({ ids, embeddings: ids.map(vec), documents: documents as string[] });
      ids.forEach((id, i) => live.set(id, documents[i]));
      if (batch < 3) await db.checkpoint();
    }
    // Deletes and upserts across segments and the memtable, some after the last checkpoint.
    const victims = [...live.keys()].filter(() => rand() < 0.15);
    await col.delete({ ids: victims });
    for (const id of victims) live.delete(id);
    const upserted = [...live.keys()].filter(() => rand() < 0.1);
    const newDocs = upserted.map((_, i) => passages[(i * 7) % passages.length]);
    await col.upsert({ ids: upserted, embeddings: upserted.map(vec), documents: newDocs });
    upserted.forEach((id, i) => live.set(id, newDocs[i]));
    await col.update({ ids: [upserted[0]], embeddings: [vec()], documents: ['ownership ownership borrowing'] });
    live.set(upserted[0], 'ownership ownership borrowing');

    const results = async (c: typeof col) => Promise.all(queries.map((query) => c.fullTextSearch({ query, limit: 50 })));
    const before = await results(col);
    expect(before[0].ids.length, `seed ${seed}`).toBeGreaterThan(10);
    const liveDocs = [...live].filter(([, t]) => t !== null).map(([id, text]) => ({ id, text: text! }));
    queries.forEach((query, q) => {
      const ref = [...referenceBm25(liveDocs, query)].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 50);
      expect(before[q].ids, `seed ${seed} ${query}`).toEqual(ref.map((e) => e[0]));
      before[q].scores.forEach((s, i) => expect(s).toBeCloseTo(ref[i][1], 9));
    });

    await db.checkpoint();
    expect(await results(col)).toEqual(before);
    await db.close();
    const db2 = await OmenDB.open(dir);
    const col2 = await db2.getCollection('r');
    expect(await results(col2)).toEqual(before);
    await col2.compact();
    expect(col2.stats().segments).toBe(1);
    expect(await results(col2)).toEqual(before);
    // A fresh collection holding only the live records, in another order and in one memtable.
    const fresh = await db2.createCollection({ name: 'fresh', dimension: 2, fullText: true });
    const entries = [...live].reverse();
    await fresh.add({ ids: entries.map((e) => e[0]), embeddings: entries.map(vec), documents: entries.map((e) => e[1]) as string[] });
    expect(await results(fresh)).toEqual(before);
    await db2.close();
    const db3 = await OmenDB.open(dir);
    expect(await results(await db3.getCollection('r'))).toEqual(before);
    await db3.close();
  });

  it('narrows whereDocument $contains by its whole words without changing substring semantics', async () => {
    const passages = readFileSync(join(DATA_DIR, 'rust-book', 'passages.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .slice(0, 300)
      .map((l) => (JSON.parse(l) as { text: string }).text);
    const db = await OmenDB.open(dir);
    const indexed = await db.createCollection({ name: 'i', dimension: 0, fullText: true });
    const plain = await db.createCollection({ name: 'p', dimension: 0 });
    const ids = passages.map((_, i) => `p${i}`);
    for (const col of [indexed, plain]) {
      await col.add({ ids: ids.slice(0, 150), documents: passages.slice(0, 150) });
      await db.checkpoint();
      await col.add({ ids: ids.slice(150), documents: passages.slice(150) });
      await col.delete({ ids: ids.filter((_, i) => i % 9 === 0) });
    }
    const operands = [
      ' ownership ', 'the ownership of', ' Ownership ', 'own', ' own ', 'rship', ' the ', 'borrow checker', ' borrow checker ',
      ' Rust’s ', " Rust's ", 'fn main() {', ' let mut ', 'a vector of ', ' String::from ', ' running ', ' run ', '\nfn ', ' 2024 ',
    ];
    for (const operand of operands) {
      for (const whereDocument of [{ $contains: operand }, { $and: [{ $contains: operand }, { $not_contains: 'zzz' }] }, { $or: [{ $contains: operand }, { $contains: ' trait ' }] }]) {
        const want = (await plain.get({ whereDocument, include: [] })).ids;
        expect((await indexed.get({ whereDocument, include: [] })).ids, JSON.stringify(whereDocument)).toEqual(want);
        expect(want.every((id) => passages[Number(id.slice(1))].includes(operand) || '$or' in whereDocument || '$and' in whereDocument)).toBe(true);
      }
    }
    await db.close();
  });

  it('serves the Search API: a $knn on #document ranks by this index', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 's', dimension: 2, fullText: true, embeddingFunction: null });
    await col.add({ ids: SMALL.map((_, i) => `d${i}`), embeddings: SMALL.map((_, i) => [i, 1]), documents: SMALL });
    const direct = await col.fullTextSearch({ query: 'quick dog', limit: 10 });
    const viaSearch = await col.search(new Search().rank(Knn({ query: 'quick dog', key: '#document', limit: 10 })));
    expect(viaSearch.ids[0]).toEqual(direct.ids);
    await db.close();
  });

  it('reports its memory and disk in stats()', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 't', dimension: 0, fullText: true });
    await col.add({ ids: SMALL.map((_, i) => `d${i}`), documents: SMALL });
    expect(col.stats().components.fullText).toBeGreaterThan(0);
    await db.checkpoint();
    const stats = col.stats();
    expect(stats.components.fullText).toBeGreaterThan(0);
    expect(stats.diskComponents.fullText).toBeGreaterThan(0);
    const plain = await db.createCollection({ name: 'p', dimension: 0 });
    await plain.add({ ids: ['a'], documents: ['text'] });
    await db.checkpoint();
    expect(plain.stats().components.fullText).toBe(0);
    expect(plain.stats().diskComponents.fullText).toBeUndefined();
    await db.close();
  });
});
