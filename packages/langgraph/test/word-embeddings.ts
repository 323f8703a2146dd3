import { Embeddings } from '@langchain/core/embeddings';

/**
 * Deterministic bag-of-words embeddings for tests: each lower-cased word adds
 * 1 to a hashed coordinate, plus a constant coordinate so no text embeds to
 * zero. Texts sharing words are close, which gives semantic search a ranking
 * a test can predict without a model.
 */
export class WordEmbeddings extends Embeddings {
  calls = 0;

  constructor(readonly dims = 64) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.calls++;
    return texts.map((t) => this.vector(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.vector(text);
  }

  private vector(text: string): number[] {
    const out = new Array<number>(this.dims).fill(0);
    out[0] = 0.1;
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) out[1 + (fnv1a(word) % (this.dims - 1))] += 1;
    return out;
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
