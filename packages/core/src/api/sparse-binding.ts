import { EmbeddingFunctionError } from '../errors.js';
import type { ManifestState } from '../format/manifest.js';
import { readChromaSchema } from './chroma-schema.js';
import type { EmbeddingBinding } from './embedding-binding.js';

/**
 * Binds the sparse embedding function of `schema` (passed again to
 * getCollection) to an open collection; throws EmbeddingFunctionError when
 * the schema's sparse index is not the collection's (another key, or another
 * function by name).
 */
export function bindSchema(embedder: EmbeddingBinding, manifest: ManifestState, schema: unknown): void {
  const s = readChromaSchema(schema);
  if (!s.sparse) return;
  const recorded = manifest.sparse;
  if (!recorded || recorded.key !== s.sparse.key) {
    throw new EmbeddingFunctionError(
      `collection ${JSON.stringify(manifest.name)} has ${recorded ? `its sparse-vector index on ${JSON.stringify(recorded.key)}` : 'no sparse-vector index'}; the schema puts one on ${JSON.stringify(s.sparse.key)}`,
    );
  }
  const name = s.sparse.embeddingFunction?.name;
  if (recorded.embeddingFunction && name !== undefined && name !== recorded.embeddingFunction.name) {
    throw new EmbeddingFunctionError(`collection ${JSON.stringify(manifest.name)} was created with sparse embedding function ${JSON.stringify(recorded.embeddingFunction.name)}, not ${JSON.stringify(name)}`);
  }
  embedder.sparse = s.sparseEmbeddingFunction;
}
