/**
 * `@omendb/default-embed`'s offline semantic model as a LangChain
 * `Embeddings`: Universal Sentence Encoder lite, 512-d, unit length, loaded
 * on the first call, no network or API key.
 */
import { Embeddings } from '@langchain/core/embeddings';
import { DefaultEmbeddingFunction } from '@omendb/default-embed';

export class DefaultEmbeddings extends Embeddings {
  private readonly fn = new DefaultEmbeddingFunction();

  constructor() {
    super({});
  }

  /** Length of every vector: 512. */
  get dimension(): number {
    return this.fn.dimension;
  }

  /** One `number[]` of length `dimension` per text, embedded in batches. */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return this.fn.generate(texts);
  }

  async embedQuery(text: string): Promise<number[]> {
    const [v] = await this.fn.generate([text]);
    return v;
  }
}
