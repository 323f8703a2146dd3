/**
 * The typed form of one Chroma Search (Chroma's `SearchPayload`: filter,
 * rank, group_by, limit, select), as parse-search.ts produces it from
 * Chroma's builders or their JSON. Scores follow Chroma: lower is better.
 */
import type { SearchWhere } from './search-where.js';

/** The full-text key of `$knn`: a text query ranked by BM25 over the documents. */
export const DOCUMENT_KEY = '#document';
/** The dense key of `$knn`: the collection's embedding (Chroma's default key). */
export const EMBEDDING_KEY = '#embedding';
export const METADATA_KEY = '#metadata';
export const SCORE_KEY = '#score';
export const ID_KEY = '#id';

/** A sparse query vector (Chroma's `SparseVector`); parsed so the error can name it. */
export interface SparseQuery {
  indices: number[];
  values: number[];
}

/**
 * One `$knn` leaf: the `limit` nearest records to `query` under `key`, each
 * scored by its distance (or its 0-based position with `returnRank`);
 * records outside the `limit` score `default`, or drop out of any
 * expression the leaf takes part in when there is no default.
 */
export interface KnnLeaf {
  /** Position in depth-first order of the rank expression (Chroma evaluates leaves in that order). */
  index: number;
  /** Where the leaf is in the input, for error paths: `['searches', 0, 'rank', '$mul', 0, …, '$knn']`. */
  path: (string | number)[];
  /** A dense vector, a text (embedded for `#embedding`, BM25 for `#document`) or a sparse vector. */
  query: number[] | string | SparseQuery;
  key: string;
  /** Candidates the leaf returns, ≥ 1 (Chroma's default 16 when the JSON omits it). */
  limit: number;
  default: number | undefined;
  returnRank: boolean;
}

/** A rank expression (Chroma's `RankExpr`), evaluated by rank-domain.ts. */
export type RankNode =
  | { op: 'val'; value: number }
  | { op: 'knn'; leaf: KnnLeaf }
  | { op: 'sum' | 'mul' | 'max' | 'min'; args: RankNode[] }
  | { op: 'sub' | 'div'; left: RankNode; right: RankNode }
  | { op: 'abs' | 'exp' | 'log'; arg: RankNode };

/** Chroma's `$min_k` / `$max_k`: the k records of a group with the smallest / largest sort keys. */
export interface Aggregate {
  kind: 'min_k' | 'max_k';
  /** Metadata keys or `#score`, compared in order (later keys break ties). */
  keys: string[];
  k: number;
}

export interface GroupBySpec {
  /** Metadata keys whose values form a group (a missing key is its own value). */
  keys: string[];
  aggregate: Aggregate;
}

/** What a result row carries besides its id. */
export interface Projection {
  document: boolean;
  embedding: boolean;
  score: boolean;
  /** Every metadata key (`#metadata`). */
  allMetadata: boolean;
  /** Metadata keys selected one by one. */
  metadataKeys: string[];
  /** The selected keys, sorted as Chroma reports them in `SearchResult.select`. */
  keys: string[];
}

export interface SearchPlan {
  /** The compiled filter (Chroma's unified where: metadata keys, `#document`, `#id`); undefined for none. */
  where: SearchWhere | undefined;
  rank: RankNode | undefined;
  /** The `$knn` leaves of `rank`, depth-first. */
  knn: KnnLeaf[];
  groupBy: GroupBySpec | undefined;
  offset: number;
  /** Undefined: every ranked (or matching) record. */
  limit: number | undefined;
  select: Projection;
}
