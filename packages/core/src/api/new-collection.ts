import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { ManifestState } from '../format/manifest.js';
import { validateQuantizationSpec } from '../quantize/spec.js';
import { collectionConfig, createArgsSchema, foldConfiguration } from './collection-args.js';
import { DEFAULT_EMBEDDING_FUNCTION_NAME, recordOf, type EmbeddingFunction } from './embedding-function.js';
import { fullTextEntry } from './full-text-wiring.js';
import { readChromaSchema, type SchemaSettings } from './chroma-schema.js';
import type { SparseEmbeddingFunction } from './sparse-embedding.js';
import type { CreateCollectionArgs } from './options.js';
import { parse } from './schemas.js';

/**
 * The first manifest state of the collection `args` describe, with a new id,
 * and the embedding function to bind to it. Throws ValidationError for bad
 * arguments or combinations (see `CreateCollectionArgs`).
 */
export function planCollection(args: CreateCollectionArgs): { name: string; ef: EmbeddingFunction | undefined; sparseEf: SparseEmbeddingFunction | undefined; state: ManifestState } {
  const a = withSchema(foldConfiguration(parse(createArgsSchema, args, 'createCollection arguments')));
  const ef = a.embeddingFunction ?? undefined;
  // As Chroma: the default is recorded by name (its package is imported only when text needs it).
  const quantization = validateQuantizationSpec(a.quantization, a.dimension ?? null);
  if (a.dimension === 0 && quantization !== 'none') {
    throw new ValidationError('invalid createCollection arguments', [
      { code: 'invalid_combination', path: ['quantization'], message: 'a collection without vectors (dimension 0) has nothing to quantize' },
    ]);
  }
  if (a.dimension === 0 && ef) {
    throw new ValidationError('invalid createCollection arguments', [
      { code: 'invalid_combination', path: ['embeddingFunction'], message: 'a collection without vectors (dimension 0) embeds nothing' },
    ]);
  }
  // A collection without vectors records no function: its documents are stored, never embedded.
  const embeddingFunction =
    a.embeddingFunction === null || a.dimension === 0
      ? undefined
      : ef
        ? recordOf(ef)
        : ({ type: 'known', name: DEFAULT_EMBEDDING_FUNCTION_NAME, config: {} } as const);
  const config = collectionConfig(a);
  if (a.rescore !== undefined && quantization === 'none') {
    throw new ValidationError('invalid createCollection arguments', [
      { code: 'invalid_combination', path: ['rescore'], message: 'rescore applies only with quantization' },
    ]);
  }
  const state: ManifestState = {
    id: randomUUID().replace(/-/g, ''),
    name: a.name,
    dimension: a.dimension ?? null,
    metric: config.metric,
    metadata: a.metadata ?? null,
    hnsw: config.hnsw,
    ...(quantization === 'none' ? {} : { quantization }),
    ...(a.rescore === undefined ? {} : { rescore: a.rescore }),
    ...(embeddingFunction === undefined ? {} : { embeddingFunction }),
    ...fullTextEntry(a.fullText),
    ...(a.sparse ? { sparse: a.sparse } : {}),
    checkpointLsn: 0,
    nextSegmentId: 1,
    segments: [],
  };
  return { name: a.name, ef, sparseEf: a.sparseEmbeddingFunction, state };
}

type Folded = ReturnType<typeof foldConfiguration>;

/** Folds Chroma's `schema` into the other arguments; ValidationError when both name one setting differently. */
function withSchema(a: Folded): Omit<Folded, 'schema'> & Pick<SchemaSettings, 'sparse' | 'sparseEmbeddingFunction'> {
  const { schema, ...rest } = a;
  if (schema === undefined || schema === null) return rest;
  const s = readChromaSchema(schema);
  const conflict = (path: string) => new ValidationError('invalid createCollection arguments', [{ code: 'invalid_combination', path: ['schema', path], message: 'also given outside the schema, differently' }]);
  if (s.metric !== undefined && a.metric !== undefined && a.metric !== s.metric) throw conflict('#embedding.space');
  if (s.embeddingFunction !== undefined && a.embeddingFunction != null && a.embeddingFunction !== s.embeddingFunction) throw conflict('#embedding.embeddingFunction');
  if (s.fullText !== undefined && a.fullText !== undefined && Boolean(a.fullText) !== s.fullText) throw conflict('#document.ftsIndex');
  return {
    ...rest,
    metric: a.metric ?? s.metric,
    embeddingFunction: a.embeddingFunction !== undefined ? a.embeddingFunction : s.embeddingFunction,
    fullText: a.fullText ?? s.fullText,
    sparse: s.sparse,
    sparseEmbeddingFunction: s.sparseEmbeddingFunction,
  };
}
