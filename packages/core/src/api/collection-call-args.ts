/** Argument types of the `Collection` methods (query, get, delete, modify). */
import type { Where, WhereDocument } from '../search/filter/index.js';
import type { IncludeField } from '../types.js';

/** Arguments of `Collection.query`: exactly one of `queryEmbeddings` and `queryTexts`. */
export interface QueryArgs {
  /** `number[][]` or `Float32Array[]`, q × dimension, finite float32-range values; or give `queryTexts`. */
  queryEmbeddings?: (number[] | Float32Array)[];
  /** q texts, embedded with the collection's embedding function (one `generate` call). */
  queryTexts?: string[];
  /** Results per query (k), an integer in 1…100,000; default 10. */
  nResults?: number;
  /** Nearest results to skip before the `nResults` returned (paging); default 0. */
  offset?: number;
  /** Metadata filter (Chroma's language); only matching records are searched. */
  where?: Where;
  /** Document-text filter; only matching records are searched. */
  whereDocument?: WhereDocument;
  /** Default `['metadatas', 'documents', 'distances']`. */
  include?: IncludeField[];
  /** HNSW candidate list size for this query, an integer in 1…100,000 (raised to k); default the collection's. */
  efSearch?: number;
  /** Brute-force search over every row (exact ground truth); default false. */
  exact?: boolean;
}

/** Arguments of `Collection.get`; with none, every record. Several selectors must all match. */
export interface GetArgs {
  /** Records with these ids, in this order; missing ids are skipped. */
  ids?: string[];
  /** Metadata filter (Chroma's language). */
  where?: Where;
  /** Document-text filter. */
  whereDocument?: WhereDocument;
  /** At most this many records (an integer ≥ 0); default all. */
  limit?: number;
  /** Skip this many matching records first (an integer ≥ 0); default 0. */
  offset?: number;
  /** Default `['metadatas', 'documents']`. */
  include?: IncludeField[];
}

/** Arguments of `Collection.delete`: at least one selector; several must all match. */
export interface DeleteArgs {
  /** Records with these ids; missing ids are ignored. */
  ids?: string[];
  /** Metadata filter (Chroma's language). */
  where?: Where;
  /** Document-text filter. */
  whereDocument?: WhereDocument;
}

/** Arguments of `Collection.modify`. */
export interface ModifyArgs {
  /** A new name (durable: the next manifest carries it); AlreadyExistsError when taken. */
  name?: string;
  /** Replaces the collection's metadata; `hnsw:*` keys may not change the index's settings. */
  metadata?: Record<string, unknown> | null;
}
