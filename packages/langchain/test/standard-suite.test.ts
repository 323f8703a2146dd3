/**
 * LangChain's standard vector-store suite (Python `langchain_tests`
 * `VectorStoreIntegrationTests`), ported case by case to the JS API:
 * `delete(ids)` becomes `delete({ ids })`, `get_by_ids` becomes `getByIds`.
 * Embeddings: 6-d deterministic fakes, as in the Python suite.
 */
import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { storeFixture } from './fixture.js';

const t = storeFixture();

const fooBar = () => [new Document({ pageContent: 'foo', metadata: { id: 1 } }), new Document({ pageContent: 'bar', metadata: { id: 2 } })];

describe('standard vector-store suite', () => {
  it('a new store is empty', async () => {
    expect(await t.store().similaritySearch('foo', 1)).toEqual([]);
  });

  it('adds documents, returns their ids, finds them with ids, and leaves the inputs untouched', async () => {
    const store = t.store();
    const original = fooBar();
    const ids = await store.addDocuments(original);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(await store.similaritySearch('bar', 2)).toEqual([
      new Document({ pageContent: 'bar', metadata: { id: 2 }, id: ids[1] }),
      new Document({ pageContent: 'foo', metadata: { id: 1 }, id: ids[0] }),
    ]);
    expect(original).toEqual(fooBar());
    expect(original.map((d) => d.id)).toEqual([undefined, undefined]);
  });

  it('a store on a fresh directory is still empty after another test added documents', async () => {
    expect(await t.store().similaritySearch('foo', 1)).toEqual([]);
  });

  it('deletes a document by id', async () => {
    const store = t.store();
    expect(await store.addDocuments(fooBar(), { ids: ['1', '2'] })).toEqual(['1', '2']);
    await store.delete({ ids: ['1'] });
    expect(await store.similaritySearch('foo', 1)).toEqual([new Document({ pageContent: 'bar', metadata: { id: 2 }, id: '2' })]);
  });

  it('deletes several documents at once', async () => {
    const store = t.store();
    await store.addDocuments([...fooBar(), new Document({ pageContent: 'baz', metadata: { id: 3 } })], { ids: ['1', '2', '3'] });
    await store.delete({ ids: ['1', '2'] });
    expect(await store.similaritySearch('foo', 1)).toEqual([new Document({ pageContent: 'baz', metadata: { id: 3 }, id: '3' })]);
  });

  it('deleting ids that do not exist does not throw', async () => {
    const store = t.store();
    await expect(store.delete({ ids: ['1'] })).resolves.toBeUndefined();
    await expect(store.delete({ ids: ['1', '2', '3'] })).resolves.toBeUndefined();
    await store.addDocuments(fooBar(), { ids: ['1', '2'] });
    await store.delete({ ids: ['2', 'never-added'] });
    expect((await store.similaritySearch('foo', 4)).map((d) => d.id)).toEqual(['1']);
  });

  it('adding with the same ids twice is idempotent', async () => {
    const store = t.store();
    await store.addDocuments(fooBar(), { ids: ['1', '2'] });
    await store.addDocuments(fooBar(), { ids: ['1', '2'] });
    expect(await store.similaritySearch('bar', 2)).toEqual([
      new Document({ pageContent: 'bar', metadata: { id: 2 }, id: '2' }),
      new Document({ pageContent: 'foo', metadata: { id: 1 }, id: '1' }),
    ]);
    expect(await store.similaritySearch('bar', 10)).toHaveLength(2);
  });

  it('adding an existing id overwrites its content and metadata', async () => {
    const store = t.store();
    await store.addDocuments(fooBar(), { ids: ['1', '2'] });
    await store.addDocuments([new Document({ pageContent: 'new foo', metadata: { id: 1, some_other_field: 'foo' } })], { ids: ['1'] });
    expect(await store.similaritySearch('new foo', 2)).toEqual([
      new Document({ id: '1', pageContent: 'new foo', metadata: { id: 1, some_other_field: 'foo' } }),
      new Document({ id: '2', pageContent: 'bar', metadata: { id: 2 } }),
    ]);
  });

  it('gets documents by ids, in the order asked', async () => {
    const store = t.store();
    const ids = await store.addDocuments(fooBar(), { ids: ['1', '2'] });
    expect(await store.getByIds(ids)).toEqual([
      new Document({ pageContent: 'foo', metadata: { id: 1 }, id: '1' }),
      new Document({ pageContent: 'bar', metadata: { id: 2 }, id: '2' }),
    ]);
    expect((await store.getByIds(['2', '1'])).map((d) => d.pageContent)).toEqual(['bar', 'foo']);
  });

  it('getting missing ids returns nothing and does not throw', async () => {
    expect(await t.store().getByIds(['1', '2', '3'])).toEqual([]);
  });

  it('generates string ids when none are given', async () => {
    const store = t.store();
    const ids = await store.addDocuments(fooBar());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.getByIds(ids)).toEqual([
      new Document({ pageContent: 'foo', metadata: { id: 1 }, id: ids[0] }),
      new Document({ pageContent: 'bar', metadata: { id: 2 }, id: ids[1] }),
    ]);
  });

  it('honours Document.id and generates ids only for documents without one', async () => {
    const store = t.store();
    const ids = await store.addDocuments([
      new Document({ id: 'foo', pageContent: 'foo', metadata: { id: 1 } }),
      new Document({ pageContent: 'bar', metadata: { id: 2 } }),
    ]);
    expect(ids[0]).toBe('foo');
    expect(ids[1]).not.toBe('foo');
    expect(await store.getByIds(ids)).toEqual([
      new Document({ pageContent: 'foo', metadata: { id: 1 }, id: 'foo' }),
      new Document({ pageContent: 'bar', metadata: { id: 2 }, id: ids[1] }),
    ]);
  });

  it('options.ids wins over Document.id', async () => {
    const store = t.store();
    const ids = await store.addDocuments([new Document({ id: 'doc-id', pageContent: 'foo' })], { ids: ['option-id'] });
    expect(ids).toEqual(['option-id']);
    expect(await store.getByIds(['doc-id'])).toEqual([]);
    expect((await store.getByIds(['option-id']))[0].pageContent).toBe('foo');
  });
});
