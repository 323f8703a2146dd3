/**
 * A small deterministic embedding function of Chroma's shape for tests:
 * character trigrams of the lower-cased text hashed (FNV-1a) into `dim`
 * buckets, then scaled to unit length. Texts that share words land near each
 * other, so text-first searches have a meaningful nearest neighbour; no
 * model, no network. Counts its `generate` calls.
 */
export class ToyEmbedding {
  readonly name = 'toy-trigram';
  calls = 0;
  constructor(readonly dim = 32) {}

  async generate(texts: string[]): Promise<number[][]> {
    this.calls++;
    return texts.map((t) => embed(t, this.dim));
  }

  getConfig(): Record<string, unknown> {
    return { dim: this.dim };
  }

  static buildFromConfig(config: Record<string, unknown>): ToyEmbedding {
    return new ToyEmbedding(config.dim as number);
  }
}

function embed(text: string, dim: number): number[] {
  const v = new Array<number>(dim).fill(0);
  const s = ` ${text.toLowerCase()} `;
  for (let i = 0; i + 3 <= s.length; i++) {
    let h = 0x811c9dc5;
    for (let j = i; j < i + 3; j++) h = Math.imul(h ^ s.charCodeAt(j), 0x01000193) >>> 0;
    v[h % dim] += 1;
  }
  const norm = Math.hypot(...v) || 1;
  // Rounded to float32 so both sides of a parity test store the same numbers.
  return v.map((x) => Math.fround(x / norm));
}
