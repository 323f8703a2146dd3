/**
 * Chroma `where` filters through the store: each operator in search, the
 * store's default filter ANDed with a call's, and the retriever's filter.
 */
import { Document } from '@langchain/core/documents';
import { ValidationError, type Where } from '@omendb/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OmenVectorStore } from '../src/index.js';
import { storeFixture } from './fixture.js';

const t = storeFixture();

const MOVIES: Record<string, Record<string, unknown>> = {
  a: { genre: 'scifi', year: 1979, rating: 8.5, tags: ['space', 'alien'], loc: { lines: { from: 1, to: 9 } } },
  b: { genre: 'drama', year: 1994, rating: 9.3, tags: ['prison'], loc: { lines: { from: 10, to: 20 } } },
  c: { genre: 'scifi', year: 2014, rating: 8.7, tags: ['space', 'time'], loc: { lines: { from: 21, to: 30 } } },
  d: { genre: 'comedy', year: 1994, rating: 7.0 },
};

async function fill(store: OmenVectorStore): Promise<void> {
  const ids = Object.keys(MOVIES);
  await store.addDocuments(
    ids.map((id) => new Document({ pageContent: `movie ${id}`, metadata: MOVIES[id] })),
    { ids },
  );
}

/** Ids of every match, sorted: k exceeds the record count, so the filter alone decides. */
async function matching(store: OmenVectorStore, filter: Where): Promise<string[]> {
  return (await store.similaritySearch('movie a', 10, filter)).map((d) => d.id!).sort();
}

describe('filters', () => {
  let store: OmenVectorStore;
  beforeEach(async () => {
    store = t.store();
    await fill(store);
  });

  const cases: [string, Where, string[]][] = [
    ['$eq', { genre: { $eq: 'scifi' } }, ['a', 'c']],
    ['shorthand equality', { genre: 'scifi' }, ['a', 'c']],
    ['$ne', { genre: { $ne: 'scifi' } }, ['b', 'd']],
    ['$gt', { year: { $gt: 1994 } }, ['c']],
    ['$gte', { year: { $gte: 1994 } }, ['b', 'c', 'd']],
    ['$lt', { year: { $lt: 1994 } }, ['a']],
    ['$lte', { year: { $lte: 1994 } }, ['a', 'b', 'd']],
    ['$in', { genre: { $in: ['drama', 'comedy'] } }, ['b', 'd']],
    ['$nin', { genre: { $nin: ['drama', 'comedy'] } }, ['a', 'c']],
    ['$and', { $and: [{ genre: 'scifi' }, { year: { $gt: 2000 } }] }, ['c']],
    ['$or', { $or: [{ genre: 'drama' }, { rating: { $gte: 8.7 } }] }, ['b', 'c']],
    ['$contains on an array field', { tags: { $contains: 'space' } }, ['a', 'c']],
    ['$not_contains (a missing field matches)', { tags: { $not_contains: 'space' } }, ['b', 'd']],
    ['a dotted key into nested metadata', { 'loc.lines.from': { $gte: 10 } }, ['b', 'c']],
    ['several keys are ANDed', { genre: 'scifi', year: 2014 }, ['c']],
  ];
  for (const [name, filter, expected] of cases) {
    it(`${name}: ${JSON.stringify(filter)}`, async () => {
      expect(await matching(store, filter)).toEqual(expected);
    });
  }

  it('similaritySearchWithScore and similaritySearchVectorWithScore filter too', async () => {
    const withScore = await store.similaritySearchWithScore('movie a', 10, { genre: 'drama' });
    expect(withScore.map(([d]) => d.id)).toEqual(['b']);
    const byVector = await store.similaritySearchVectorWithScore(await store.embeddings.embedQuery('movie a'), 10, { genre: 'comedy' });
    expect(byVector.map(([d]) => d.id)).toEqual(['d']);
  });

  it('an empty filter filters nothing', async () => {
    expect(await matching(store, {})).toEqual(['a', 'b', 'c', 'd']);
  });

  it('an invalid filter is a ValidationError', async () => {
    await expect(store.similaritySearch('movie a', 2, { year: { $like: 1994 } } as unknown as Where)).rejects.toBeInstanceOf(ValidationError);
  });

  it("the store's default filter is ANDed with each call's filter", async () => {
    const scifi = t.store({ filter: { genre: 'scifi' } });
    await fill(scifi);
    expect(await matching(scifi, {})).toEqual(['a', 'c']);
    expect(await matching(scifi, { year: { $lt: 2000 } })).toEqual(['a']);
    expect(await matching(scifi, { genre: 'drama' })).toEqual([]);
  });

  it('a retriever passes its filter to the search', async () => {
    const retriever = store.asRetriever({ k: 10, filter: { genre: 'drama' } });
    expect((await retriever.invoke('movie a')).map((d) => d.id)).toEqual(['b']);
    const positional = store.asRetriever(10, { year: 1994 });
    expect((await positional.invoke('movie a')).map((d) => d.id).sort()).toEqual(['b', 'd']);
  });

  it('an MMR retriever passes its filter to the search', async () => {
    const retriever = store.asRetriever({ k: 2, filter: { genre: 'scifi' }, searchType: 'mmr', searchKwargs: { fetchK: 10, lambda: 0.5 } });
    expect((await retriever.invoke('movie a')).map((d) => d.id).sort()).toEqual(['a', 'c']);
  });

  it('delete by filter removes exactly the matching records', async () => {
    await store.delete({ filter: { year: 1994 } });
    expect(await matching(store, {})).toEqual(['a', 'c']);
  });
});
