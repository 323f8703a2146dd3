/**
 * `pnpm bench:adapters-hybrid`: hybrid retrieval through the two adapters on
 * BEIR SciFact (Wadden et al. 2020; Thakur et al. 2021). The 5,183
 * abstracts go, with their precomputed BGE vectors (scifact-bge) and their
 * text, into a LlamaIndex `OmenVectorStore` and a LangChain `OmenVectorStore`
 * (each its own collection, cosine, `fullText: true`). Each test claim that
 * scifact-bge embeds (138) is then asked, top 10:
 *
 * - LlamaIndex `store.query` in modes `default` (dense), `text_search`
 *   (BM25), `hybrid` with alpha 0.5 (relative-score fusion) and `mmr`
 *   (λ 0.5);
 * - LangChain `similaritySearch` (dense) and `OmenHybridRetriever` (RRF,
 *   k 60, 100 candidates per ranking).
 *
 * Query embeddings are the precomputed BGE query vectors, served by text
 * through each framework's embedding interface. Reports nDCG@10 and
 * recall@10 per mode, a table and then one JSON object. A script, not a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { OmenDB } from '@omendb/core';
import { OmenHybridRetriever, OmenVectorStore as LangChainStore } from '@omendb/langchain';
import { OmenVectorStore as LlamaStore, TEXT_SEARCH_MODE } from '@omendb/llamaindex';
import { BaseEmbedding, TextNode, VectorStoreQueryMode } from 'llamaindex';
import { mean, ndcgAtK, recallAtK } from './retrieval/metrics.js';
import { loadBgeVectors, loadCorpus, loadTestQueries, requireScifact } from './retrieval/scifact.js';

const K = 10;
const ADD_BATCH = 256;

/** The claims' BGE vectors by text, as LangChain embeddings. */
class LangChainLookup extends Embeddings {
  constructor(private readonly vectors: Map<string, number[]>) {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return Promise.all(texts.map((t) => this.embedQuery(t)));
  }
  async embedQuery(text: string): Promise<number[]> {
    const v = this.vectors.get(text);
    if (!v) throw new Error(`no BGE vector for ${JSON.stringify(text.slice(0, 60))}`);
    return v;
  }
}

/** The same, as a LlamaIndex embed model (needed by the store's constructor; queries pass their vector). */
class LlamaLookup extends BaseEmbedding {
  constructor(private readonly vectors: Map<string, number[]>) {
    super();
  }
  async getTextEmbedding(text: string): Promise<number[]> {
    const v = this.vectors.get(text);
    if (!v) throw new Error(`no BGE vector for ${JSON.stringify(text.slice(0, 60))}`);
    return v;
  }
}

type Mode = 'llamaindex dense' | 'llamaindex text_search' | 'llamaindex hybrid a=0.5' | 'llamaindex mmr l=0.5' | 'langchain dense' | 'langchain hybrid rrf';

async function main(): Promise<void> {
  requireScifact();
  const bge = loadBgeVectors();
  const docs = loadCorpus().filter((d) => bge.docs.has(d.id));
  const queries = loadTestQueries().filter((q) => bge.queries.has(q.id));
  const queryVectors = new Map(queries.map((q) => [q.text, Array.from(bge.queries.get(q.id)!)]));
  const dir = mkdtempSync(join(tmpdir(), 'omendb-adapters-hybrid-'));
  const db = await OmenDB.open(dir, { durability: 'none' });
  const llama = new LlamaStore({ db, collectionName: 'llamaindex', metric: 'cosine', fullText: true, embedModel: new LlamaLookup(queryVectors) });
  const chain = new LangChainStore(new LangChainLookup(queryVectors), { db, collectionName: 'langchain', metric: 'cosine', fullText: true });
  try {
    for (let at = 0; at < docs.length; at += ADD_BATCH) {
      const batch = docs.slice(at, at + ADD_BATCH);
      const vectors = batch.map((d) => Array.from(bge.docs.get(d.id)!));
      await llama.add(batch.map((d, i) => new TextNode({ id_: d.id, text: d.text, embedding: vectors[i] })));
      await chain.addVectors(vectors, batch.map((d) => new Document({ pageContent: d.text, id: d.id })));
    }
    await db.checkpoint();
    const retriever = new OmenHybridRetriever({ vectorStore: chain, k: K });
    const scores = new Map<Mode, { ndcg10: number[]; recall10: number[] }>();
    const record = (mode: Mode, ids: string[], relevant: Map<string, number>) => {
      if (!scores.has(mode)) scores.set(mode, { ndcg10: [], recall10: [] });
      scores.get(mode)!.ndcg10.push(ndcgAtK(ids, relevant, K));
      scores.get(mode)!.recall10.push(recallAtK(ids, relevant, K));
    };
    for (const q of queries) {
      const base = { queryEmbedding: queryVectors.get(q.text)!, queryStr: q.text, similarityTopK: K };
      record('llamaindex dense', (await llama.query({ ...base, mode: VectorStoreQueryMode.DEFAULT })).ids, q.relevant);
      record('llamaindex text_search', (await llama.query({ ...base, mode: TEXT_SEARCH_MODE })).ids, q.relevant);
      record('llamaindex hybrid a=0.5', (await llama.query({ ...base, mode: VectorStoreQueryMode.HYBRID, alpha: 0.5 })).ids, q.relevant);
      record('llamaindex mmr l=0.5', (await llama.query({ ...base, mode: VectorStoreQueryMode.MMR, mmrThreshold: 0.5 })).ids, q.relevant);
      record('langchain dense', (await chain.similaritySearch(q.text, K)).map((d) => d.id!), q.relevant);
      record('langchain hybrid rrf', (await retriever.invoke(q.text)).map((d) => d.id!), q.relevant);
    }
    const rows = [...scores].map(([mode, s]) => ({
      mode,
      queries: queries.length,
      ndcg10: Math.round(mean(s.ndcg10) * 1e4) / 1e4,
      recall10: Math.round(mean(s.recall10) * 1e4) / 1e4,
    }));
    console.table(rows);
    console.log(JSON.stringify({ bench: 'adapters-hybrid-scifact', docs: docs.length, k: K, rows }));
  } finally {
    await llama.close();
    await chain.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
