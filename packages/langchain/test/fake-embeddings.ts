/**
 * Deterministic embeddings for tests, no model or network:
 * - {@link DeterministicFakeEmbeddings}: the JS counterpart of LangChain
 *   Python's `DeterministicFakeEmbedding` — a Gaussian vector seeded by a hash
 *   of the text, so equal texts embed equally and different texts land far
 *   apart at random.
 * - {@link TableEmbeddings}: vectors chosen by the test, for geometry a test
 *   must control (orderings, MMR).
 */
import { Embeddings } from '@langchain/core/embeddings';
import { seededRandom } from '../../core/test/helpers/tmp.js';

/** The standard suite's embedding size (LangChain's `EMBEDDING_SIZE = 6`). */
export const EMBEDDING_SIZE = 6;

export class DeterministicFakeEmbeddings extends Embeddings {
  /** Texts embedded so far, in order (a test can check what was embedded). */
  readonly calls: string[] = [];

  constructor(readonly size: number = EMBEDDING_SIZE) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.vector(text));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.vector(text);
  }

  private vector(text: string): number[] {
    this.calls.push(text);
    const next = seededRandom(fnv1a(text));
    const out: number[] = [];
    while (out.length < this.size) {
      // Box–Muller: two uniforms in (0, 1] to one standard normal.
      const u = 1 - next();
      const v = next();
      out.push(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    }
    return out;
  }
}

/** Embeds each text by looking it up; an unknown text is a test bug and throws. */
export class TableEmbeddings extends Embeddings {
  constructor(private readonly table: Record<string, number[]>) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.lookup(text));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.lookup(text);
  }

  private lookup(text: string): number[] {
    const v = this.table[text];
    if (v === undefined) throw new Error(`TableEmbeddings has no vector for ${JSON.stringify(text)}`);
    return [...v];
  }
}

/** FNV-1a, 32-bit, over UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
