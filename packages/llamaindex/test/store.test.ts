/**
 * The OmenVectorStore contract on its own: add/upsert, delete by source
 * document, scores per metric, errors, metadata round trips, lifecycle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClosedError, DimensionMismatchError, OmenDB, ValidationError, type Metric, type QuantizationSpec } from '@omendb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Document,
  IndexNode,
  MetadataMode,
  NodeRelationship,
  TextNode,
  VectorStoreQueryMode,
  type BaseNode,
  type VectorStoreQuery,
} from 'llamaindex';
import { OmenVectorStore } from '../src/index.js';
import { MockEmbedding } from './helpers/mock-embedding.js';
import { seededRandom } from './helpers/reference.js';

let dir: string;
let opened: { close(): Promise<void> }[];

function store(options: { metric?: Metric; collectionName?: string; path?: string; quantization?: QuantizationSpec } = {}): OmenVectorStore {
  const s = new OmenVectorStore({ path: options.path ?? dir, embedModel: new MockEmbedding(), ...options });
  opened.push(s);
  return s;
}

function node(id: string, embedding: number[], source?: string, extra: Partial<ConstructorParameters<typeof TextNode>[0]> = {}): TextNode {
  return new TextNode({
    id_: id,
    text: `text of ${id}`,
    embedding,
    relationships: source === undefined ? {} : { [NodeRelationship.SOURCE]: { nodeId: source, metadata: {} } },
    ...extra,
  });
}

function q(queryEmbedding: number[], similarityTopK: number, extra: Partial<VectorStoreQuery> = {}): VectorStoreQuery {
  return { queryEmbedding, similarityTopK, mode: VectorStoreQueryMode.DEFAULT, ...extra };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omendb-llamaindex-store-'));
  opened = [];
});

afterEach(async () => {
  for (const s of opened) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('add', () => {
  it('returns the node ids in order and upserts by id', async () => {
    const s = store();
    expect(await s.add([node('a', [1, 0, 0], 'd1'), node('b', [0, 1, 0], 'd1')])).toEqual(['a', 'b']);
    expect(await s.add([])).toEqual([]);
    const replacement = node('a', [0, 0, 1], 'd2', { text: 'new text', metadata: { v: 2 } });
    expect(await s.add([replacement])).toEqual(['a']);
    const collection = await s.client();
    expect(await collection.count()).toBe(2);
    const result = await s.query(q([0, 0, 1], 1));
    expect(result.ids).toEqual(['a']);
    expect(result.nodes![0].getContent(MetadataMode.NONE)).toBe('new text');
    expect(result.nodes![0].metadata).toEqual({ v: 2 });
    expect(result.nodes![0].sourceNode?.nodeId).toBe('d2');
  });

  it('stores text as the document and the node under LlamaIndex’s metadata keys', async () => {
    const s = store();
    await s.add([node('a', [1, 2, 3], 'doc-1', { metadata: { author: 'ann' } })]);
    const got = await (await s.client()).get({ ids: ['a'] });
    expect(got.documents[0]).toBe('text of a');
    const meta = got.metadatas[0]!;
    expect(meta).toMatchObject({ author: 'ann', _node_type: 'TextNode', doc_id: 'doc-1', document_id: 'doc-1', ref_doc_id: 'doc-1' });
    expect(JSON.parse(meta._node_content as string)).toMatchObject({ id_: 'a', text: '' });
  });

  it('rejects a node without an embedding, writing nothing', async () => {
    const s = store();
    const error = await s.add([node('a', [1, 0]), new TextNode({ id_: 'b', text: 'no vector' })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0].path).toEqual(['nodes', 1, 'embedding']);
    expect(await (await s.client()).count()).toBe(0);
  });

  it('rejects an id repeated within one call, writing nothing', async () => {
    const s = store();
    await expect(s.add([node('a', [1, 0], 'd'), node('a', [0, 1], 'd')])).rejects.toThrow(ValidationError);
    expect(await (await s.client()).count()).toBe(0);
  });

  it('rejects metadata core cannot hold with ValidationError, writing nothing', async () => {
    const s = store();
    const bad = node('b', [0, 1], 'd', { metadata: { rows: [{ nested: 'object in an array' }] } });
    await expect(s.add([node('a', [1, 0], 'd'), bad])).rejects.toThrow(ValidationError);
    expect(await (await s.client()).count()).toBe(0);
  });
});

describe('metadata', () => {
  const awkward = {
    'file.name': 'notes.md',
    $price: 12,
    constructor: 'c',
    prototype: 'p',
    '': 'empty key',
    '%2E': 'looks encoded',
    '100%': true,
    nested: { 'a.b': 1, $c: [1, 'two', null], deeper: { 'x.y': 'z' } },
    when: new Date('2024-03-01T10:00:00.000Z'),
    gone: undefined,
  };

  it('round-trips keys core would reject, JSON-normalised, through a reopen', async () => {
    const first = store();
    await first.add([node('a', [1, 0, 0], 'd', { metadata: awkward })]);
    await first.close();
    const result = await store().query(q([1, 0, 0], 1));
    const { when, gone, ...rest } = awkward;
    expect(gone).toBeUndefined();
    expect(result.nodes![0].metadata).toEqual({ ...rest, when: when.toISOString() });
  });

  it('a __proto__ key stays an own property', async () => {
    const s = store();
    const metadata = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    await s.add([node('a', [1, 0, 0], 'd', { metadata })]);
    const back = (await s.query(q([1, 0, 0], 1))).nodes![0].metadata;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('filters reach awkward keys literally', async () => {
    const s = store();
    await s.add([node('a', [1, 0, 0], 'd', { metadata: awkward }), node('b', [1, 0.1, 0], 'd', { metadata: { 'file.name': 'other.md' } })]);
    const byDotted = await s.query(q([1, 0, 0], 5, { filters: { filters: [{ key: 'file.name', operator: '==', value: 'notes.md' }] } }));
    expect(byDotted.ids).toEqual(['a']);
    const byDollar = await s.query(q([1, 0, 0], 5, { filters: { filters: [{ key: '$price', operator: '>', value: 10 }] } }));
    expect(byDollar.ids).toEqual(['a']);
  });
});

describe('node types', () => {
  it('brings back documents as text nodes and index nodes as index nodes, with text and relationships', async () => {
    const s = store();
    const doc = new Document({ id_: 'doc', text: 'a whole document', embedding: [1, 0, 0], metadata: { k: 1 } });
    const indexNode = new IndexNode({ id_: 'idx', text: 'points elsewhere', indexId: 'other-index', embedding: [0, 1, 0] });
    const prev = node('p', [0, 0, 1], 'doc', {
      relationships: { [NodeRelationship.SOURCE]: { nodeId: 'doc', metadata: {} }, [NodeRelationship.NEXT]: { nodeId: 'n2', metadata: {} } },
    });
    await s.add([doc, indexNode, prev]);
    const byId = async (embedding: number[]): Promise<BaseNode> => (await s.query(q(embedding, 1))).nodes![0];
    const d = await byId([1, 0, 0]);
    expect(d).toBeInstanceOf(TextNode);
    expect(d.getContent(MetadataMode.NONE)).toBe('a whole document');
    expect(d.metadata).toEqual({ k: 1 });
    const i = await byId([0, 1, 0]);
    expect(i).toBeInstanceOf(IndexNode);
    expect((i as IndexNode).indexId).toBe('other-index');
    const p = await byId([0, 0, 1]);
    expect(p.nextNode?.nodeId).toBe('n2');
    expect(p.embedding).toBeUndefined();
  });

  it('reads a record written through client() without LlamaIndex as a TextNode', async () => {
    const s = store();
    const collection = await s.client();
    await collection.add({ ids: ['raw'], embeddings: [[1, 0, 0]], metadatas: [{ source: 'chroma-style' }], documents: ['plain record'] });
    const result = await s.query(q([1, 0, 0], 1));
    const n = result.nodes![0];
    expect(n).toBeInstanceOf(TextNode);
    expect(n.id_).toBe('raw');
    expect(n.getContent(MetadataMode.NONE)).toBe('plain record');
    expect(n.metadata).toEqual({ source: 'chroma-style' });
  });
});

describe('delete', () => {
  it('removes every node of the source document, not a node with that id', async () => {
    const s = store();
    await s.add([node('n1', [1, 0], 'doc-a'), node('n2', [0, 1], 'doc-a'), node('doc-a', [1, 1], 'doc-b'), node('n4', [1, 2], 'doc-b')]);
    await s.delete('doc-a');
    const collection = await s.client();
    expect((await collection.get({ include: [] })).ids.sort()).toEqual(['doc-a', 'n4']);
    await s.delete('no-such-doc');
    expect(await collection.count()).toBe(2);
  });
});

describe('scores', () => {
  const random = seededRandom(7);
  const vectors = Array.from({ length: 50 }, () => Array.from({ length: 6 }, () => random() * 2 - 1));
  const query = [0.3, -0.2, 0.9, 0.1, -0.5, 0.4];
  const f32 = (v: number[]) => Array.from(Float32Array.from(v));
  const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i], 0);
  const reference: Record<Metric, (v: number[]) => number> = {
    cosine: (v) => dot(f32(v), f32(query)) / Math.sqrt(dot(f32(v), f32(v)) * dot(f32(query), f32(query))),
    ip: (v) => dot(f32(v), f32(query)),
    l2: (v) => 1 / (1 + f32(v).reduce((sum, x, i) => sum + (x - f32(query)[i]) ** 2, 0)),
  };

  for (const metric of ['cosine', 'ip', 'l2'] as const) {
    it(`${metric}: higher is better, descending, equal to the documented conversion (seed 7)`, async () => {
      const s = store({ metric });
      await s.add(vectors.map((v, i) => node(`v${i}`, v, 'd')));
      const result = await s.query(q(query, 10));
      const expected = vectors
        .map((v, i) => [`v${i}`, reference[metric](v)] as const)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10);
      expect(result.ids).toEqual(expected.map(([id]) => id));
      result.similarities.forEach((sim, i) => expect(sim).toBeCloseTo(expected[i][1], 5));
      for (let i = 1; i < result.similarities.length; i++) expect(result.similarities[i]).toBeLessThanOrEqual(result.similarities[i - 1]);
    });
  }

  it('an identical vector scores 1 under cosine and l2', async () => {
    for (const metric of ['cosine', 'l2'] as const) {
      const s = store({ metric, path: join(dir, metric) });
      await s.add([node('x', [0.6, 0.8], 'd')]);
      expect((await s.query(q([0.6, 0.8], 1))).similarities[0]).toBeCloseTo(1, 6);
    }
  });

  it('a quantized collection answers from its codes after a checkpoint; another quantization on reopen is a ValidationError', async () => {
    const path = join(dir, 'sq8');
    const s = store({ path, quantization: 'sq8' });
    const random = seededRandom(11);
    const nodes = Array.from({ length: 50 }, (_, i) => node(`n${i}`, [random(), random(), random(), random()], 'd'));
    await s.add(nodes);
    const collection = await s.client();
    await collection.compact();
    expect(collection.stats().components.codes).toBeGreaterThan(0);
    const nearest = await s.query(q(nodes[17].embedding!, 1));
    expect(nearest.ids).toEqual(['n17']);
    await s.close();
    await expect(store({ path, quantization: 'binary' }).query(q([1, 0, 0, 0], 1))).rejects.toThrow(/exists with quantization sq8, not binary/);
  });

  it('similarityTopK larger than the collection returns every node', async () => {
    const s = store();
    await s.add([node('a', [1, 0], 'd'), node('b', [0, 1], 'd')]);
    expect((await s.query(q([1, 0], 10))).ids).toEqual(['a', 'b']);
  });
});

describe('errors', () => {
  it('a node of another dimension is a DimensionMismatchError', async () => {
    const s = store();
    await s.add([node('a', [1, 0, 0], 'd')]);
    await expect(s.add([node('b', [1, 0, 0, 0], 'd')])).rejects.toThrow(DimensionMismatchError);
    expect(await (await s.client()).count()).toBe(1);
  });

  it('a query embedding of another dimension is a DimensionMismatchError, with or without filters', async () => {
    const s = store();
    await s.add([node('a', [1, 0, 0], 'd')]);
    await expect(s.query(q([1, 0], 1))).rejects.toThrow(DimensionMismatchError);
    await expect(s.query(q([1, 0], 1, { filters: { filters: [{ key: 'x', operator: 'is_empty' }] } }))).rejects.toThrow(DimensionMismatchError);
  });

  it('malformed queries are ValidationErrors', async () => {
    const s = store();
    await s.add([node('a', [1, 0], 'd')]);
    await expect(s.query({ similarityTopK: 1, mode: VectorStoreQueryMode.DEFAULT })).rejects.toThrow(ValidationError);
    await expect(s.query(q([1, 0], 0))).rejects.toThrow(ValidationError);
    await expect(s.query(q([1, 0], 1.5))).rejects.toThrow(ValidationError);
    await expect(s.query(q([1, 0], 1, { mode: VectorStoreQueryMode.SVM }))).rejects.toThrow(/mode/);
    await expect(s.query(q([1, 0], 1, { docIds: [1 as unknown as string] }))).rejects.toThrow(ValidationError);
  });

  it('a query on an empty store returns nothing', async () => {
    expect(await store().query(q([1, 0], 3))).toEqual({ ids: [], similarities: [], nodes: [] });
  });
});

describe('options and lifecycle', () => {
  it('needs exactly one of path and db, and a known metric', () => {
    const embedModel = new MockEmbedding();
    expect(() => new OmenVectorStore({ embedModel })).toThrow(ValidationError);
    expect(() => new OmenVectorStore({ embedModel, path: '' })).toThrow(ValidationError);
    expect(() => new OmenVectorStore({ embedModel, path: dir, db: {} as OmenDB })).toThrow(ValidationError);
    expect(() => new OmenVectorStore({ embedModel, db: {} as OmenDB })).toThrow(ValidationError);
    expect(() => new OmenVectorStore({ embedModel, path: dir, metric: 'dot' as Metric })).toThrow(ValidationError);
  });

  it('creates the collection with cosine by default and keeps an existing collection’s metric', async () => {
    const first = store({ collectionName: 'docs', metric: 'l2' });
    expect((await first.client()).metric).toBe('l2');
    await first.close();
    expect((await store({ collectionName: 'docs' }).client()).metric).toBe('l2');
    expect((await store({ collectionName: 'fresh', path: join(dir, 'other') }).client()).metric).toBe('cosine');
  });

  it('naming another metric for an existing collection is a ValidationError', async () => {
    const first = store({ metric: 'ip' });
    await first.client();
    await first.close();
    await expect(store({ metric: 'cosine' }).client()).rejects.toThrow(ValidationError);
    // The failed open released the directory: a correct one opens it.
    expect((await store({ metric: 'ip' }).client()).metric).toBe('ip');
  });

  it('shares the open database with another store on the same path; a closed store throws ClosedError', async () => {
    const first = store();
    await first.add([node('a', [1, 0], 'd')]);
    const second = store();
    expect(await (await second.client()).count()).toBe(1);
    await first.close();
    await first.close();
    await expect(first.query(q([1, 0], 1))).rejects.toThrow(ClosedError);
    expect(await (await second.client()).count()).toBe(1);
    await second.close();
    expect(await (await store().client()).count()).toBe(1);
  });

  it('uses a db it is given and leaves it open', async () => {
    const db = await OmenDB.open(dir, { durability: 'os' });
    opened.push(db);
    const s = new OmenVectorStore({ db, collectionName: 'shared', embedModel: new MockEmbedding() });
    await s.add([node('a', [1, 0], 'd')]);
    await s.close();
    const collection = await db.getCollection('shared');
    expect(await collection.count()).toBe(1);
  });

  it('persist() checkpoints: nodes and filters work from sealed segments after reopen', async () => {
    const first = store();
    await first.add(Array.from({ length: 30 }, (_, i) => node(`n${i}`, [Math.cos(i), Math.sin(i), 1], `doc-${i % 3}`, { metadata: { i } })));
    await first.persist();
    const collection = await first.client();
    expect(collection.stats().segments).toBe(1);
    expect(collection.stats().checkpointLsn).toBe(collection.stats().lastLsn);
    await first.close();
    const again = store();
    const result = await again.query(q([1, 0, 1], 3, { filters: { filters: [{ key: 'i', operator: '>=', value: 10 }] }, docIds: ['doc-1'] }));
    expect(result.ids.length).toBe(3);
    for (const n of result.nodes!) {
      expect(n.metadata.i).toBeGreaterThanOrEqual(10);
      expect(n.sourceNode?.nodeId).toBe('doc-1');
    }
  });
});
