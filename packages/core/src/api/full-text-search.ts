import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { compileWhere, compileWhereDocument } from '../search/filter/index.js';
import type { Where, WhereDocument } from '../search/filter/index.js';
import { requiredTerms } from '../search/contains-terms.js';
import { searchFullText } from '../search/full-text.js';
import type { RowFilter } from '../search/fanout.js';
import type { CollectionStore } from '../storage/collection-store.js';
import type { TextIndexer } from '../storage/text-index.js';
import { parse } from './schemas.js';

/** Arguments of `Collection.fullTextSearch`. */
export interface FullTextSearchArgs {
  /** Text to rank by; analysed as the documents are (English, see CreateCollectionArgs.fullText). */
  query: string;
  /** Most results returned, 0…1,000,000. */
  limit: number;
  where?: Where;
  whereDocument?: WhereDocument;
}

const argsSchema = z
  .object({ query: z.string(), limit: z.number().int().min(0).max(1_000_000), where: z.unknown().optional(), whereDocument: z.unknown().optional() })
  .strict();

/**
 * BM25 ranking of the collection's live records by `query` (see
 * search/full-text.ts): ids and scores, highest score first, ties by id;
 * records without a query term never appear. Throws ValidationError, issue
 * code `no_full_text_index`, when the collection was created without
 * `fullText`, and for malformed arguments or filters.
 */
export function fullTextSearch(store: CollectionStore, args: FullTextSearchArgs): { ids: string[]; scores: number[] } {
  const a = parse(argsSchema, args, 'fullTextSearch arguments');
  const text = store.state.factory.text;
  if (!text) {
    throw new ValidationError('this collection has no full-text index', [
      { code: 'no_full_text_index', path: ['fullText'], message: 'create the collection with fullText: true to rank by text' },
    ]);
  }
  const filter = compileFilter(a.where, a.whereDocument, text);
  const hits = searchFullText(store.state, text, a.query, a.limit, filter);
  return { ids: hits.map((h) => h.part.externalId(h.row)), scores: hits.map((h) => h.score) };
}

/** Compiles a call's `where` and `whereDocument`; with a full-text index, `$contains` words narrow the rows whose documents are read. */
export function compileFilter(where: unknown, whereDocument: unknown, text?: TextIndexer): RowFilter {
  const hasDocumentFilter = whereDocument !== undefined && whereDocument !== null;
  return {
    where: where === undefined || where === null ? undefined : compileWhere(where),
    whereDocument: hasDocumentFilter ? compileWhereDocument(whereDocument) : undefined,
    // With a full-text index, `$contains` words narrow the rows whose documents are read.
    requiredTerms: hasDocumentFilter && text ? requiredTerms(whereDocument, text.analyze) : undefined,
  };
}
