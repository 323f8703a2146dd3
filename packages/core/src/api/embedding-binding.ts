import { EmbeddingFunctionError } from '../errors.js';
import type { EmbeddingFunctionRecord } from '../format/manifest.js';
import { defaultEmbeddingClass } from './default-embedding.js';
import type { SparseEmbeddingFunction } from './sparse-embedding.js';
import { checkSameFunction, DEFAULT_EMBEDDING_FUNCTION_NAME, registeredEmbeddingFunction, type EmbeddingFunction } from './embedding-function.js';

/**
 * The embedding function of one open collection: the one passed to
 * `createCollection` / `getCollection` in this process, else the one its
 * manifest records, rebuilt through the registry on the first text call
 * (the default package is imported only then).
 */
export class EmbeddingBinding {
  private given: EmbeddingFunction | undefined;
  private built: Promise<EmbeddingFunction> | undefined;
  private rebuilt: EmbeddingFunction | undefined;
  /** The sparse embedding function of the collection's sparse-vector index, passed (in its schema) to create/getCollection in this process. */
  sparse: SparseEmbeddingFunction | undefined;

  constructor(
    private readonly collection: () => string,
    private readonly recorded: () => EmbeddingFunctionRecord | undefined,
  ) {}

  /** The function in use: the one passed, else the one rebuilt so far (undefined before the first text call). */
  get current(): EmbeddingFunction | undefined {
    return this.given ?? this.rebuilt;
  }

  /** Whether the collection has a function: one passed, or one recorded in its manifest. */
  get exists(): boolean {
    return this.given !== undefined || this.recorded() !== undefined;
  }

  /** Uses `ef` from now on; throws EmbeddingFunctionError when it is not the recorded one. */
  bind(ef: EmbeddingFunction): void {
    checkSameFunction(this.collection(), this.recorded(), ef);
    this.given = ef;
  }

  /** The function for a text call; throws EmbeddingFunctionError naming what to pass or install. */
  async resolve(): Promise<EmbeddingFunction> {
    if (this.given) return this.given;
    // A failed build is not cached: the user may install the package or register the class and retry.
    this.built ??= this.build().then(
      (ef) => (this.rebuilt = ef),
      (err: unknown) => {
        this.built = undefined;
        throw err;
      },
    );
    return this.built;
  }

  private async build(): Promise<EmbeddingFunction> {
    const name = this.collection();
    const record = this.recorded();
    if (record === undefined) {
      throw new EmbeddingFunctionError(
        `collection ${JSON.stringify(name)} has no embedding function: pass \`embeddingFunction\` to getCollection, or give embeddings`,
      );
    }
    if (record.type === 'legacy') {
      throw new EmbeddingFunctionError(
        `collection ${JSON.stringify(name)} was created with an embedding function that has no name or config, so it cannot be rebuilt: pass it again as \`embeddingFunction\` to getCollection`,
      );
    }
    const cls = registeredEmbeddingFunction(record.name) ?? (record.name === DEFAULT_EMBEDDING_FUNCTION_NAME ? await defaultEmbeddingClass() : undefined);
    if (cls === undefined) {
      throw new EmbeddingFunctionError(
        `collection ${JSON.stringify(name)} was created with embedding function ${JSON.stringify(record.name)}: pass it as \`embeddingFunction\` to getCollection, or register its class with registerEmbeddingFunction(${JSON.stringify(record.name)}, …)`,
      );
    }
    try {
      return cls.buildFromConfig(record.config);
    } catch (err) {
      throw new EmbeddingFunctionError(`embedding function ${JSON.stringify(record.name)} could not be rebuilt from its stored config: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}
