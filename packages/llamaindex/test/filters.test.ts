/**
 * `query` with LlamaIndex filters and `docIds`, against the plain-JS
 * reference in helpers/reference.ts: same nodes, same order, same scores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@omendb/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRelationship, SimpleVectorStore, TextNode, VectorStoreQueryMode, type MetadataFilter, type MetadataFilters } from 'llamaindex';
import { OmenVectorStore } from '../src/index.js';
import { MockEmbedding } from './helpers/mock-embedding.js';
import { referenceMatches, referenceTopK, seededRandom, type Meta } from './helpers/reference.js';

const SEED = 20240611;
const N = 400;
const DIM = 8;
const SOURCES = 10;

interface Item {
  id: string;
  source: string;
  embedding: number[];
  metadata: Meta;
}

/** Seeded nodes whose metadata covers missing keys, nulls, empties, arrays, mixed types and awkward keys. */
function makeItems(): Item[] {
  const random = seededRandom(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const maybe = (p: number) => random() < p;
  const items: Item[] = [];
  for (let i = 0; i < N; i++) {
    const metadata: Meta = {};
    if (!maybe(0.15)) metadata.n = maybe(0.06) ? null : Math.floor(random() * 10);
    if (!maybe(0.1)) metadata.s = pick(['alpha', 'beta', 'gamma', 'delta', '']);
    if (!maybe(0.1)) metadata.tags = ['red', 'green', 'blue', 'cyan'].filter(() => maybe(0.35));
    if (!maybe(0.2)) metadata.nums = [0, 1, 2, 3, 4, 5].filter(() => maybe(0.3));
    if (!maybe(0.2)) metadata.flag = maybe(0.5);
    metadata.title = `${pick(['Quarterly', 'Annual', 'Weekly'])} report on ${pick(['sales', 'safety', 'salaries', 'servers'])} ${i}`;
    if (i === 137) metadata.title = 'The one with the needle-in-a-haystack';
    metadata.mixed = pick([10, '10', 5, 'x']);
    metadata.date = `202${Math.floor(random() * 5)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 10)}`;
    if (maybe(0.5)) metadata['a.b'] = Math.floor(random() * 3);
    if (maybe(0.3)) metadata.$price = Math.floor(random() * 100);
    const embedding = Array.from({ length: DIM }, () => random() * 2 - 1);
    items.push({ id: `node-${i}`, source: `doc-${i % SOURCES}`, embedding, metadata });
  }
  return items;
}

const items = makeItems();
const query = Array.from({ length: DIM }, (_, i) => Math.sin(i + 1));
let dir: string;
let store: OmenVectorStore;
/** LlamaIndex's own in-memory store holding the same nodes. */
let simple: SimpleVectorStore;

/** The metadata filters see: the node's own plus the source-document keys LlamaIndex adds. */
function filterView(item: Item): Meta {
  return { ...item.metadata, doc_id: item.source, ref_doc_id: item.source, document_id: item.source };
}

async function check(filters: MetadataFilters | undefined, k: number, docIds?: string[]): Promise<void> {
  const admitted = items.filter((item) => referenceMatches(filters, filterView(item)) && (docIds === undefined || docIds.includes(item.source)));
  const expected = referenceTopK(admitted, query, k);
  const result = await store.query({ queryEmbedding: query, similarityTopK: k, filters, docIds, mode: VectorStoreQueryMode.DEFAULT });
  expect(result.ids, `seed ${SEED}, filters ${JSON.stringify(filters)}, k ${k}`).toEqual(expected.map(([id]) => id));
  result.similarities.forEach((s, i) => expect(s).toBeCloseTo(expected[i][1], 5));
  expect(result.nodes?.map((n) => n.id_)).toEqual(result.ids);
}

function one(key: string, operator: MetadataFilter['operator'], value?: unknown): MetadataFilters {
  return { filters: [{ key, operator, value: value as MetadataFilter['value'] }] };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omendb-llamaindex-filters-'));
  store = new OmenVectorStore({ path: dir, embedModel: new MockEmbedding(DIM) });
  const nodes = items.map(
    (item) =>
      new TextNode({
        id_: item.id,
        text: `text of ${item.id}`,
        embedding: item.embedding,
        metadata: item.metadata,
        relationships: { [NodeRelationship.SOURCE]: { nodeId: item.source, metadata: {} } },
      }),
  );
  await store.add(nodes);
  simple = new SimpleVectorStore({ embedModel: new MockEmbedding(DIM) });
  await simple.add(nodes);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const OPERATOR_CASES: [string, MetadataFilters][] = [
  ['== number', one('n', '==', 3)],
  ['== string', one('s', '==', 'beta')],
  ['== empty string', one('s', '==', '')],
  ['== boolean', one('flag', '==', true)],
  ['== on a mixed-type key', one('mixed', '==', '10')],
  ['!= number (misses missing keys, keeps nulls)', one('n', '!=', 3)],
  ['!= string', one('s', '!=', 'alpha')],
  ['> number', one('n', '>', 6)],
  ['< number', one('n', '<', 2)],
  ['>= number', one('n', '>=', 7)],
  ['<= number', one('n', '<=', 0)],
  ['> on a mixed-type key is type-strict', one('mixed', '>', 7)],
  ['>= string (lexicographic)', one('date', '>=', '2023-05')],
  ['< string (lexicographic)', one('date', '<', '2021')],
  ['in numbers', one('n', 'in', [0, 4, 9])],
  ['in strings', one('s', 'in', ['gamma', 'delta'])],
  ['in mixed types', one('mixed', 'in', ['10', 5])],
  ['in []', one('n', 'in', [])],
  ['nin numbers', one('n', 'nin', [1, 2, 3])],
  ['nin mixed types', one('mixed', 'nin', [10, 'x'])],
  ['nin []', one('n', 'nin', [])],
  ['any', one('tags', 'any', ['red', 'cyan'])],
  ['any numbers', one('nums', 'any', [5])],
  ['any []', one('tags', 'any', [])],
  ['all', one('tags', 'all', ['red', 'green'])],
  ['all numbers', one('nums', 'all', [0, 1])],
  ['all []', one('tags', 'all', [])],
  ['contains string', one('tags', 'contains', 'blue')],
  ['contains number', one('nums', 'contains', 3)],
  ['contains on a scalar field', one('s', 'contains', 'alpha')],
  ['text_match', one('title', 'text_match', 'report on sa')],
  ['text_match on an array field', one('tags', 'text_match', 'green')],
  ['text_match, one node in 400', one('title', 'text_match', 'needle')],
  ['is_empty on strings', one('s', 'is_empty')],
  ['is_empty on arrays', one('tags', 'is_empty')],
  ['is_empty on nulls and missing', one('n', 'is_empty')],
  ['a dotted key is a literal key', one('a.b', '==', 1)],
  ['a $-key', one('$price', '<', 30)],
  ['ref_doc_id written by LlamaIndex', one('ref_doc_id', 'in', ['doc-1', 'doc-2'])],
  ['a key no node has', one('nowhere', '!=', 1)],
];

const COMBINED_CASES: [string, MetadataFilters][] = [
  ['and of exact filters', { filters: [{ key: 'n', operator: '>=', value: 3 }, { key: 's', operator: '==', value: 'beta' }] }],
  ['or of exact filters', { filters: [{ key: 'n', operator: '==', value: 1 }, { key: 'tags', operator: 'contains', value: 'cyan' }], condition: 'or' }],
  ['and with a post-filtered part', { filters: [{ key: 'flag', operator: '==', value: false as unknown as string }, { key: 'title', operator: 'text_match', value: 'safety' }], condition: 'and' }],
  ['or with a post-filtered part', { filters: [{ key: 's', operator: 'is_empty' }, { key: 'n', operator: '==', value: 9 }], condition: 'or' }],
  ['or of != (each misses missing keys)', { filters: [{ key: 'n', operator: '!=', value: 1 }, { key: 's', operator: '!=', value: 'beta' }], condition: 'or' }],
  ['and with an empty in', { filters: [{ key: 'n', operator: 'in', value: [] }, { key: 's', operator: '==', value: 'beta' }] }],
  ['or with an empty in', { filters: [{ key: 'n', operator: 'in', value: [] }, { key: 's', operator: '==', value: 'beta' }], condition: 'or' }],
  ['an empty filter list is no filter', { filters: [], condition: 'or' }],
];

describe(`filters against the plain-JS reference (seed ${SEED})`, () => {
  for (const [name, filters] of [...OPERATOR_CASES, ...COMBINED_CASES]) {
    it(name, async () => {
      await check(filters, 5);
      await check(filters, N);
    });
  }

  it('the cases are not vacuous: each selects some but not all nodes, unless meant to select none', () => {
    const none = new Set(['in []', 'any []', 'contains on a scalar field', 'a key no node has']);
    for (const [name, filters] of OPERATOR_CASES) {
      const size = items.filter((item) => referenceMatches(filters, filterView(item))).length;
      if (none.has(name)) expect(size, name).toBe(0);
      else expect(size > 0 && size < N, `${name} selects ${size} of ${N}`).toBe(true);
    }
  });
});

describe('agreement with LlamaIndex’s SimpleVectorStore where the semantics coincide', () => {
  // Not `<`/`>` on fields holding nulls or strings, nor `in` lists holding 0: there
  // SimpleVectorStore's loose JavaScript comparisons differ on purpose (see the README).
  const cases: [string, MetadataFilters][] = [
    ['==', one('n', '==', 3)],
    ['!=', one('n', '!=', 3)],
    ['in', one('s', 'in', ['gamma', 'delta'])],
    ['nin', one('s', 'nin', ['alpha'])],
    ['>=', one('a.b', '>=', 1)],
    ['any', one('tags', 'any', ['red', 'cyan'])],
    ['all', one('tags', 'all', ['red', 'green'])],
    ['contains', one('tags', 'contains', 'blue')],
    ['text_match', one('title', 'text_match', 'report on sa')],
    ['is_empty', one('s', 'is_empty')],
    ['or', { filters: [{ key: 'n', operator: '==', value: 1 }, { key: 'title', operator: 'text_match', value: 'safety' }], condition: 'or' }],
  ];
  for (const [name, filters] of cases) {
    it(name, async () => {
      for (const k of [5, 50]) {
        const request = { queryEmbedding: query, similarityTopK: k, filters, mode: VectorStoreQueryMode.DEFAULT };
        const ours = await store.query(request);
        const theirs = await simple.query(request);
        expect(ours.ids, `seed ${SEED}, ${name}, k ${k}`).toEqual(theirs.ids);
        ours.similarities.forEach((sim, i) => expect(sim).toBeCloseTo(theirs.similarities[i], 5));
      }
    });
  }
});

describe('docIds', () => {
  it('restricts to nodes of the given source documents', async () => {
    await check(undefined, 5, ['doc-3', 'doc-7']);
    await check(undefined, N, ['doc-3']);
  });

  it('combines with filters', async () => {
    await check(one('n', '!=', 2), N, ['doc-1', 'doc-4']);
    await check(one('title', 'text_match', 'servers'), 3, ['doc-0']);
  });

  it('[] selects nothing and an unknown id nothing', async () => {
    await check(undefined, 5, []);
    await check(undefined, 5, ['no-such-doc']);
  });
});

describe('invalid filters', () => {
  const invalid: [string, MetadataFilters][] = [
    ['unknown operator', one('n', 'between' as MetadataFilter['operator'], [1, 2])],
    ['in without an array', one('n', 'in', 3)],
    ['> with a boolean', one('n', '>', true)],
    ['== with an array', one('n', '==', [1])],
    ['non-finite number', one('n', '<', Number.NaN)],
    ['unknown condition', { filters: [{ key: 'n', operator: '==', value: 1 }], condition: 'xor' as 'and' }],
  ];
  for (const [name, filters] of invalid) {
    it(`${name} is a ValidationError`, async () => {
      await expect(store.query({ queryEmbedding: query, similarityTopK: 3, filters, mode: VectorStoreQueryMode.DEFAULT })).rejects.toThrow(ValidationError);
    });
  }
});
