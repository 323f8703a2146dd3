/**
 * A deterministic embedding model for tests: words hashed into signed buckets
 * (FNV-1a), L2-normalised. Texts sharing words are close; no network, no model.
 */
import { BaseEmbedding } from 'llamaindex';

export const MOCK_DIMENSION = 32;

/** The unit vector for `text`; a text without words maps to a fixed unit vector. */
export function mockEmbed(text: string, dimension = MOCK_DIMENSION): number[] {
  const v = new Array<number>(dimension).fill(0);
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  for (const word of words) {
    const h = fnv1a(word);
    v[h % dimension] += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.hypot(...v);
  if (norm === 0) {
    v[0] = 1;
    return v;
  }
  return v.map((x) => x / norm);
}

export class MockEmbedding extends BaseEmbedding {
  /** Number of texts embedded so far, to check which model an index used. */
  calls = 0;

  constructor(readonly dimension = MOCK_DIMENSION) {
    super();
  }

  async getTextEmbedding(text: string): Promise<number[]> {
    this.calls++;
    return mockEmbed(text, this.dimension);
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
