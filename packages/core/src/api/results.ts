import type { IncludeField, Metadata } from '../types.js';

/**
 * Result of `Collection.query`: one inner array per query embedding, ordered by
 * ascending distance. `metadatas` / `documents` hold nulls when not included;
 * `embeddings` is present only when included.
 */
export interface QueryResult {
  ids: string[][];
  distances: number[][];
  metadatas: (Metadata | null)[][];
  documents: (string | null)[][];
  embeddings?: number[][][];
  include: IncludeField[];
}

/** Result of `Collection.get` and `Collection.peek`. */
export interface GetResult {
  ids: string[];
  metadatas: (Metadata | null)[];
  documents: (string | null)[];
  embeddings?: number[][];
  include: IncludeField[];
}

export type { CollectionStats, Stats } from '../memory/collection-stats.js';

export const DEFAULT_QUERY_INCLUDE: IncludeField[] = ['metadatas', 'documents', 'distances'];
export const DEFAULT_GET_INCLUDE: IncludeField[] = ['metadatas', 'documents'];
