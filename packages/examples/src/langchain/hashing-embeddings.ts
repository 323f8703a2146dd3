/**
 * The examples' local {@link HashingEmbedder} as a LangChain `Embeddings`, so
 * LangChain code can use it wherever it takes an embeddings model. Lexical,
 * not semantic (see the embedder's module comment); 384-d, unit length.
 */
import { Embeddings } from '@langchain/core/embeddings';
import { HashingEmbedder, type HashingEmbedderOptions } from '../embedder/hashing-embedder.js';

export class HashingEmbeddings extends Embeddings {
  private readonly embedder: HashingEmbedder;

  constructor(options: HashingEmbedderOptions = {}) {
    super({});
    this.embedder = new HashingEmbedder(options);
  }

  /** Length of every vector. */
  get dimension(): number {
    return this.embedder.dimension;
  }

  /** One `number[]` of length `dimension` per text. */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return this.embedder.embedBatch(texts).map((v) => Array.from(v));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(this.embedder.embed(text));
  }
}
