/**
 * A deterministic feature-hashing text embedder that runs locally with no
 * model, network or API key.
 *
 * It is lexical, not semantic: two texts are close when they share words, word
 * pairs and word fragments, not when they mean the same thing ("car" and
 * "automobile" are unrelated to it). It is here so the examples run anywhere;
 * swap in a real embedding model for real retrieval.
 *
 * Method (the "hashing trick", Weinberger et al. 2009, "Feature Hashing for
 * Large Scale Multitask Learning", ICML):
 * 1. {@link contentWords}: lowercase, split on non-alphanumerics, drop stop
 *    words, strip plurals.
 * 2. Features: each word (unigram), each adjacent pair of content words
 *    (bigram), and the character trigrams of each word padded with `^`/`$`
 *    (so "error" and "erroneous" still share "^er", "err", "rro").
 * 3. Each feature's count `tf` becomes `weight · (1 + ln tf)` (sublinear tf, so a
 *    word repeated ten times does not drown the rest).
 * 4. The feature is hashed ({@link hash32}) to `bucketsPerFeature` buckets
 *    (`h mod dimension`) each with a sign from the hash's top bit, adding
 *    `± value / √bucketsPerFeature` to each. Signed hashing makes collisions
 *    cancel in expectation instead of piling up; spreading a feature over two
 *    buckets ("multiple hashing", same paper) halves the damage of any one
 *    collision, so a single unlucky collision rarely decides a ranking at 384
 *    dimensions while a shared feature still counts in full.
 * 5. The vector is L2-normalised, so cosine distance and `1 − dot` agree.
 *
 * Same text in, bit-identical vector out, run after run: the arithmetic is
 * float32 accumulation in a fixed order, and V8's `Math.log` (fdlibm) and
 * `Math.sqrt` (correctly rounded) do not vary between machines.
 */
import { fmix32, hash32 } from './hash32.js';
import { contentWords } from './tokenize.js';

/** Options of {@link HashingEmbedder}; every field has a default. */
export interface HashingEmbedderOptions {
  /** Output length, integer ≥ 16. Default 384 (the size of common small sentence models). */
  dimension?: number;
  /** Weight of a word pair relative to a single word, ≥ 0; 0 turns pairs off. Default 0.2. */
  bigramWeight?: number;
  /** Weight of one character trigram relative to a single word, ≥ 0; 0 turns trigrams off. Default 0.4. */
  trigramWeight?: number;
  /** Buckets each feature is spread over, integer 1–8; cost grows linearly. Default 2. */
  bucketsPerFeature?: number;
}

const DEFAULT_DIMENSION = 384;
// Chosen on SciFact (train qrels) and hand-written Rust-book questions:
// trigrams help with word forms, pairs help little once trigrams are in.
const DEFAULT_BIGRAM_WEIGHT = 0.2;
const DEFAULT_TRIGRAM_WEIGHT = 0.4;
const DEFAULT_BUCKETS_PER_FEATURE = 2;
/** Odd constant (2^32 / golden ratio) that decorrelates the extra buckets' hashes from the first. */
const BUCKET_SEED_STEP = 0x9e3779b9;

/** Feature-hashing embedder; see the module comment for the method and its limits. */
export class HashingEmbedder {
  /** Length of every vector this embedder returns. */
  readonly dimension: number;
  private readonly bigramWeight: number;
  private readonly trigramWeight: number;
  private readonly bucketsPerFeature: number;

  /**
   * @throws RangeError if `dimension` is not an integer ≥ 16, a weight is negative
   * or not finite, or `bucketsPerFeature` is not an integer in 1–8.
   */
  constructor(options: HashingEmbedderOptions = {}) {
    const dimension = options.dimension ?? DEFAULT_DIMENSION;
    if (!Number.isInteger(dimension) || dimension < 16) {
      throw new RangeError(`dimension must be an integer >= 16, got ${dimension}`);
    }
    const bigramWeight = options.bigramWeight ?? DEFAULT_BIGRAM_WEIGHT;
    const trigramWeight = options.trigramWeight ?? DEFAULT_TRIGRAM_WEIGHT;
    for (const [name, value] of [
      ['bigramWeight', bigramWeight],
      ['trigramWeight', trigramWeight],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
    }
    const bucketsPerFeature = options.bucketsPerFeature ?? DEFAULT_BUCKETS_PER_FEATURE;
    if (!Number.isInteger(bucketsPerFeature) || bucketsPerFeature < 1 || bucketsPerFeature > 8) {
      throw new RangeError(`bucketsPerFeature must be an integer in 1..8, got ${bucketsPerFeature}`);
    }
    this.dimension = dimension;
    this.bucketsPerFeature = bucketsPerFeature;
    this.bigramWeight = bigramWeight;
    this.trigramWeight = trigramWeight;
  }

  /**
   * Embeds one text.
   * @returns `Float32Array` of length `dimension`, unit L2 norm. A text with no
   * content words (empty, only stop words or punctuation) maps to one fixed unit
   * vector, so cosine distance stays defined.
   */
  embed(text: string): Float32Array {
    const features = this.features(text);
    const vector = new Float32Array(this.dimension);
    if (features.size === 0) features.set('empty:', 1);
    const share = 1 / Math.sqrt(this.bucketsPerFeature);
    for (const [feature, weightedTf] of features) {
      const first = hash32(feature);
      const value = weightedTf * share;
      for (let i = 0; i < this.bucketsPerFeature; i++) {
        // Deriving the extra hashes from the first avoids re-hashing the string.
        const h = i === 0 ? first : fmix32((first + i * BUCKET_SEED_STEP) >>> 0);
        vector[(h & 0x7fffffff) % this.dimension] += h & 0x80000000 ? -value : value;
      }
    }
    return normalise(vector);
  }

  /** Embeds each text; `result[i]` is `embed(texts[i])`. */
  embedBatch(texts: string[]): Float32Array[] {
    return texts.map((text) => this.embed(text));
  }

  /** Feature → `weight · (1 + ln tf)`. Prefixes keep the three feature kinds from colliding by name. */
  private features(text: string): Map<string, number> {
    const words = contentWords(text);
    const counts = new Map<string, { tf: number; weight: number }>();
    const count = (feature: string, weight: number): void => {
      const entry = counts.get(feature);
      if (entry) entry.tf += 1;
      else counts.set(feature, { tf: 1, weight });
    };
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      count(`w:${word}`, 1);
      if (this.bigramWeight > 0 && i + 1 < words.length) count(`b:${word} ${words[i + 1]}`, this.bigramWeight);
      if (this.trigramWeight > 0) {
        const padded = `^${word}$`;
        for (let j = 0; j + 3 <= padded.length; j++) count(`c:${padded.slice(j, j + 3)}`, this.trigramWeight);
      }
    }
    const weighted = new Map<string, number>();
    for (const [feature, { tf, weight }] of counts) weighted.set(feature, weight * (1 + Math.log(tf)));
    return weighted;
  }
}

/** Scales `vector` in place to unit L2 norm; a zero vector is returned unchanged. */
function normalise(vector: Float32Array): Float32Array {
  let sumSquares = 0;
  for (let i = 0; i < vector.length; i++) sumSquares += vector[i] * vector[i];
  if (sumSquares === 0) return vector;
  const inverseNorm = 1 / Math.sqrt(sumSquares);
  for (let i = 0; i < vector.length; i++) vector[i] *= inverseNorm;
  return vector;
}
