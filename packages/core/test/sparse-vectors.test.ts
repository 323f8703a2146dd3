import { K, Knn, Rrf, Schema, Search, SparseVectorIndexConfig } from 'chromadb-search';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptionError, EmbeddingFunctionError, OmenDB, ValidationError } from '../src/index.js';
import { decodeSparsePostings, encodeSparsePostings } from '../src/format/sparse-postings.js';
import { decodeSegment, encodeSegment, SectionKind } from '../src/format/segment-file.js';
import { SparsePostingsBuilder } from '../src/text/sparse-postings.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

type Sparse = { indices: number[]; values: number[] };

/** A deterministic sparse embedding function: term counts over a small vocabulary (ids = word index), queries weight 1. */
class CountSparse {
  readonly name = 'test_counts';
  calls = 0;
  private static vector(text: string, unit: boolean): Sparse {
    const counts = new Map<number, number>();
    for (const w of text.toLowerCase().split(/\W+/).filter(Boolean)) {
      const d = [...w].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 5000;
      counts.set(d, unit ? 1 : (counts.get(d) ?? 0) + 1);
    }
    const indices = [...counts.keys()].sort((a, b) => a - b);
    return { indices, values: indices.map((d) => counts.get(d)!) };
  }
  async generate(texts: string[]): Promise<Sparse[]> {
    this.calls++;
    return texts.map((t) => CountSparse.vector(t, false));
  }
  async generateForQueries(texts: string[]): Promise<Sparse[]> {
    return texts.map((t) => CountSparse.vector(t, true));
  }
  getConfig() {
    return {};
  }
}

const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon'.split(' ');

function corpus(n: number, seed: number): { ids: string[]; documents: string[]; embeddings: number[][] } {
  const rand = seededRandom(seed);
  const ids = Array.from({ length: n }, (_, i) => `r${i}`);
  const documents = ids.map(() => Array.from({ length: 3 + Math.floor(rand() * 8) }, () => WORDS[Math.floor(rand() * rand() * WORDS.length)]).join(' '));
  const embeddings = ids.map(() => Array.from({ length: 8 }, () => rand() - 0.5));
  return { ids, documents, embeddings };
}

function schemaWith(ef: CountSparse, bm25 = false): Schema {
  return new Schema().createIndex(new SparseVectorIndexConfig({ embeddingFunction: ef as never, sourceKey: K.DOCUMENT, bm25 }), 'sparse_embedding');
}

function dot(a: Sparse, b: Sparse): number {
  let s = 0;
  for (let i = 0; i < a.indices.length; i++) {
    const j = b.indices.indexOf(a.indices[i]);
    if (j >= 0) s += a.values[i] * b.values[j];
  }
  return s;
}

/**
 * Reference ranking: dot product of the query with every stored sparse vector (from get), as (score, id) ascending;
 * with `idf`, each query weight first times ln(1 + (N − df + 0.5) / (df + 0.5)) over the stored vectors.
 */
async function reference(col: Awaited<ReturnType<OmenDB['getCollection']>>, query: Sparse, limit: number, idf = false): Promise<{ ids: string[]; scores: number[] }> {
  const all = await col.get({ include: ['metadatas'] });
  if (idf) {
    const vectors = all.metadatas.map((m) => m!.sparse_embedding as Sparse);
    const n = vectors.length;
    query = {
      indices: query.indices,
      values: query.values.map((w, q) => {
        const df = vectors.filter((v) => v.indices.includes(query.indices[q])).length;
        return w * Math.log(1 + (n - df + 0.5) / (df + 0.5));
      }),
    };
  }
  const scored = all.ids
    .map((id, i) => [id, dot(query, all.metadatas[i]!.sparse_embedding as Sparse)] as const)
    .filter(([, s]) => s !== 0)
    .slice(0, limit);
  return normalize(scored.map((s) => s[0]), scored.map((s) => -s[1]));
}

const QUERIES = ['alpha beta', 'gamma gamma delta', 'sigma tau upsilon', 'omega', 'pi rho'];

async function ranked(col: Awaited<ReturnType<OmenDB['getCollection']>>, query: string): Promise<{ ids: string[]; scores: number[] }> {
  // Every hit (limit above the corpus), as (score, id) ascending: Search breaks score ties by storage order, which edits change.
  const r = await col.search(new Search().rank(Knn({ query, key: 'sparse_embedding', limit: 1000 })).limit(1000).select(K.SCORE));
  return normalize(r.ids[0], r.scores[0] as number[]);
}

function normalize(ids: string[], scores: number[]): { ids: string[]; scores: number[] } {
  const pairs = ids.map((id, i) => [id, scores[i]] as const).sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
  return { ids: pairs.map((p) => p[0]), scores: pairs.map((p) => p[1]) };
}

describe('sparse vectors (Chroma Schema + SparseVectorIndexConfig)', () => {
  it('embeds documents into the key, ranks by exact dot product, same across checkpoint, upserts, deletes, compaction and reopen', async () => {
    const ef = new CountSparse();
    let db = await OmenDB.open(dir);
    let col = await db.createCollection({ name: 's', schema: schemaWith(ef), embeddingFunction: null });
    const data = corpus(300, 11);
    await col.add({ ids: data.ids.slice(0, 150), documents: data.documents.slice(0, 150), embeddings: data.embeddings.slice(0, 150) });
    await db.checkpoint();
    await col.add({ ids: data.ids.slice(150), documents: data.documents.slice(150), embeddings: data.embeddings.slice(150) });
    const got = await col.get({ ids: ['r0'], include: ['metadatas', 'documents'] });
    expect(got.metadatas[0]!.sparse_embedding).toEqual((await ef.generate([data.documents[0]]))[0]);

    const check = async (label: string) => {
      for (const q of QUERIES) {
        const [qv] = await ef.generateForQueries([q]);
        expect(await ranked(col, q), `${label}: ${q}`).toEqual(await reference(col, qv, 1000));
      }
    };
    await check('memtable + segment');
    const before = await Promise.all(QUERIES.map((q) => ranked(col, q)));
    await db.checkpoint();
    expect(await Promise.all(QUERIES.map((q) => ranked(col, q))), 'after checkpoint').toEqual(before);

    await col.delete({ ids: ['r1', 'r2', 'r200'] });
    await col.upsert({ ids: ['r3', 'r250'], documents: ['alpha alpha alpha beta', 'sigma sigma tau'], embeddings: [data.embeddings[3], data.embeddings[250]] });
    await col.update({ ids: ['r4'], documents: ['pi rho pi'] });
    expect((await col.get({ ids: ['r4'], include: ['metadatas'] })).metadatas[0]!.sparse_embedding).toEqual((await ef.generate(['pi rho pi']))[0]);
    await check('after deletes and upserts');
    const edited = await Promise.all(QUERIES.map((q) => ranked(col, q)));
    await db.checkpoint();
    await col.compact();
    expect(col.stats().segments).toBe(1);
    expect(await Promise.all(QUERIES.map((q) => ranked(col, q))), 'after compaction').toEqual(edited);
    expect(col.stats().components.sparse).toBeGreaterThan(0);
    expect(col.stats().diskComponents.sparse).toBeGreaterThan(0);
    await db.close();

    db = await OmenDB.open(dir);
    col = await db.getCollection('s');
    // A sparse vector query needs no function; a text query names what to pass.
    const [qv] = await ef.generateForQueries(['alpha beta']);
    const bySparse = await col.search(new Search().rank(Knn({ query: qv, key: 'sparse_embedding', limit: 1000 })).limit(1000).select(K.SCORE));
    expect(normalize(bySparse.ids[0], bySparse.scores[0] as number[])).toEqual(edited[0]);
    await expect(ranked(col, 'alpha beta')).rejects.toThrow(EmbeddingFunctionError);
    await expect(col.add({ ids: ['new'], documents: ['alpha'], embeddings: [data.embeddings[0]] })).rejects.toThrow(EmbeddingFunctionError);
    col = await db.getCollection({ name: 's', schema: schemaWith(ef) });
    expect(await Promise.all(QUERIES.map((q) => ranked(col, q))), 'after reopen').toEqual(edited);
    await db.close();
    // getOrCreateCollection with the schema, as Chroma code calls it, binds the function too.
    db = await OmenDB.open(dir);
    col = await db.getOrCreateCollection({ name: 's', schema: schemaWith(ef), embeddingFunction: null });
    expect(await ranked(col, QUERIES[0])).toEqual(edited[0]);
    await db.close();
  });

  it('with bm25: true weighs query dimensions by their idf over the live records, exact after deletes and compaction', async () => {
    const ef = new CountSparse();
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'b', schema: schemaWith(ef, true), embeddingFunction: null });
    const data = corpus(200, 21);
    await col.add({ ids: data.ids.slice(0, 100), documents: data.documents.slice(0, 100), embeddings: data.embeddings.slice(0, 100) });
    await db.checkpoint();
    await col.add({ ids: data.ids.slice(100), documents: data.documents.slice(100), embeddings: data.embeddings.slice(100) });
    const check = async (label: string) => {
      for (const q of QUERIES) {
        const [qv] = await ef.generateForQueries([q]);
        const got = await ranked(col, q);
        const want = await reference(col, qv, 1000, true);
        expect(got.ids, `${label}: ${q}`).toEqual(want.ids);
        got.scores.forEach((s, i) => expect(s, `${label}: ${q} #${i}`).toBeCloseTo(want.scores[i], 4));
      }
    };
    await check('two parts');
    await col.delete({ ids: data.ids.filter((_, i) => i % 3 === 0) });
    await check('after deletes');
    await db.checkpoint();
    await col.compact();
    await check('after compaction');
    await db.close();
  });

  it('works in a collection without dense vectors (dimension 0), with where filters', async () => {
    const ef = new CountSparse();
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'kv', dimension: 0, schema: schemaWith(ef) });
    await col.add({ ids: ['a', 'b', 'c'], documents: ['alpha beta', 'alpha alpha', 'gamma'], metadatas: [{ tag: 1 }, { tag: 2 }, { tag: 1 }] });
    const r = await col.search(new Search().where(K('tag').eq(1)).rank(Knn({ query: 'alpha', key: 'sparse_embedding' })).select(K.SCORE, 'tag'));
    expect(r.ids[0]).toEqual(['a']);
    expect(r.scores[0]).toEqual([-1]);
    const all = await col.search(new Search().rank(Knn({ query: 'alpha', key: 'sparse_embedding' })).select(K.SCORE));
    expect(all.ids[0]).toEqual(['b', 'a']);
    expect(all.scores[0]).toEqual([-2, -1]);
    await db.close();
  });

  it('fuses dense and sparse with Rrf, and takes the payload JSON of the builders', async () => {
    const ef = new CountSparse();
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'h', schema: schemaWith(ef), embeddingFunction: null });
    const data = corpus(120, 5);
    await col.add(data);
    const search = new Search()
      .rank(Rrf({ ranks: [Knn({ query: data.embeddings[7], returnRank: true, limit: 50 }), Knn({ query: 'alpha beta', key: 'sparse_embedding', returnRank: true, limit: 50 })], k: 60 }))
      .limit(10);
    const json = JSON.parse(JSON.stringify(search.toPayload())) as Record<string, unknown>;
    const a = await col.search(search);
    const b = await col.search(json);
    expect(a.ids[0]).toHaveLength(10);
    expect(b.ids).toEqual(a.ids);
    expect(b.scores).toEqual(a.scores);
    await db.close();
  });

  it('raises clear errors for what it does not support and for bad sparse values', async () => {
    const ef = new CountSparse();
    const db = await OmenDB.open(dir);
    const spann = new Schema().createIndex(new SparseVectorIndexConfig({ embeddingFunction: ef as never, sourceKey: K.DOCUMENT }), 'a');
    spann.createIndex(new SparseVectorIndexConfig({ embeddingFunction: ef as never, sourceKey: K.DOCUMENT }), 'b');
    await expect(db.createCollection({ name: 'two', schema: spann })).rejects.toThrow(ValidationError);
    const unsupported: [unknown, RegExp][] = [
      [{ keys: { '#embedding': { floatList: { vectorIndex: { enabled: true, config: { spann: { search_nprobe: 8 } } } } } } }, /SPANN is a Chroma Cloud index/],
      [{ keys: {}, cmek: { gcp: 'k' } }, /customer-managed keys/],
      [{ keys: {}, defaults: { sparseVector: { sparseVectorIndex: { enabled: true, config: {} } } } }, /on every key is not supported/],
      [{ keys: { sv: { sparseVector: { sparseVectorIndex: { enabled: true, config: { sourceKey: 'title' } } } } } }, /embedded from #document only/],
      [{ keys: { sv: { sparseVector: { sparseVectorIndex: { enabled: true, config: { sourceKey: '#document' } } } } } }, /needs an embeddingFunction/],
      [{ keys: { '#document': { sparseVector: { sparseVectorIndex: { enabled: true, config: {} } } } } }, /lives on a metadata key/],
      ['not a schema', /expected chromadb's Schema/],
    ];
    for (const [schema, message] of unsupported) await expect(db.createCollection({ name: 'u', schema }), String(message)).rejects.toThrow(message);
    await expect(db.createCollection({ name: 'u', schema: schemaWith(ef), fullText: false })).rejects.toThrow(/also given outside the schema/);
    const col = await db.createCollection({ name: 'x', schema: schemaWith(ef), embeddingFunction: null });
    await col.add({ ids: ['a'], documents: ['alpha'], embeddings: [[1, 0]] });
    await expect(col.search(new Search().rank(Knn({ query: 'alpha', key: 'other_key' })))).rejects.toThrow(/no sparse-vector index on key "other_key"/);
    await expect(col.search(new Search().rank(Knn({ query: [1, 0], key: 'sparse_embedding' })))).rejects.toThrow(ValidationError);
    await expect(col.add({ ids: ['b'], embeddings: [[0, 1]], metadatas: [{ sparse_embedding: { indices: [3, 1], values: [1, 1] } }] })).rejects.toThrow(/strictly ascending/);
    // A sparse vector given in metadata (no document) is indexed as given.
    await col.add({ ids: ['c'], embeddings: [[0, 1]], metadatas: [{ sparse_embedding: { indices: [1, 4000000000], values: [2, 0.5] } }] });
    const r = await col.search(new Search().rank(Knn({ query: { indices: [4000000000], values: [2] }, key: 'sparse_embedding' })).select(K.SCORE));
    expect(r.ids[0]).toEqual(['c']);
    expect(r.scores[0]).toEqual([-1]);
    await db.close();
  });

  it('a corrupted sparse section raises CorruptionError, in the decoder and on open', async () => {
    const b = new SparsePostingsBuilder();
    const rand = seededRandom(3);
    for (let row = 0; row < 50; row++) b.add(row, { indices: [row % 7, 10 + (row % 3)], values: [rand(), rand()] });
    const bytes = encodeSparsePostings(b.toLayout());
    expect(decodeSparsePostings(bytes, 50, 'f', 0).dims.length).toBe(10);
    const flips = [0, 4, 12, 16, 16 + 4 * 10, 16 + 8 * 10 + 4 + 8];
    for (const at of flips) {
      const bad = bytes.slice();
      bad[at] ^= 0xff;
      expect(() => decodeSparsePostings(bad, 50, 'f', 0), `byte ${at}`).toThrow(CorruptionError);
    }

    const ef = new CountSparse();
    let db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'c', schema: schemaWith(ef), embeddingFunction: null });
    const data = corpus(40, 9);
    await col.add(data);
    await db.checkpoint();
    await db.close();
    const file = findSegment(join(dir, 'collections'));
    const original = new Uint8Array(readFileSync(file));
    const openAndRead = async () => {
      const d = await OmenDB.open(dir);
      try {
        await (await d.getCollection('c')).get({ ids: ['r0'] });
      } finally {
        await d.close();
      }
    };
    // 1. A flipped byte in the sparse section: its crc32 no longer matches.
    const { header, sections } = decodeSegment(original, file);
    const sparse = sections.get(SectionKind.SparsePostings)!;
    const flipped = original.slice();
    flipped[sparse.offset + sparse.bytes.byteLength - 8] ^= 0x01;
    writeFileSync(file, flipped);
    await expect(openAndRead()).rejects.toThrow(CorruptionError);
    // 2. A section with a valid checksum whose rows are out of order: the decoder rejects it at its offset.
    const bad = sparse.bytes.slice();
    const view = new DataView(bad.buffer);
    const dims = view.getUint32(4, true);
    const rowsAt = 16 + 8 * dims + 4;
    view.setUint32(rowsAt, 1_000_000, true);
    const rewritten = encodeSegment(header, [...sections.values()].map((s) => ({ kind: s.kind, bytes: s.kind === SectionKind.SparsePostings ? bad : s.bytes })));
    writeFileSync(file, rewritten);
    const err = await openAndRead().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptionError);
    expect((err as CorruptionError).message).toMatch(/sparse postings: row 1000000 out of range/);
    // 3. The original file opens again.
    writeFileSync(file, original);
    await openAndRead();
    db = undefined as never;
  });
});

function findSegment(root: string): string {
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name === 'segment.bin') return join(entry.parentPath, entry.name);
  }
  throw new Error(`no segment under ${root}`);
}
