import { describe, expect, it } from 'vitest';
import { loadJsonl } from '../src/corpus/load.js';
import { textForEmbedding } from '../src/corpus/passage.js';
import { HashingEmbedder } from '../src/embedder/hashing-embedder.js';
import { HAS_RUST_BOOK, RUST_BOOK_JSONL } from './rust-book.js';

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Indexes of `documents` by descending cosine similarity to `query` (vectors are unit length). */
function rank(embedder: HashingEmbedder, query: string, documents: Float32Array[]): number[] {
  const q = embedder.embed(query);
  return documents
    .map((d, i) => [dot(q, d), i] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([, i]) => i);
}

describe('HashingEmbedder', () => {
  it('is deterministic: same text, bit-identical vector, across instances', () => {
    const text = 'The write-ahead log is fsynced before add() resolves.';
    const a = new HashingEmbedder().embed(text);
    const b = new HashingEmbedder().embed(text);
    expect(a).toBeInstanceOf(Float32Array);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('returns unit-length vectors of the configured dimension, even for empty text', () => {
    for (const dimension of [16, 384, 1000]) {
      const embedder = new HashingEmbedder({ dimension });
      expect(embedder.dimension).toBe(dimension);
      for (const text of ['', '?!', 'the of and', 'Ownership rules in Rust', 'x'.repeat(10_000)]) {
        const v = embedder.embed(text);
        expect(v.length).toBe(dimension);
        expect(norm(v)).toBeCloseTo(1, 5);
      }
    }
  });

  it('embedBatch equals embed per text', () => {
    const embedder = new HashingEmbedder();
    const texts = ['vectors and slices', 'hash maps', ''];
    const batch = embedder.embedBatch(texts);
    texts.forEach((text, i) => expect(Array.from(batch[i])).toEqual(Array.from(embedder.embed(text))));
  });

  it('puts texts that share words closer than texts that do not', () => {
    const e = new HashingEmbedder();
    const q = e.embed('recoverable errors with Result');
    expect(dot(q, e.embed('Most errors are recoverable: return a Result instead of panicking.'))).toBeGreaterThan(
      dot(q, e.embed('Threads run code concurrently and share data through channels.')),
    );
  });

  it('rejects an unusable dimension or weight', () => {
    expect(() => new HashingEmbedder({ dimension: 8 })).toThrow(RangeError);
    expect(() => new HashingEmbedder({ dimension: 100.5 })).toThrow(RangeError);
    expect(() => new HashingEmbedder({ bigramWeight: -1 })).toThrow(RangeError);
    expect(() => new HashingEmbedder({ trigramWeight: Number.NaN })).toThrow(RangeError);
  });

  it('retrieves the answering passage among hand-written ones', () => {
    const passages = [
      'A hash map stores keys and values; insert adds a pair and get looks up the value for a key.',
      'Spawn a thread with a closure; join waits for the thread to finish.',
      'A function that can fail returns Result, with Ok for success and Err for the error, and the caller handles both.',
      'Tests are functions annotated with the test attribute; cargo test runs them.',
    ];
    const e = new HashingEmbedder();
    const vectors = e.embedBatch(passages);
    expect(rank(e, 'How do I handle errors with Result?', vectors)[0]).toBe(2);
    expect(rank(e, 'How do I store keys and values in a hash map?', vectors)[0]).toBe(0);
    expect(rank(e, 'How do I run my tests?', vectors)[0]).toBe(3);
    expect(rank(e, 'How do I wait for a thread to finish?', vectors)[0]).toBe(1);
  });

  describe.skipIf(!HAS_RUST_BOOK)(`on the Rust book (${RUST_BOOK_JSONL})`, () => {
    it('ranks an answering chapter in the top 3 for each demo question over all 1,083 passages', async () => {
      const { passages } = await loadJsonl(RUST_BOOK_JSONL);
      const e = new HashingEmbedder();
      const vectors = e.embedBatch(passages.map(textForEmbedding));
      const expectations: [string, RegExp][] = [
        ['How do I handle errors with Result?', /ch09-02-recoverable-errors-with-result/],
        ['How do I share state between threads with a mutex?', /ch16-03-shared-state/],
        ['What are lifetimes and why do references need them?', /ch10-03-lifetime-syntax/],
        ['How do I store keys and values in a hash map?', /ch08-03-hash-maps/],
      ];
      for (const [question, file] of expectations) {
        const top3 = rank(e, question, vectors)
          .slice(0, 3)
          .map((i) => passages[i].file);
        expect(top3.some((f) => file.test(f)), `${question} → ${top3.join(', ')}`).toBe(true);
      }
    });
  });
});
