/**
 * The query modes beyond `default` (text_search, sparse, hybrid, mmr) on a
 * small real corpus: SciFact abstracts with their BGE vectors, queried with
 * judged test claims (../shared/data, read in place).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OmenDB, ValidationError } from '@omendb/core';
import { BaseEmbedding, Settings, TextNode, VectorStoreIndex, VectorStoreQueryMode, type MetadataFilters, type VectorStoreQuery } from 'llamaindex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScifactSubset, type SubsetClaim, type SubsetDoc } from '../../core/test/helpers/scifact-subset.js';
import { OmenVectorStore, TEXT_SEARCH_MODE } from '../src/index.js';

/** Embeds the claims' texts with their precomputed BGE vectors; any other text is a test bug. */
class LookupEmbedding extends BaseEmbedding {
  constructor(private readonly vectors: Map<string, number[]>) {
    super();
  }

  async getTextEmbedding(text: string): Promise<number[]> {
    const v = this.vectors.get(text);
    if (!v) throw new Error(`no precomputed vector for ${JSON.stringify(text.slice(0, 60))}`);
    return v;
  }
}

const K = 10;
let dir: string;
let db: OmenDB;
let docs: SubsetDoc[];
let claims: SubsetClaim[];
let store: OmenVectorStore;
let plain: OmenVectorStore;
let embedModel: LookupEmbedding;

function query(claim: SubsetClaim, mode: VectorStoreQueryMode, extra: Partial<VectorStoreQuery> = {}): VectorStoreQuery {
  return { queryEmbedding: claim.embedding, queryStr: claim.text, similarityTopK: K, mode, ...extra };
}

async function ids(q: VectorStoreQuery, s = store): Promise<string[]> {
  return (await s.query(q)).ids;
}

function cosine(a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

beforeAll(async () => {
  ({ docs, claims } = loadScifactSubset(30, 300));
  dir = mkdtempSync(join(tmpdir(), 'omendb-llamaindex-modes-'));
  db = await OmenDB.open(dir, { durability: 'none' });
  embedModel = new LookupEmbedding(new Map(claims.map((c) => [c.text, c.embedding])));
  store = new OmenVectorStore({ db, collectionName: 'scifact', metric: 'cosine', fullText: true, embedModel });
  plain = new OmenVectorStore({ db, collectionName: 'plain', metric: 'cosine', embedModel });
  const nodes = docs.map((d, i) => new TextNode({ id_: d.id, text: d.text, embedding: d.embedding, metadata: { half: i % 2, title: d.title } }));
  await store.add(nodes);
  await plain.add(nodes.slice(0, 20));
});

afterAll(async () => {
  await store?.close();
  await plain?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('text_search and sparse (BM25 on queryStr)', () => {
  it('an abstract is found first by its title', async () => {
    const sample = docs.filter((_, i) => i % 17 === 0);
    let first = 0;
    for (const d of sample) {
      const found = await ids({ queryStr: d.title, similarityTopK: K, mode: TEXT_SEARCH_MODE });
      if (found[0] === d.id) first++;
    }
    expect(first).toBeGreaterThanOrEqual(Math.ceil(sample.length * 0.9));
  });

  it("finds a claim's judged abstract by the claim's words, best first, with BM25 scores", async () => {
    let hit = 0;
    for (const claim of claims) {
      const result = await store.query(query(claim, TEXT_SEARCH_MODE));
      expect(result.similarities).toEqual([...result.similarities!].sort((a, b) => b - a));
      expect(result.similarities!.every((s) => s > 0)).toBe(true);
      expect(result.nodes!.map((n) => n.id_)).toEqual(result.ids);
      if (result.ids.some((id) => claim.relevant.includes(id))) hit++;
    }
    // BM25 alone finds a judged abstract in the top 10 for most SciFact claims.
    expect(hit).toBeGreaterThanOrEqual(claims.length / 2);
  });

  it('sparse ranks exactly as text_search, and ignores the embedding', async () => {
    for (const claim of claims.slice(0, 5)) {
      const text = await store.query(query(claim, TEXT_SEARCH_MODE));
      const sparse = await store.query({ queryStr: claim.text, similarityTopK: K, mode: VectorStoreQueryMode.SPARSE });
      expect(sparse.ids).toEqual(text.ids);
      expect(sparse.similarities).toEqual(text.similarities);
    }
  });
});

describe('hybrid (relative-score fusion, alpha = dense weight)', () => {
  it('alpha 1 is the dense order, alpha 0 the text order', async () => {
    for (const claim of claims.slice(0, 10)) {
      const dense = await ids(query(claim, VectorStoreQueryMode.DEFAULT));
      const text = await ids(query(claim, TEXT_SEARCH_MODE));
      expect(await ids(query(claim, VectorStoreQueryMode.HYBRID, { alpha: 1 }))).toEqual(dense);
      expect(await ids(query(claim, VectorStoreQueryMode.HYBRID, { alpha: 0 }))).toEqual(text);
    }
  });

  it('alpha 0.5 mixes both, with fused scores from 0 to 1, best first', async () => {
    let fromBoth = 0;
    for (const claim of claims) {
      const dense = new Set(await ids(query(claim, VectorStoreQueryMode.DEFAULT)));
      const text = new Set(await ids(query(claim, TEXT_SEARCH_MODE)));
      const result = await store.query(query(claim, VectorStoreQueryMode.HYBRID, { alpha: 0.5 }));
      expect(result.ids).toHaveLength(K);
      expect(result.similarities!.every((s) => s >= 0 && s <= 1)).toBe(true);
      expect(result.similarities).toEqual([...result.similarities!].sort((a, b) => b - a));
      if (result.ids.some((id) => dense.has(id) && !text.has(id)) && result.ids.some((id) => text.has(id) && !dense.has(id))) fromBoth++;
    }
    expect(fromBoth).toBeGreaterThan(0);
  });

  it('reads alpha from customParams, as VectorIndexRetriever passes it', async () => {
    const claim = claims[0];
    const dense = await ids(query(claim, VectorStoreQueryMode.DEFAULT));
    expect(await ids(query(claim, VectorStoreQueryMode.HYBRID, { customParams: { alpha: 1 } }))).toEqual(dense);
  });

  it('works through VectorStoreIndex.asRetriever with the query text', async () => {
    const claim = claims[1];
    // Scoped, so no global embed model outlives this test (the fast tier shares modules across files).
    const nodes = await Settings.withEmbedModel(embedModel, async () => {
      const index = await VectorStoreIndex.fromVectorStore(store);
      const retriever = index.asRetriever({ mode: VectorStoreQueryMode.HYBRID, similarityTopK: K, customParams: { alpha: 0.5 } });
      return retriever.retrieve({ query: claim.text });
    });
    const direct = await store.query(query(claim, VectorStoreQueryMode.HYBRID, { alpha: 0.5 }));
    expect(nodes.map((n) => n.node.id_)).toEqual(direct.ids);
    expect(nodes.map((n) => n.score)).toEqual(direct.similarities);
  });
});

describe('mmr (maximal marginal relevance, λ = mmrThreshold)', () => {
  it('λ = 1 is the dense order', async () => {
    for (const claim of claims.slice(0, 10)) {
      const dense = await ids(query(claim, VectorStoreQueryMode.DEFAULT));
      expect(await ids(query(claim, VectorStoreQueryMode.MMR, { mmrThreshold: 1 }))).toEqual(dense);
    }
  });

  it('returns fewer near-duplicates than the dense order', async () => {
    const dupDir = mkdtempSync(join(tmpdir(), 'omendb-llamaindex-mmr-'));
    const dupDb = await OmenDB.open(dupDir, { durability: 'none' });
    const s = new OmenVectorStore({ db: dupDb, collectionName: 'dups', metric: 'cosine', embedModel });
    try {
      // Each of a claim's 5 nearest abstracts gets two near-copies (the vector nudged by a seeded, tiny step).
      const claim = claims[2];
      const nearest = (await store.query(query(claim, VectorStoreQueryMode.DEFAULT, { similarityTopK: 5 }))).ids;
      const byId = new Map(docs.map((d) => [d.id, d]));
      const nodes = docs.map((d) => new TextNode({ id_: d.id, text: d.text, embedding: d.embedding }));
      for (const id of nearest) {
        for (const copy of [1, 2]) {
          const v = byId.get(id)!.embedding.map((x, i) => x + 1e-3 * Math.sin(i * copy));
          nodes.push(new TextNode({ id_: `${id}-copy${copy}`, text: byId.get(id)!.text, embedding: v }));
        }
      }
      await s.add(nodes);
      const vectors = new Map(nodes.map((n) => [n.id_, n.embedding!]));
      const nearDuplicatePairs = (found: string[]) => {
        let pairs = 0;
        for (let i = 0; i < found.length; i++) for (let j = i + 1; j < found.length; j++) if (cosine(vectors.get(found[i])!, vectors.get(found[j])!) > 0.99) pairs++;
        return pairs;
      };
      const dense = await ids(query(claim, VectorStoreQueryMode.DEFAULT), s);
      const mmr = await ids(query(claim, VectorStoreQueryMode.MMR, { mmrThreshold: 0.5 }), s);
      expect(nearDuplicatePairs(dense)).toBeGreaterThanOrEqual(5);
      expect(nearDuplicatePairs(mmr)).toBe(0);
      expect(mmr[0]).toBe(dense[0]);
    } finally {
      await s.close();
      await dupDb.close();
      rmSync(dupDir, { recursive: true, force: true });
    }
  });
});

describe('filters in every mode', () => {
  const exact: MetadataFilters = { filters: [{ key: 'half', operator: '==', value: 0 }] };
  // `!=` is finished in JS after core's search (a superset), so the over-fetch path is covered too.
  const superset: MetadataFilters = { filters: [{ key: 'half', operator: '!=', value: 0 }] };
  const halfOf = new Map<string, number>();
  beforeAll(() => docs.forEach((d, i) => halfOf.set(d.id, i % 2)));

  for (const mode of [VectorStoreQueryMode.DEFAULT, TEXT_SEARCH_MODE, VectorStoreQueryMode.SPARSE, VectorStoreQueryMode.HYBRID, VectorStoreQueryMode.MMR]) {
    it(`${mode}: every result passes, k results come back`, async () => {
      for (const [filters, half] of [[exact, 0], [superset, 1]] as const) {
        for (const claim of claims.slice(0, 5)) {
          const found = await ids(query(claim, mode, { filters }));
          expect(found.length).toBeGreaterThan(0);
          expect(found.every((id) => halfOf.get(id) === half)).toBe(true);
          if (mode !== TEXT_SEARCH_MODE && mode !== VectorStoreQueryMode.SPARSE) expect(found).toHaveLength(K);
        }
      }
    });
  }

  it('text_search with a filter is the unfiltered BM25 order restricted to the matches', async () => {
    const claim = claims[3];
    const all = await ids(query(claim, TEXT_SEARCH_MODE, { similarityTopK: 1000 }));
    const filtered = await ids(query(claim, TEXT_SEARCH_MODE, { filters: superset }));
    expect(filtered).toEqual(all.filter((id) => halfOf.get(id) === 1).slice(0, K));
  });
});

describe('errors', () => {
  it('text modes on a collection without the full-text index name the option to set', async () => {
    const claim = claims[0];
    for (const q of [query(claim, TEXT_SEARCH_MODE), query(claim, VectorStoreQueryMode.SPARSE), query(claim, VectorStoreQueryMode.HYBRID, { alpha: 0.5 })]) {
      const err = await plain.query(q).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).message).toMatch(/fullText: true/);
      expect((err as ValidationError).issues[0].code).toBe('no_full_text_index');
    }
    // Dense-only hybrid needs no text index.
    expect(await ids(query(claim, VectorStoreQueryMode.HYBRID, { alpha: 1 }), plain)).toHaveLength(K);
  });

  it('every mode on an empty collection returns nothing', async () => {
    const empty = new OmenVectorStore({ db, collectionName: 'empty', fullText: true, embedModel });
    try {
      for (const mode of [VectorStoreQueryMode.DEFAULT, TEXT_SEARCH_MODE, VectorStoreQueryMode.SPARSE, VectorStoreQueryMode.HYBRID, VectorStoreQueryMode.MMR]) {
        expect(await empty.query(query(claims[0], mode))).toEqual({ ids: [], similarities: [], nodes: [] });
      }
    } finally {
      await empty.close();
    }
  });

  it('missing or bad mode parameters are ValidationErrors', async () => {
    const claim = claims[0];
    await expect(store.query({ ...query(claim, TEXT_SEARCH_MODE), queryStr: undefined })).rejects.toThrow(/queryStr/);
    await expect(store.query({ ...query(claim, VectorStoreQueryMode.HYBRID), queryStr: '  ' })).rejects.toThrow(ValidationError);
    await expect(store.query({ ...query(claim, VectorStoreQueryMode.MMR), queryEmbedding: undefined })).rejects.toThrow(/queryEmbedding/);
    await expect(store.query(query(claim, VectorStoreQueryMode.HYBRID, { alpha: 1.5 }))).rejects.toThrow(/alpha/);
    await expect(store.query(query(claim, VectorStoreQueryMode.HYBRID, { customParams: { alpha: -1 } }))).rejects.toThrow(/alpha/);
    await expect(store.query(query(claim, VectorStoreQueryMode.MMR, { mmrThreshold: 2 }))).rejects.toThrow(/mmrThreshold/);
    await expect(store.query(query(claim, VectorStoreQueryMode.SEMANTIC_HYBRID))).rejects.toThrow(/mode/);
  });
});
