/**
 * OmenVectorStore inside LlamaIndex's own machinery: storage contexts,
 * VectorStoreIndex, retrievers, query engines, insert and deleteRefDoc, and
 * an index reopened from disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Document,
  MetadataMode,
  Settings,
  TextNode,
  VectorStoreIndex,
  storageContextFromDefaults,
  type NodeWithScore,
} from 'llamaindex';
import { OmenVectorStore } from '../src/index.js';
import { EchoLLM } from './helpers/echo-llm.js';
import { mockEmbed, MockEmbedding } from './helpers/mock-embedding.js';

const CATS = 'Cats purr when they are content. A cat sleeps most of the day and hunts mice at night.';
const ROCKETS = 'Rockets burn fuel and oxidiser to produce thrust. A rocket engine needs no air to work.';
const BREAD = 'Bread rises because yeast ferments sugar into gas. Knead the dough and bake the bread hot.';
/** Long enough (≈ 2,500 tokens) that LlamaIndex's default splitter (1,024-token chunks) cuts it into several nodes. */
const GARDEN = Array.from({ length: 150 }, (_, i) => `Garden note ${i}: water the tomato plants, prune the roses, and compost the leaves.`).join(' ');

function docs(): Document[] {
  return [
    new Document({ id_: 'doc-cats', text: CATS, metadata: { topic: 'animals', year: 2021 } }),
    new Document({ id_: 'doc-rockets', text: ROCKETS, metadata: { topic: 'space', year: 2023 } }),
    new Document({ id_: 'doc-bread', text: BREAD, metadata: { topic: 'food', year: 2022 } }),
    new Document({ id_: 'doc-garden', text: GARDEN, metadata: { topic: 'plants', year: 2024 } }),
  ];
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}

function text(result: NodeWithScore): string {
  return result.node.getContent(MetadataMode.NONE);
}

let dir: string;
let stores: OmenVectorStore[];

function store(): OmenVectorStore {
  const s = new OmenVectorStore({ path: dir, embedModel: new MockEmbedding() });
  stores.push(s);
  return s;
}

beforeAll(() => {
  Settings.embedModel = new MockEmbedding();
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omendb-llamaindex-'));
  stores = [];
});

afterEach(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function buildIndex(vectorStore: OmenVectorStore): Promise<VectorStoreIndex> {
  const storageContext = await storageContextFromDefaults({ vectorStore });
  return VectorStoreIndex.fromDocuments(docs(), { storageContext });
}

async function gardenNodeCount(vectorStore: OmenVectorStore): Promise<number> {
  const collection = await vectorStore.client();
  return (await collection.get({ where: { ref_doc_id: 'doc-garden' }, include: [] })).ids.length;
}

describe('VectorStoreIndex on OmenVectorStore', () => {
  it('fromDocuments stores every node and retrieves the nearest with cosine scores', async () => {
    const vectorStore = store();
    const index = await buildIndex(vectorStore);
    const collection = await vectorStore.client();
    const garden = await gardenNodeCount(vectorStore);
    expect(garden).toBeGreaterThan(1);
    expect(await collection.count()).toBe(3 + garden);

    const results = await index.asRetriever({ similarityTopK: 2 }).retrieve('why does a cat purr');
    expect(results).toHaveLength(2);
    expect(text(results[0])).toBe(CATS);
    expect(results[0].node.metadata).toMatchObject({ topic: 'animals', year: 2021 });
    expect(results[0].node.sourceNode?.nodeId).toBe('doc-cats');
    // LlamaIndex embeds a node's text with its metadata (MetadataMode.EMBED).
    const embedded = mockEmbed(results[0].node.getContent(MetadataMode.EMBED));
    expect(results[0].score).toBeCloseTo(cosine(mockEmbed('why does a cat purr'), embedded), 5);
    expect(results[0].score!).toBeGreaterThanOrEqual(results[1].score!);
  });

  it('reopens from disk: fromVectorStore returns the same nodes, text, metadata and scores', async () => {
    const first = store();
    const before = await (await buildIndex(first)).asRetriever({ similarityTopK: 3 }).retrieve('rocket engine thrust');
    await first.close();

    const index = await VectorStoreIndex.fromVectorStore(store());
    const after = await index.asRetriever({ similarityTopK: 3 }).retrieve('rocket engine thrust');
    expect(after.map((r) => r.node.id_)).toEqual(before.map((r) => r.node.id_));
    expect(after.map((r) => r.score)).toEqual(before.map((r) => r.score));
    expect(text(after[0])).toBe(ROCKETS);
    expect(after[0].node).toBeInstanceOf(TextNode);
    expect(after[0].node.metadata).toEqual(before[0].node.metadata);
    expect(after[0].node.sourceNode?.nodeId).toBe('doc-rockets');
    expect(after[0].node.hash).toBe(before[0].node.hash);
  });

  it('insert adds a document that the next retrieval finds, also after reopening', async () => {
    const first = store();
    const index = await buildIndex(first);
    const violins = 'A violin has four strings and is played with a bow made of horsehair.';
    await index.insert(new Document({ id_: 'doc-violin', text: violins, metadata: { topic: 'music' } }));
    const results = await index.asRetriever({ similarityTopK: 1 }).retrieve('violin strings bow');
    expect(text(results[0])).toBe(violins);
    await first.close();

    const reopened = await VectorStoreIndex.fromVectorStore(store());
    const again = await reopened.asRetriever({ similarityTopK: 1 }).retrieve('violin strings bow');
    expect(again[0].node.sourceNode?.nodeId).toBe('doc-violin');
    expect(again[0].node.metadata.topic).toBe('music');
  });

  it('deleteRefDoc removes every node of the document and nothing else, durably', async () => {
    const first = store();
    const index = await buildIndex(first);
    const collection = await first.client();
    const total = await collection.count();
    const garden = await gardenNodeCount(first);

    await index.deleteRefDoc('doc-garden');
    expect(await gardenNodeCount(first)).toBe(0);
    expect(await collection.count()).toBe(total - garden);
    const results = await index.asRetriever({ similarityTopK: 10 }).retrieve('water the tomato plants');
    expect(results.map((r) => r.node.sourceNode?.nodeId).sort()).toEqual(['doc-bread', 'doc-cats', 'doc-rockets']);
    await first.close();

    const reopened = store();
    expect(await (await reopened.client()).count()).toBe(total - garden);
  });

  it('asQueryEngine answers from the retrieved nodes (with a configured LLM)', async () => {
    const index = await buildIndex(store());
    const llm = new EchoLLM();
    const response = await Settings.withLLM(llm, () => index.asQueryEngine({ similarityTopK: 1 }).query({ query: 'how does bread rise with yeast' }));
    expect(response.sourceNodes?.map((n) => n.node.sourceNode?.nodeId)).toEqual(['doc-bread']);
    expect(llm.prompts.some((p) => p.includes(BREAD))).toBe(true);
    expect(response.message.content).toContain(BREAD);
  });

  it('embeds nodes with the store’s embed model', async () => {
    const model = new MockEmbedding();
    const vectorStore = new OmenVectorStore({ path: dir, embedModel: model });
    stores.push(vectorStore);
    await buildIndex(vectorStore);
    expect(model.calls).toBeGreaterThanOrEqual(4);
  });
});
