/**
 * `@omendb/default-embed`'s offline semantic model as a LlamaIndex embedding
 * model: Universal Sentence Encoder lite, 512-d, unit length, loaded on the
 * first call, no network or API key.
 */
import { DefaultEmbeddingFunction } from '@omendb/default-embed';
import { BaseEmbedding } from 'llamaindex';

export class DefaultEmbedding extends BaseEmbedding {
  private readonly fn = new DefaultEmbeddingFunction();

  constructor() {
    super();
  }

  /** Length of every vector: 512. */
  get dimension(): number {
    return this.fn.dimension;
  }

  async getTextEmbedding(text: string): Promise<number[]> {
    const [v] = await this.fn.generate([text]);
    return v;
  }

  /** One model call per batch instead of one per text. */
  override getTextEmbeddings = async (texts: string[]): Promise<number[][]> => this.fn.generate(texts);
}
