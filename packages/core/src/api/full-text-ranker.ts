import { ValidationError } from '../errors.js';
import type { Where, WhereDocument } from '../search/filter/index.js';

/** A BM25 query over a collection's documents: `limit` ≥ 1 hits at most, restricted by the filters when given. */
export interface FullTextQuery {
  query: string;
  limit: number;
  where?: Where;
  whereDocument?: WhereDocument;
}

/**
 * What the Search API needs of the full-text index: the collection's
 * `fullTextSearch`, returning ids and BM25 scores, highest score first; it
 * throws ValidationError when the collection has no full-text index.
 */
export interface FullTextRanker {
  fullTextSearch(args: FullTextQuery): Promise<{ ids: string[]; scores: number[] }>;
}

/** The collection's full-text ranker; ValidationError (code `unsupported`) when this build has none. */
export function fullTextRankerOf(collection: object, path: (string | number)[]): FullTextRanker {
  const candidate = collection as Partial<FullTextRanker>;
  if (typeof candidate.fullTextSearch === 'function') return candidate as FullTextRanker;
  throw new ValidationError('full-text search is not available', [
    { code: 'unsupported', path, message: 'a $knn on #document ranks documents by BM25, which needs the full-text index; this collection offers none' },
  ]);
}
