import { beforeAll, describe, expect, it } from 'vitest';
import {
  DefaultEmbeddingFunction,
  EmbedValidationError,
  MODEL_DIMENSION,
} from '../src/index.js';

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

// Paraphrases sharing (almost) no content word, so a lexical embedder cannot
// match them; each `a` should be nearest its own `b`.
const PAIRS: Array<[string, string]> = [
  ['How do I reset my password?', 'I forgot my login credentials and need new ones.'],
  ['The cat is sleeping on the sofa.', 'A kitten naps on the couch.'],
  ['The stock market crashed today.', 'Share prices plunged sharply this afternoon.'],
  ['He is cooking pasta for dinner.', 'A man prepares spaghetti as his evening meal.'],
  ['The car would not start this morning.', "My automobile's engine failed to turn over at dawn."],
  ['Heavy rain flooded the streets.', 'A downpour left the roads under water.'],
  ['She is learning to play the violin.', 'A woman takes lessons on a string instrument.'],
  ['The doctor prescribed antibiotics for the infection.', 'A physician gave medicine to treat bacteria.'],
];

describe('DefaultEmbeddingFunction', () => {
  const ef = new DefaultEmbeddingFunction();
  let a: number[][];
  let b: number[][];

  beforeAll(async () => {
    // One call loads the model (once per file) and embeds every pair.
    const all = await ef.generate(PAIRS.flat());
    a = all.filter((_, i) => i % 2 === 0);
    b = all.filter((_, i) => i % 2 === 1);
  });

  it('has the contract Chroma and core expect', () => {
    expect(ef.name).toBe('omendb-default');
    expect(ef.defaultSpace()).toBe('cosine');
    expect(ef.supportedSpaces()).toEqual(['cosine', 'ip', 'l2']);
    expect(JSON.parse(JSON.stringify(ef.getConfig()))).toEqual(ef.getConfig());
  });

  it('returns one unit-length 512-d vector per text', () => {
    expect(a).toHaveLength(PAIRS.length);
    for (const v of [...a, ...b]) {
      expect(v).toHaveLength(MODEL_DIMENSION);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-4);
    }
  });

  it('is deterministic: bit-identical on a repeat, equal to float32 rounding across batches', async () => {
    expect((await ef.generate(PAIRS.flat()))[0]).toEqual(a[0]);
    // Another batch shape changes the matrix kernels' summation order, so only rounding may differ.
    const small = new DefaultEmbeddingFunction({ batchSize: 3 });
    const again = await small.generate([PAIRS[4][1], 'unrelated filler', PAIRS[0][0]]);
    const rebuilt = DefaultEmbeddingFunction.buildFromConfig(ef.getConfig());
    const [alone] = await rebuilt.generate([PAIRS[2][0]]);
    for (const [got, want] of [[again[0], b[4]], [again[2], a[0]], [alone, a[2]]]) {
      const worst = Math.max(...got.map((x, i) => Math.abs(x - want[i])));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('scores each paraphrase above every unrelated sentence', () => {
    PAIRS.forEach((_, i) => {
      const own = dot(a[i], b[i]);
      const others = b.filter((_, j) => j !== i).map((v) => dot(a[i], v));
      expect(own, `pair ${i}: ${PAIRS[i][0]}`).toBeGreaterThan(Math.max(...others));
    });
  });

  it('keeps empty texts in place, wherever they are in the batch', async () => {
    const [first, x1] = await ef.generate(['', 'x']);
    const [x2, last] = await ef.generate(['x', '']);
    const [alone] = await ef.generate(['']);
    expect(x1).toEqual(x2);
    expect(last).toEqual(first);
    expect(alone).toEqual(first);
    expect(first).toHaveLength(MODEL_DIMENSION);
    expect(await ef.generate([])).toEqual([]);
  });

  it('rejects bad input and bad configs with typed errors', async () => {
    await expect(ef.generate(['ok', 3 as unknown as string])).rejects.toBeInstanceOf(EmbedValidationError);
    await expect(ef.generate('text' as unknown as string[])).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(() => DefaultEmbeddingFunction.buildFromConfig({ model: 'all-MiniLM-L6-v2' })).toThrow(EmbedValidationError);
    expect(() => new DefaultEmbeddingFunction({ batchSize: 0 })).toThrow(EmbedValidationError);
    expect(() => DefaultEmbeddingFunction.buildFromConfig({ batchSize: 8, extra: 1 })).toThrow(EmbedValidationError);
    expect(() => ef.validateConfigUpdate({ batchSize: 64 })).not.toThrow();
    expect(() => ef.validateConfigUpdate({ dimension: 384 })).toThrow(EmbedValidationError);
  });
});
