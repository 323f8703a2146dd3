/**
 * Search results: scores are distances (lower is closer) under each metric,
 * ordered ascending; MMR trades relevance for diversity; dimension errors are
 * ValidationErrors.
 */
import { Document } from '@langchain/core/documents';
import { DimensionMismatchError, ValidationError, type Metric } from '@omendb/core';
import { describe, expect, it } from 'vitest';
import { TableEmbeddings } from './fake-embeddings.js';
import { storeFixture } from './fixture.js';

const t = storeFixture();
const docs = (...names: string[]) => names.map((name) => new Document({ pageContent: name, metadata: { name } }));

describe('scores', () => {
  const cases: [Metric, number[][], number[], number[]][] = [
    // metric, stored vectors, query, expected distances per stored vector
    ['l2', [[0, 0], [3, 4], [1, 1]], [0, 0], [0, 25, 2]],
    ['cosine', [[1, 0], [1, 1], [0, 1], [-1, 0]], [1, 0], [0, 1 - Math.SQRT1_2, 1, 2]],
    ['ip', [[1, 0], [0.5, 0], [2, 0]], [1, 0], [0, 0.5, -1]],
  ];
  for (const [metric, vectors, query, distances] of cases) {
    it(`${metric}: Chroma's distance, ascending`, async () => {
      const store = t.store({ metric });
      const names = vectors.map((_, i) => `v${i}`);
      await store.addVectors(vectors, docs(...names), { ids: names });
      const results = await store.similaritySearchVectorWithScore(query, vectors.length);
      const expected = names.map((name, i) => [name, distances[i]] as const).sort((x, y) => x[1] - y[1]);
      expect(results.map(([doc]) => doc.id)).toEqual(expected.map(([name]) => name));
      results.forEach(([, score], i) => expect(score).toBeCloseTo(expected[i][1], 5));
      for (let i = 1; i < results.length; i++) expect(results[i][1]).toBeGreaterThanOrEqual(results[i - 1][1]);
    });
  }

  it('collectionMetadata { "hnsw:space": "ip" } sets the metric as `metric` does', async () => {
    const store = t.store({ collectionMetadata: { 'hnsw:space': 'ip' } });
    await store.addVectors([[2, 0]], docs('x'));
    expect((await store.similaritySearchVectorWithScore([1, 0], 1))[0][1]).toBeCloseTo(-1, 6);
  });

  it('similaritySearchWithScore embeds the query and returns distances', async () => {
    const store = t.store({}, new TableEmbeddings({ near: [1, 0], far: [0, 5], q: [1, 0] }));
    await store.addDocuments(docs('near', 'far'));
    const results = await store.similaritySearchWithScore('q', 2);
    expect(results.map(([d, s]) => [d.pageContent, s])).toEqual([
      ['near', 0],
      ['far', 26],
    ]);
  });

  it('k beyond the record count returns every record', async () => {
    const store = t.store();
    await store.addVectors([[1, 0], [0, 1]], docs('a', 'b'));
    expect(await store.similaritySearchVectorWithScore([1, 0], 50)).toHaveLength(2);
  });
});

describe('dimensions', () => {
  it('a query embedding of the wrong dimension is a ValidationError (DimensionMismatchError)', async () => {
    const store = t.store();
    await store.addVectors([[1, 0, 0]], docs('a'));
    const search = store.similaritySearchVectorWithScore([1, 0], 1);
    await expect(search).rejects.toBeInstanceOf(ValidationError);
    await expect(search).rejects.toBeInstanceOf(DimensionMismatchError);
  });

  it('adding a vector of the wrong dimension is rejected and writes nothing', async () => {
    const store = t.store();
    await store.addVectors([[1, 0, 0]], docs('a'), { ids: ['a'] });
    await expect(store.addVectors([[1, 0, 0], [1, 0]], docs('b', 'c'), { ids: ['b', 'c'] })).rejects.toBeInstanceOf(DimensionMismatchError);
    expect((await store.getByIds(['a', 'b', 'c'])).map((d) => d.id)).toEqual(['a']);
  });

  it('an embeddings model that changes dimension is caught at add time', async () => {
    const store = t.store({}, new TableEmbeddings({ small: [1, 0], large: [1, 0, 0] }));
    await store.addDocuments(docs('small'));
    await expect(store.addDocuments(docs('large'))).rejects.toBeInstanceOf(DimensionMismatchError);
  });

  it('vectors and documents of different lengths are a ValidationError', async () => {
    await expect(t.store().addVectors([[1, 0]], docs('a', 'b'))).rejects.toBeInstanceOf(ValidationError);
  });

  it('options.ids of the wrong length are a ValidationError, raised before embedding', async () => {
    const embeddings = new TableEmbeddings({});
    await expect(t.store({}, embeddings).addDocuments(docs('a', 'b'), { ids: ['only-one'] })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('maximal marginal relevance', () => {
  // a and a2 are near-duplicates closest to the query; b is a little farther but different.
  const table = {
    query: [1, 0, 0],
    a: [1, 0.05, 0],
    a2: [1, 0.06, 0],
    b: [0.8, 0, 0.6],
    far: [0, 1, 0],
  };

  async function store() {
    const s = t.store({ metric: 'cosine' }, new TableEmbeddings(table));
    await s.addDocuments(docs('a', 'a2', 'b', 'far'), { ids: ['a', 'a2', 'b', 'far'] });
    return s;
  }

  it('similarity search returns the two near-duplicates first', async () => {
    expect((await (await store()).similaritySearch('query', 2)).map((d) => d.id)).toEqual(['a', 'a2']);
  });

  it('MMR keeps the best match, then prefers the diverse document over the duplicate', async () => {
    const result = await (await store()).maxMarginalRelevanceSearch('query', { k: 2, fetchK: 4, lambda: 0.5 }, undefined);
    expect(result.map((d) => d.id)).toEqual(['a', 'b']);
    expect(result[1]).toEqual(new Document({ pageContent: 'b', metadata: { name: 'b' }, id: 'b' }));
  });

  it('MMR with lambda = 1 is pure relevance', async () => {
    const result = await (await store()).maxMarginalRelevanceSearch('query', { k: 3, fetchK: 4, lambda: 1 }, undefined);
    expect(result.map((d) => d.id)).toEqual(['a', 'a2', 'b']);
  });

  it('MMR applies the filter before choosing', async () => {
    const s = await store();
    const result = await s.maxMarginalRelevanceSearch('query', { k: 2, fetchK: 4, filter: { name: { $in: ['a2', 'far'] } } }, undefined);
    expect(result.map((d) => d.id)).toEqual(['a2', 'far']);
  });

  it('MMR only picks among the fetchK nearest', async () => {
    const result = await (await store()).maxMarginalRelevanceSearch('query', { k: 2, fetchK: 2, lambda: 0 }, undefined);
    expect(result.map((d) => d.id).sort()).toEqual(['a', 'a2']);
  });

  it('MMR on an empty store returns nothing', async () => {
    const s = t.store({}, new TableEmbeddings(table));
    expect(await s.maxMarginalRelevanceSearch('query', { k: 2 }, undefined)).toEqual([]);
  });

  it('a lambda outside [0, 1] is a ValidationError', async () => {
    await expect((await store()).maxMarginalRelevanceSearch('query', { k: 2, lambda: 1.5 }, undefined)).rejects.toBeInstanceOf(ValidationError);
  });
});
