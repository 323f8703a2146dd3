/**
 * The exact (brute-force) vector stores of the two RAG frameworks, as
 * baselines for bench/ann.ts: LangChain JS's MemoryVectorStore and
 * LlamaIndex TS's SimpleVectorStore. Both keep `number[]` embeddings in JS
 * objects and score every row per query, so their build is the conversion to
 * `number[]` plus the add (they keep those arrays), and the worker gives them
 * fewer queries at large scale.
 *
 * MemoryVectorStore lives in `@langchain/classic` since LangChain JS 1.0 (the
 * `langchain` 1.x package dropped `langchain/vectorstores/memory`, and its
 * current release does not resolve here); its `similarity` option is given
 * the set's metric. SimpleVectorStore ranks by cosine only, so on l2 sets its
 * recall is that of the cosine ranking.
 */
import { join } from 'node:path';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { type BaseEmbedding, SimpleVectorStore, TextNode, VectorStoreQueryMode } from 'llamaindex';
import type { Metric } from '../src/types.js';
import type { AnnEngine } from './ann-engines.js';

/** Embedding models are never called: vectors come precomputed. */
const noEmbeddings: EmbeddingsInterface = {
  embedDocuments: async () => {
    throw new Error('the benchmark passes vectors, never texts');
  },
  embedQuery: async () => {
    throw new Error('the benchmark passes vectors, never texts');
  },
};

function toArrays(rows: Float32Array, dim: number): number[][] {
  return Array.from({ length: rows.length / dim }, (_, r) => Array.from(rows.subarray(r * dim, (r + 1) * dim)));
}

/** Higher = closer, for MemoryVectorStore's `similarity` option. */
function similarityFor(metric: Metric): ((a: number[], b: number[]) => number) | undefined {
  if (metric === 'cosine') return undefined; // the store's default
  if (metric === 'ip') {
    return (a, b) => {
      let dot = 0;
      for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
      return dot;
    };
  }
  return (a, b) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      const d = a[i] - b[i];
      sum += d * d;
    }
    return -sum;
  };
}

/** LangChain's MemoryVectorStore, queried with similaritySearchVectorWithScore. */
export function langchainEngine(metric: Metric): AnnEngine {
  let store: MemoryVectorStore | undefined;
  return {
    name: 'langchain-memory',
    kind: 'exact',
    persistNote: 'MemoryVectorStore has no persistence',
    async build(rows, dim) {
      store = new MemoryVectorStore(noEmbeddings, { similarity: similarityFor(metric) });
      const arrays = toArrays(rows, dim);
      // One call: addVectors concatenates, so many small calls would copy the list each time.
      await store.addVectors(arrays, arrays.map((_, row) => new Document({ pageContent: '', metadata: { row } })));
    },
    setEf() {},
    async search(_query, queryArray, k) {
      const hits = await store!.similaritySearchVectorWithScore(queryArray, k);
      return hits.map(([doc]) => doc.metadata.row as number);
    },
    dispose() {
      store = undefined;
    },
  };
}

/** LlamaIndex's SimpleVectorStore (cosine only); persisted as its JSON file. */
export function llamaindexEngine(): AnnEngine {
  let store: SimpleVectorStore | undefined;
  // Only read by the store's base class constructor; queries carry their embedding.
  const embedModel = {} as BaseEmbedding;
  return {
    name: 'llamaindex-simple',
    kind: 'exact',
    async build(rows, dim) {
      store = new SimpleVectorStore({ embedModel });
      const arrays = toArrays(rows, dim);
      await store.add(arrays.map((embedding, row) => new TextNode({ id_: String(row), embedding })));
    },
    setEf() {},
    async search(_query, queryArray, k) {
      const result = await store!.query({ queryEmbedding: queryArray, similarityTopK: k, mode: VectorStoreQueryMode.DEFAULT });
      return result.ids.map(Number);
    },
    async persist(dir) {
      await store!.persist(join(dir, 'vector_store.json'));
      store = undefined;
    },
    async load(dir) {
      store = await SimpleVectorStore.fromPersistPath(join(dir, 'vector_store.json'), embedModel);
    },
    dispose() {
      store = undefined;
    },
  };
}
