/**
 * @omendb/core — an embedded, durable vector database for Node.js with a
 * Chroma-shaped API. See the README for the durability contract.
 */
export { OmenDB, type OpenOptions, type CreateCollectionArgs } from './api/omendb.js';
export { Collection, type QueryArgs, type GetArgs, type DeleteArgs, type ModifyArgs } from './api/collection.js';
export type { GetCollectionArgs } from './api/collection-args.js';
export { registerEmbeddingFunction, type EmbeddingFunction, type EmbeddingFunctionClass } from './api/embedding-function.js';
export type { SparseEmbeddingFunction } from './api/sparse-embedding.js';
export type { SparseVector } from './storage/sparse-index.js';
export type { UpsertOptions } from './api/keep-metadata.js';
export type { DistinctArgs, DistinctResult, DistinctValue } from './api/distinct.js';
export type { RecordsInput } from './api/records.js';
export { QueryResult, GetResult, type GetRow, type QueryRow, type Stats, type CollectionStats } from './api/results.js';
export { SearchResult, type SearchResultRow } from './api/search-result.js';
export type { SearchLike, SearchOptions } from './api/collection-search.js';
export type { Where, WhereDocument } from './search/filter/index.js';
export {
  OmenError,
  ValidationError,
  DimensionMismatchError,
  DuplicateIdError,
  NotFoundError,
  AlreadyExistsError,
  CorruptionError,
  LockError,
  ClosedError,
  ReadOnlyError,
  IOError,
  EmbeddingFunctionError,
  type ValidationIssue,
} from './errors.js';
export type { PqSpec, QuantizationSpec } from './quantize/quantizer.js';
export { quantizationLabel } from './quantize/spec.js';
export type { Metadata, MetadataValue, MetadataScalar, Metric, IncludeField, Durability } from './types.js';
