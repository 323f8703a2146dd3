import { InvalidNamespaceError, type BaseStore, type Item, type Operation, type SearchItem } from '@langchain/langgraph-checkpoint';
import { afterEach, describe, expect, it } from 'vitest';
import { both, storePair, summary, type Pair } from './fixture.js';
import { WordEmbeddings } from './word-embeddings.js';

// The behaviour of LangGraph's InMemoryStore (its store tests: get, put,
// delete, search with filters and paging, namespaces, invalid namespaces,
// vector search with fields and index: false), checked on OmenStore with
// InMemoryStore run beside it as the reference.

let pair: Pair;
afterEach(async () => pair?.close());

/** Runs `read` on both stores after the same `write`, and expects equal answers. */
async function sameAnswer<T>(write: (s: BaseStore) => Promise<void>, read: (s: BaseStore) => Promise<T>): Promise<T> {
  await both(pair, write);
  const expected = await read(pair.memory);
  const actual = await read(pair.omen);
  expect(actual).toEqual(expected);
  return actual;
}

describe('items', () => {
  it('gets, puts, updates and deletes items as InMemoryStore does', async () => {
    pair = await storePair();
    for (const store of [pair.memory, pair.omen]) {
      await store.put(['test'], '123', { value: 1 });
      const item = await store.get(['test'], '123');
      expect(item).toEqual({ value: { value: 1 }, key: '123', namespace: ['test'], createdAt: expect.any(Date), updatedAt: expect.any(Date) });
      await store.put(['test'], '123', { value: 2, nested: { list: [1, 'a', null] } });
      expect((await store.get(['test'], '123'))?.value).toEqual({ value: 2, nested: { list: [1, 'a', null] } });
      await store.delete(['test'], '123');
      expect(await store.get(['test'], '123')).toBeNull();
      expect(await store.get(['missing'], 'x')).toBeNull();
    }
  });

  it('keeps createdAt across updates while updatedAt moves', async () => {
    pair = await storePair();
    for (const store of [pair.memory, pair.omen]) {
      await store.put(['u'], 'k', { v: 1 });
      // Times copied out: InMemoryStore hands back its live item, which the update mutates.
      const first = (await store.get(['u'], 'k'))!;
      const [created, updated] = [first.createdAt.getTime(), first.updatedAt.getTime()];
      await new Promise((r) => setTimeout(r, 5));
      await store.put(['u'], 'k', { v: 2 });
      const second = (await store.get(['u'], 'k'))!;
      expect(second.createdAt.getTime()).toBe(created);
      expect(second.updatedAt.getTime()).toBeGreaterThan(updated);
    }
  });

  it('keeps one createdAt under concurrent puts of one key (OmenStore), and the last put wins', async () => {
    pair = await storePair();
    await pair.omen.put(['c'], 'k', { n: -1 });
    const created = (await pair.omen.get(['c'], 'k'))!.createdAt.getTime();
    await Promise.all(Array.from({ length: 20 }, (_, n) => pair.omen.put(['c'], 'k', { n })));
    const item = (await pair.omen.get(['c'], 'k'))!;
    expect(item.createdAt.getTime()).toBe(created);
    expect(item.value).toEqual({ n: 19 });
    expect(await pair.omen.search(['c'])).toHaveLength(1);
  });

  it('blocks invalid namespaces in put, but not in batch', async () => {
    pair = await storePair();
    const doc = { foo: 'bar' };
    for (const store of [pair.memory, pair.omen] as BaseStore[]) {
      await expect(store.put([], 'foo', doc)).rejects.toThrow(InvalidNamespaceError);
      await expect(store.put(['the', 'thing.about'], 'foo', doc)).rejects.toThrow(InvalidNamespaceError);
      await expect(store.put(['some', 'fun', ''], 'foo', doc)).rejects.toThrow(InvalidNamespaceError);
      await expect(store.put(['langgraph', 'foo'], 'bar', doc)).rejects.toThrow(InvalidNamespaceError);
      await store.put(['foo', 'langgraph', 'foo'], 'bar', doc);
      expect((await store.get(['foo', 'langgraph', 'foo'], 'bar'))?.value).toEqual(doc);
      expect((await store.search(['foo', 'langgraph', 'foo']))[0].value).toEqual(doc);
      await store.batch([{ namespace: ['langgraph', 'foo'], key: 'bar', value: doc }]);
      expect((await store.search(['langgraph', 'foo']))[0].value).toEqual(doc);
      await store.delete(['langgraph', 'foo'], 'bar');
      expect(await store.get(['langgraph', 'foo'], 'bar')).toBeNull();
    }
  });

  it('answers the reads of a batch from the state before its puts; the last put of a key wins', async () => {
    pair = await storePair();
    for (const store of [pair.memory, pair.omen] as BaseStore[]) {
      await store.put(['b'], 'k', { v: 0 });
      const ops: Operation[] = [
        { namespace: ['b'], key: 'k' },
        { namespace: ['b'], key: 'k', value: { v: 1 } },
        { namespace: ['b'], key: 'k', value: { v: 2 } },
        { namespacePrefix: ['a'], limit: 10, offset: 0 },
      ];
      const [got, , , search] = (await store.batch(ops)) as unknown as [Item | null, void, void, SearchItem[]];
      // (InMemoryStore's `got` is its live item, updated in place by the puts; OmenStore's is a snapshot.)
      if (store === pair.omen) expect(got?.value).toEqual({ v: 0 });
      expect(search).toEqual([]);
      expect((await store.get(['b'], 'k'))?.value).toEqual({ v: 2 });
    }
  });
});

describe('search without a query', () => {
  // Written namespace by namespace: InMemoryStore lists by namespace, then insertion; OmenStore in write order.
  const fill = async (s: BaseStore) => {
    for (const parity of [0, 1]) {
      for (let i = parity; i < 12; i += 2) await s.put(['docs', parity === 0 ? 'even' : 'odd'], `d${i}`, { n: i, tag: i % 3 === 0 ? 'three' : 'other', text: `document ${i}` });
    }
    await s.put(['other'], 'x', { n: 100, tag: 'three' });
  };

  it('selects by namespace prefix and pages with limit and offset', async () => {
    pair = await storePair();
    await both(pair, fill);
    for (const [prefix, options] of [
      [['docs'], {}],
      [['docs', 'odd'], {}],
      [['docs'], { limit: 3 }],
      [['docs'], { limit: 4, offset: 5 }],
      [['docs'], { offset: 11 }],
      [[], { limit: 20 }],
      [['nothing'], {}],
    ] as const) {
      const expected = summary(await pair.memory.search([...prefix], options));
      expect(summary(await pair.omen.search([...prefix], options)), JSON.stringify([prefix, options])).toEqual(expected);
    }
  });

  it('filters with plain equality and $eq $ne $gt $gte $lt $lte $in $nin, also combined', async () => {
    pair = await storePair();
    await both(pair, fill);
    const filters: Record<string, unknown>[] = [
      { tag: 'three' },
      { n: 4 },
      { n: { $eq: 4 } },
      { tag: { $ne: 'three' } },
      { n: { $gt: 5 } },
      { n: { $gte: 5, $lt: 8 } },
      { n: { $lte: 2 } },
      { n: { $in: [1, 3, 5] } },
      { n: { $nin: [1, 3, 5] } },
      { tag: 'three', n: { $gt: 2 } },
      { missing: { $ne: 'x' } },
      { tag: 'none' },
    ];
    for (const filter of filters) {
      const expected = summary(await pair.memory.search([], { filter, limit: 50 }));
      expect(summary(await pair.omen.search([], { filter, limit: 50 })), JSON.stringify(filter)).toEqual(expected);
    }
    const paged = { filter: { tag: 'other' }, limit: 3, offset: 2 };
    expect(summary(await pair.omen.search(['docs'], paged))).toEqual(summary(await pair.memory.search(['docs'], paged)));
  });

  it('matches whole namespace labels: prefix ["doc"] does not select ["docs", …]', async () => {
    pair = await storePair();
    await fill(pair.omen);
    expect(await pair.omen.search(['doc'])).toEqual([]);
    expect(await pair.omen.search(['docs', 'ev'])).toEqual([]);
  });
});

describe('listNamespaces', () => {
  const fill = async (s: BaseStore) => {
    await s.put(['a', 'b', 'c'], '1', { value: 1 });
    await s.put(['a', 'b', 'd'], '2', { value: 2 });
    await s.put(['a', 'c', 'e'], '3', { value: 3 });
    await s.put(['x', 'y', 'z'], '4', { value: 4 });
    await s.put(['x', 'y', 'z'], '5', { value: 5 });
  };

  it('lists with prefix, suffix, wildcards, maxDepth, limit and offset', async () => {
    pair = await storePair();
    await both(pair, fill);
    for (const options of [
      {},
      { prefix: ['a'] },
      { suffix: ['d'] },
      { prefix: ['a', '*', 'c'] },
      { suffix: ['*', 'z'] },
      { maxDepth: 2 },
      { maxDepth: 1 },
      { limit: 2, offset: 1 },
      { prefix: ['a'], suffix: ['c'], maxDepth: 2 },
      { prefix: ['non', 'existent'] },
    ]) {
      expect(await pair.omen.listNamespaces(options), JSON.stringify(options)).toEqual(await pair.memory.listNamespaces(options));
    }
  });

  it('drops a namespace once its last item is deleted, and lists it again after a new put', async () => {
    pair = await storePair();
    await fill(pair.omen);
    await pair.omen.delete(['a', 'c', 'e'], '3');
    expect(await pair.omen.listNamespaces({ prefix: ['a'] })).toEqual([['a', 'b', 'c'], ['a', 'b', 'd']]);
    await pair.omen.put(['a', 'c', 'e'], '9', { value: 9 });
    expect(await pair.omen.listNamespaces({ prefix: ['a', 'c'] })).toEqual([['a', 'c', 'e']]);
  });
});

describe('semantic search', () => {
  const memories = [
    { key: 'm1', value: { text: 'the user likes green tea in the morning', tags: ['drink', 'tea'], meta: { topic: 'food' }, n: 1 } },
    { key: 'm2', value: { text: 'the user plays chess on weekends', tags: ['game', 'chess board'], meta: { topic: 'hobby' }, n: 2 } },
    { key: 'm3', value: { text: 'the user is allergic to peanuts', tags: ['health'], meta: { topic: 'food' }, n: 3 } },
    { key: 'm4', value: { text: 'the user lives in Lisbon near the sea', tags: ['home', 'sea view'], meta: { topic: 'place' }, n: 4 } },
    { key: 'm5', value: { text: 'the user drinks black coffee at work', tags: ['drink', 'coffee'], meta: { topic: 'food' }, n: 5 } },
  ];
  const fill = async (s: BaseStore) => {
    for (const m of memories) await s.put(['user', 'alice'], m.key, m.value);
    await s.put(['user', 'bob'], 'b1', { text: 'bob likes green tea too', tags: ['tea'], meta: { topic: 'food' }, n: 6 });
  };

  for (const fields of [undefined, ['text'], ['meta.topic'], ['tags[*]'], ['tags[-1]'], ['tags[0]', 'text'], ['{text,meta.topic}']]) {
    it(`ranks and scores as InMemoryStore with fields ${JSON.stringify(fields ?? ['$'])}`, async () => {
      pair = await storePair({ embeddings: new WordEmbeddings(), dims: 64, fields });
      await both(pair, fill);
      for (const [prefix, options] of [
        [['user'], { query: 'green tea drink' }],
        [['user', 'alice'], { query: 'chess game', limit: 3 }],
        [['user'], { query: 'coffee drink', limit: 2, offset: 1 }],
        [['user'], { query: 'food sea', filter: { n: { $gte: 3 } } }],
      ] as const) {
        const expected = summary(await pair.memory.search([...prefix], options));
        const actual = summary(await pair.omen.search([...prefix], options));
        expect(actual.map((a) => a.at), JSON.stringify(options)).toEqual(expected.map((e) => e.at));
        actual.forEach((a, i) => expect(a.score, `${a.at} ${JSON.stringify(options)}`).toBeCloseTo(expected[i].score ?? NaN, 4));
      }
    });
  }

  it('returns an item once, with the best score of its several vectors', async () => {
    pair = await storePair({ embeddings: new WordEmbeddings(), dims: 64, fields: ['tags[*]'] });
    await both(pair, fill);
    const [omen, memory] = [await pair.omen.search(['user'], { query: 'tea', limit: 10 }), await pair.memory.search(['user'], { query: 'tea', limit: 10 })];
    expect(new Set(omen.map((i) => i.key)).size).toBe(omen.length);
    expect(summary(omen).map((i) => i.at)).toEqual(summary(memory).map((i) => i.at));
  });

  it('stores index: false items without vectors: found by get and listed unscored after scored ones', async () => {
    pair = await storePair({ embeddings: new WordEmbeddings(), dims: 64, fields: ['text'] });
    const write = async (s: BaseStore) => {
      await s.put(['n'], 'vec', { text: 'apples and pears' });
      await s.put(['n'], 'plain', { text: 'apples and pears exactly' }, false);
    };
    const res = await sameAnswer(write, async (s) => summary(await s.search(['n'], { query: 'apples and pears' })));
    expect(res.map((r) => [r.at, r.score === undefined])).toEqual([['n/vec', false], ['n/plain', true]]);
    // A later indexed put into the namespace, from a new store, keeps the namespace marked as holding unscored items.
    await pair.omen.stop();
    const { OmenStore } = await import('../src/index.js');
    pair.omen = new OmenStore({ path: pair.dir, index: { embeddings: new WordEmbeddings(), dims: 64, fields: ['text'] } });
    await pair.omen.put(['n'], 'more', { text: 'plums' });
    expect(summary(await pair.omen.search(['n'], { query: 'apples and pears' })).map((r) => r.at)).toEqual(['n/vec', 'n/more', 'n/plain']);
  });

  it('embeds the paths given by a put’s index over the config’s fields, and re-embeds on update', async () => {
    pair = await storePair({ embeddings: new WordEmbeddings(), dims: 64, fields: ['text'] });
    await sameAnswer(
      async (s) => {
        await s.put(['o'], 'a', { text: 'red car', other: 'blue boat' }, ['other']);
        await s.put(['o'], 'b', { text: 'blue boat', other: 'red car' });
        await s.put(['o'], 'c', { text: 'green bike' });
        await s.put(['o'], 'c', { text: 'blue boat and more' });
      },
      async (s) => summary(await s.search(['o'], { query: 'blue boat' })),
    );
  });

  it('survives a restart: items, timestamps, vectors and namespaces read back the same', async () => {
    const embeddings = new WordEmbeddings();
    pair = await storePair({ embeddings, dims: 64, fields: ['text'] });
    await fill(pair.omen);
    const before = { search: summary(await pair.omen.search(['user'], { query: 'green tea' })), item: await pair.omen.get(['user', 'alice'], 'm1'), ns: await pair.omen.listNamespaces() };
    await pair.omen.stop();
    const { OmenStore } = await import('../src/index.js');
    pair.omen = new OmenStore({ path: pair.dir, index: { embeddings, dims: 64, fields: ['text'] } });
    const after = { search: summary(await pair.omen.search(['user'], { query: 'green tea' })), item: await pair.omen.get(['user', 'alice'], 'm1'), ns: await pair.omen.listNamespaces() };
    expect(after).toEqual(before);
  });
});
