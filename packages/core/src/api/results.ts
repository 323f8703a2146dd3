import type { IncludeField, Metadata } from '../types.js';

/** One record of a `get` result as `rows()` gives it; fields not in `include` are undefined (Chroma's shape). */
export interface GetRow {
  id: string;
  document: string | null | undefined;
  embedding: number[] | undefined;
  metadata: Metadata | null | undefined;
}

/** One hit of a `query` result as `rows()` gives it; fields not in `include` are undefined. */
export interface QueryRow extends GetRow {
  distance: number | null | undefined;
}

/**
 * Result of `Collection.query`: one inner array per query, ordered by
 * ascending distance (Chroma's `QueryResult`). `metadatas` / `documents` hold
 * nulls when not included; `embeddings` is present only when included.
 */
export class QueryResult {
  ids: string[][];
  distances: number[][];
  metadatas: (Metadata | null)[][];
  documents: (string | null)[][];
  // Declared, not defined: the field is absent unless embeddings are included.
  declare embeddings?: number[][][];

  /** `queries`: the number of inner arrays, each to be set (by index) before the result is handed out; 0 for arrays to push to. */
  constructor(
    readonly include: IncludeField[],
    queries = 0,
  ) {
    // Made at their final length: arrays grown by push from empty take room for 17 (~150 bytes each per call).
    this.ids = new Array(queries);
    this.distances = new Array(queries);
    this.metadatas = new Array(queries);
    this.documents = new Array(queries);
    if (include.includes('embeddings')) this.embeddings = new Array(queries);
  }

  /** The hits of each query as objects `{ id, document, embedding, metadata, distance }`, as Chroma's `rows()`. */
  rows(): QueryRow[][] {
    const has = (f: IncludeField) => this.include.includes(f);
    return this.ids.map((ids, q) =>
      ids.map((id, i) => ({
        id,
        document: has('documents') ? this.documents[q][i] : undefined,
        embedding: has('embeddings') ? this.embeddings?.[q][i] : undefined,
        metadata: has('metadatas') ? this.metadatas[q][i] : undefined,
        distance: has('distances') ? this.distances[q][i] : undefined,
      })),
    );
  }
}

/** Result of `Collection.get` and `Collection.peek` (Chroma's `GetResult`). */
export class GetResult {
  constructor(
    readonly ids: string[],
    readonly metadatas: (Metadata | null)[],
    readonly documents: (string | null)[],
    readonly include: IncludeField[],
    readonly embeddings?: number[][],
  ) {
    // Absent rather than undefined when not included, as before results became classes.
    if (embeddings === undefined) delete (this as { embeddings?: unknown }).embeddings;
  }

  /** The records as objects `{ id, document, embedding, metadata }`, as Chroma's `rows()`. */
  rows(): GetRow[] {
    const has = (f: IncludeField) => this.include.includes(f);
    return this.ids.map((id, i) => ({
      id,
      document: has('documents') ? this.documents[i] : undefined,
      embedding: has('embeddings') ? this.embeddings?.[i] : undefined,
      metadata: has('metadatas') ? this.metadatas[i] : undefined,
    }));
  }
}

export type { CollectionStats, Stats } from '../memory/collection-stats.js';

export const DEFAULT_QUERY_INCLUDE: IncludeField[] = ['metadatas', 'documents', 'distances'];
export const DEFAULT_GET_INCLUDE: IncludeField[] = ['metadatas', 'documents'];
