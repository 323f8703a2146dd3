/**
 * The three vector sources the retrieval bench compares, behind one shape:
 * the offline semantic default, the lexical hashing embedder, and the
 * precomputed BGE-large vectors (a strong model, for scale).
 */
import { DefaultEmbeddingFunction } from '@omendb/default-embed';
import { HashingEmbedder } from '../../src/embedder/hashing-embedder.js';
import { loadBgeVectors, type ScifactDoc, type ScifactQuery } from './scifact.js';

type Vector = number[] | Float32Array;

/**
 * Texts in, one vector per text out; `onProgress(n)` after each `n` more
 * texts. A query vector is `undefined` where the source has none (scifact-bge
 * embeds 138 of the 300 test claims).
 */
export interface BenchEmbedder {
  name: string;
  describe: string;
  embedDocs(docs: ScifactDoc[], onProgress: (n: number) => void): Promise<Vector[]>;
  embedQueries(queries: ScifactQuery[]): Promise<Array<Vector | undefined>>;
}

/** Texts per `generate` call: small enough for a lively progress bar, a multiple of the default batch. */
const CHUNK = 64;

function defaultEmbedder(): BenchEmbedder {
  const ef = new DefaultEmbeddingFunction();
  const run = async (texts: string[], onProgress: (n: number) => void) => {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += CHUNK) {
      const chunk = texts.slice(i, i + CHUNK);
      out.push(...(await ef.generate(chunk)));
      onProgress(chunk.length);
    }
    return out;
  };
  return {
    name: 'default',
    describe: `@omendb/default-embed (${ef.name}, Universal Sentence Encoder lite, ${ef.dimension}-d)`,
    embedDocs: (docs, onProgress) => run(docs.map((d) => d.text), onProgress),
    embedQueries: (queries) => run(queries.map((q) => q.text), () => {}),
  };
}

function hashingEmbedder(): BenchEmbedder {
  const h = new HashingEmbedder();
  return {
    name: 'hashing',
    describe: `HashingEmbedder (lexical feature hashing, ${h.dimension}-d)`,
    embedDocs: async (docs, onProgress) => {
      const out = docs.map((d) => h.embed(d.text));
      onProgress(docs.length);
      return out;
    },
    embedQueries: async (queries) => queries.map((q) => h.embed(q.text)),
  };
}

function bgeVectors(): BenchEmbedder {
  let loaded: ReturnType<typeof loadBgeVectors> | undefined;
  const get = () => (loaded ??= loadBgeVectors());
  const pick = (map: Map<string, Float32Array>, id: string) => {
    const v = map.get(id);
    if (v === undefined) throw new Error(`scifact-bge has no corpus vector for SciFact id ${id}`);
    return v;
  };
  return {
    name: 'bge',
    describe: 'BAAI/bge-large-en-v1.5 vectors from scifact-bge (1024-d, precomputed; corpus decoded from PQ)',
    embedDocs: async (docs, onProgress) => {
      const out = docs.map((d) => pick(get().docs, d.id));
      onProgress(docs.length);
      return out;
    },
    embedQueries: async (queries) => queries.map((q) => get().queries.get(q.id)),
  };
}

export const EMBEDDERS: Record<string, () => BenchEmbedder> = {
  default: defaultEmbedder,
  hashing: hashingEmbedder,
  bge: bgeVectors,
};
