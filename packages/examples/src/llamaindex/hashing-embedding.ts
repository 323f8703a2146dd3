/**
 * The examples' local {@link HashingEmbedder} as a LlamaIndex embedding model,
 * so LlamaIndex can embed nodes and questions with no network, model or key.
 * Lexical, not semantic: see `embedder/hashing-embedder.ts`.
 */
import { BaseEmbedding } from 'llamaindex';
import { HashingEmbedder, type HashingEmbedderOptions } from '../embedder/hashing-embedder.js';

export class HashingEmbedding extends BaseEmbedding {
  private readonly embedder: HashingEmbedder;

  /** @throws RangeError for options `HashingEmbedder` rejects. */
  constructor(options: HashingEmbedderOptions = {}) {
    super();
    this.embedder = new HashingEmbedder(options);
  }

  /** Length of every vector, e.g. 384. */
  get dimension(): number {
    return this.embedder.dimension;
  }

  /** `number[]` of length `dimension`, unit L2 norm; the same text always gives the same vector. */
  async getTextEmbedding(text: string): Promise<number[]> {
    return Array.from(this.embedder.embed(text));
  }
}
