import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OmenDB } from '@omendb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { OmenStore } from '../src/index.js';
import { storePair, summary } from './fixture.js';
import { WordEmbeddings } from './word-embeddings.js';

// Two stores on one database in one process, namespaces from core's
// distinct values, and databases written by the earlier layout (a
// `<name>-namespaces` side collection).

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const index = () => ({ embeddings: new WordEmbeddings(), dims: 64, fields: ['text', 'more'] });

describe('two OmenStores on one database', () => {
  it('race on the same keys without losing createdAt or leaving stale vectors', async () => {
    dir = mkdtempSync(join(tmpdir(), 'omendb-langgraph-shared-'));
    const [a, b] = [new OmenStore({ path: dir, index: index() }), new OmenStore({ path: dir, index: index() })];
    const keys = ['k0', 'k1', 'k2'];
    for (const key of keys) await a.put(['race'], key, { text: 'first' });
    const created = new Map<string, number>();
    for (const key of keys) created.set(key, (await b.get(['race'], key))!.createdAt.getTime());
    // Puts alternate between the stores and between one and two indexed fields (the last has one): a put that
    // read the vector count before an earlier put of two vectors landed would leave that put's second vector.
    const puts: Promise<void>[] = [];
    for (let n = 0; n < 30; n++) {
      const store = n % 2 === 0 ? a : b;
      const value = n % 3 === 2 ? { text: `version ${n}` } : { text: `version ${n}`, more: `extra ${n}` };
      for (const key of keys) puts.push(store.put(['race'], key, value));
    }
    await Promise.all(puts);
    for (const key of keys) {
      const item = (await a.get(['race'], key))!;
      expect(item.createdAt.getTime(), key).toBe(created.get(key));
      expect(item.value.text, key).toBe('version 29');
    }
    await a.stop();
    await b.stop();
    // Every vector left is one of its item's current vectors: none stale, none missing.
    const db = await OmenDB.open(dir);
    const items = await (await db.getCollection('langgraph-store-items')).get({ include: ['metadatas'] });
    const vectors = await (await db.getCollection('langgraph-store-vectors')).get({ include: ['metadatas'] });
    const expected = items.metadatas.reduce((n, m) => n + (m!.vecs as number), 0);
    expect(vectors.ids.length).toBe(expected);
    const version = new Map(items.ids.map((id, i) => [id, items.metadatas[i]!.v]));
    for (const m of vectors.metadatas) expect(m!.v).toBe(version.get(m!.item as string));
    await db.close();
  });
});

describe('namespaces from core', () => {
  it('lists many namespaces with counts kept across deletes, overwrites and reopen', async () => {
    dir = mkdtempSync(join(tmpdir(), 'omendb-langgraph-ns-'));
    let store = new OmenStore({ path: dir });
    const batch = [];
    for (let u = 0; u < 200; u++) for (let k = 0; k < 3; k++) batch.push({ namespace: ['users', `u${String(u).padStart(3, '0')}`, 'facts'], key: `k${k}`, value: { k } });
    await store.batch(batch);
    // u000 loses all three items (one by a put of null), u001 two of three; u002 is overwritten in place.
    await store.batch([
      { namespace: ['users', 'u000', 'facts'], key: 'k0', value: null },
      { namespace: ['users', 'u000', 'facts'], key: 'k1', value: null },
      { namespace: ['users', 'u001', 'facts'], key: 'k1', value: null },
      { namespace: ['users', 'u001', 'facts'], key: 'k2', value: null },
      { namespace: ['users', 'u002', 'facts'], key: 'k0', value: { k: 'again' } },
    ]);
    await store.delete(['users', 'u000', 'facts'], 'k2');
    const listed = await store.listNamespaces({ prefix: ['users'], limit: 1000 });
    expect(listed).toHaveLength(199);
    expect(listed[0]).toEqual(['users', 'u001', 'facts']);
    expect(await store.listNamespaces({ maxDepth: 1 })).toEqual([['users']]);
    await store.stop();
    store = new OmenStore({ path: dir });
    expect(await store.listNamespaces({ prefix: ['users'], limit: 1000 })).toEqual(listed);
    await store.stop();
  });

  it('searches a prefix that holds every namespace, or some, with labels holding quotes, commas and brackets, as InMemoryStore does', async () => {
    const pair = await storePair(index());
    dir = pair.dir;
    const namespaces = [['a'], ['a', 'b'], ['a"', 'x'], ['a', 'b,"c'], ['a]', 'y'], ['ab']];
    for (const store of [pair.memory, pair.omen]) {
      for (const [i, ns] of namespaces.entries()) await store.put(ns, `k${i}`, { text: `tea number ${i}` });
    }
    for (const prefix of [['a'], ['a', 'b'], ['a"'], ['a]'], ['ab'], ['a', 'b,"c'], ['a', 'b,']]) {
      const expected = summary(await pair.memory.search(prefix, { query: 'tea', limit: 10 }));
      expect(summary(await pair.omen.search(prefix, { query: 'tea', limit: 10 })), JSON.stringify(prefix)).toEqual(expected);
    }
    // Once every namespace is under ['a'], the prefix filters nothing; the answer stays the same.
    for (const store of [pair.memory, pair.omen]) for (const [i, ns] of namespaces.entries()) if (ns[0] !== 'a') await store.delete(ns, `k${i}`);
    expect(summary(await pair.omen.search(['a'], { query: 'tea number 1' }))).toEqual(summary(await pair.memory.search(['a'], { query: 'tea number 1' })));
    await pair.omen.stop();
  });

  it('folds a side collection of namespaces (earlier layout) into the items, then deletes it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'omendb-langgraph-migrate-'));
    let store = new OmenStore({ path: dir, index: index() });
    await store.put(['old'], 'vec', { text: 'apples and pears' });
    await store.put(['old'], 'plain', { text: 'apples and pears exactly' }, false);
    await store.stop();
    // What the earlier layout left: items without the `bare` key, and one record per namespace beside them.
    const db = await OmenDB.open(dir);
    const items = await db.getCollection('langgraph-store-items');
    await items.update({ ids: [JSON.stringify([['old'], 'plain'])], metadatas: [{ bare: null }] });
    expect((await items.distinct({ key: 'bare' })).values).toEqual([]);
    const side = await db.createCollection({ name: 'langgraph-store-namespaces', dimension: 0 });
    await side.add({ ids: ['["old"]'], metadatas: [{ depth: 1, n0: 'old', unindexed: true }] });
    await db.close();

    store = new OmenStore({ path: dir, index: index() });
    const found = await store.search(['old'], { query: 'apples and pears' });
    expect(found.map((i) => [i.key, i.score === undefined])).toEqual([
      ['vec', false],
      ['plain', true],
    ]);
    expect(await store.listNamespaces()).toEqual([['old']]);
    await store.stop();
    const after = await OmenDB.open(dir);
    expect((await after.listCollections()).map((c) => c.name).sort()).toEqual(['langgraph-store-items', 'langgraph-store-vectors']);
    await after.close();
  });
});
