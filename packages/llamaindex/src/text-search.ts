/**
 * BM25 ranking of nodes by their text through core's Search API: one
 * `$knn` on `#document` with the query text, which the collection's
 * full-text index answers (Robertson & Zaragoza 2009; English analysis,
 * see core's `fullText` option). LlamaIndex filters are pushed into the
 * search's `where` and finished by `filteredTopK` when the pushdown is a
 * superset.
 */
import { ValidationError, type Collection, type Metadata } from '@omendb/core';
import type { CheckedFilters } from './filters/check.js';
import type { Pushdown } from './filters/pushdown.js';
import { decodeLlamaMetadata } from './node-record.js';
import { filteredTopK, type SearchHit } from './search.js';

/** Core's issue code for a full-text query on a collection created without `fullText`. */
const NO_FULL_TEXT = 'no_full_text_index';

/**
 * The `k` records with the highest BM25 score for `text` among those
 * `filters` and the `pushdown` selection admit, best first. A hit's
 * `distance` is 1 − BM25 score (core's measure). Records without a query
 * term never appear, so fewer than `k` may come back. Throws ValidationError
 * (code `no_full_text_index`) naming the `fullText` option when the
 * collection has no full-text index.
 */
export async function searchText(
  collection: Collection,
  text: string,
  k: number,
  pushdown: Pushdown,
  filters: CheckedFilters | undefined,
  mode: string,
): Promise<SearchHit[]> {
  if (pushdown.selection.kind === 'none') return [];
  const where = pushdown.selection.kind === 'where' ? pushdown.selection.where : undefined;
  const run = async (n: number): Promise<SearchHit[]> => {
    const search = {
      ...(where ? { where } : {}),
      rank: { $knn: { query: text, key: '#document', limit: n } },
      limit: n,
      select: ['#document', '#metadata', '#score'],
    };
    try {
      const [rows] = (await collection.search(search)).rows();
      return rows.map((row) => ({
        id: row.id,
        distance: row.score as number,
        metadata: decodeLlamaMetadata((row.metadata as Metadata | undefined) ?? null),
        document: row.document ?? null,
      }));
    } catch (err) {
      throw explainMissingFullText(err, collection.name, mode);
    }
  };
  return filteredTopK(collection, k, pushdown, filters, run);
}

/** Core's missing-index error, restated for a store user: which mode needs it and which option to set. */
function explainMissingFullText(err: unknown, collectionName: string, mode: string): unknown {
  if (!(err instanceof ValidationError) || !err.issues.some((issue) => issue.code === NO_FULL_TEXT)) return err;
  return new ValidationError(
    `query mode ${JSON.stringify(mode)} ranks by BM25, but collection ${JSON.stringify(collectionName)} has no full-text index: ` +
      'create the store with `fullText: true` (new OmenVectorStore({ ..., fullText: true })). The index is fixed when the collection is created, ' +
      'so an existing collection without it must be re-created (or use another collectionName).',
    [{ code: NO_FULL_TEXT, path: ['fullText'], message: 'set fullText: true in the OmenVectorStore options when the collection is created' }],
  );
}
