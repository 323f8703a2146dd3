/**
 * Searches with LlamaIndex filters: nearest neighbours on top of
 * `Collection.query`, and the over-fetch that finishes any ranking whose
 * core filter is a superset (also used by `text-search.ts`).
 *
 * When the core `where` selects exactly the matching nodes (`pushdown.ts`),
 * this is one core query of k results, filtered inside core's search. When it
 * selects a superset, candidates are over-fetched and finished with the JS
 * predicate (`evaluate.ts`): first max(4·k, 32) candidates, then 4× more each
 * round until k pass, the superset is used up, or the whole collection was
 * considered — that last round uses core's exact search, so a selective
 * filter still finds every match. One round considers at most
 * {@link MAX_CANDIDATES} records (core's limit on `nResults`).
 */
import type { Collection, IncludeField, Metadata } from '@omendb/core';
import type { CheckedFilters } from './filters/check.js';
import { matchesFilters } from './filters/evaluate.js';
import type { Pushdown } from './filters/pushdown.js';
import { decodeLlamaMetadata } from './node-record.js';

/** Core's largest `nResults`. */
export const MAX_CANDIDATES = 100_000;
const OVERFETCH_FACTOR = 4;
const MIN_CANDIDATES = 32;

/** One result, best first; `metadata` is the decoded LlamaIndex dict. */
export interface SearchHit {
  id: string;
  /** The collection's distance (dense) or 1 − BM25 score (full text): lower is better. */
  distance: number;
  metadata: Record<string, unknown>;
  document: string | null;
  /** The stored vector, when asked for. */
  embedding?: number[];
}

/**
 * The `k` nearest records to `embedding` (`number[]`, the collection's
 * dimension) among those `filters` and the `pushdown` selection admit, with
 * their vectors when `withEmbeddings`. Throws core's DimensionMismatchError
 * for an embedding of another length.
 */
export async function searchCollection(
  collection: Collection,
  embedding: number[],
  k: number,
  pushdown: Pushdown,
  filters: CheckedFilters | undefined,
  withEmbeddings = false,
): Promise<SearchHit[]> {
  if (pushdown.selection.kind === 'none') return [];
  const where = pushdown.selection.kind === 'where' ? pushdown.selection.where : undefined;
  const include: IncludeField[] = withEmbeddings ? ['metadatas', 'documents', 'distances', 'embeddings'] : ['metadatas', 'documents', 'distances'];
  const run = async (nResults: number, exact: boolean) => hits(await collection.query({ queryEmbeddings: [embedding], nResults, where, exact, include }));
  return filteredTopK(collection, k, pushdown, filters, run);
}

/**
 * The first `k` hits that pass `filters`, from `run(n, whole)` (the best `n`
 * candidates of the pushdown's selection; `whole` when `n` covers the whole
 * collection). One round when the pushdown is exact, else the over-fetch
 * rounds of the module comment.
 */
export async function filteredTopK(
  collection: Collection,
  k: number,
  pushdown: Pushdown,
  filters: CheckedFilters | undefined,
  run: (n: number, whole: boolean) => Promise<SearchHit[]>,
): Promise<SearchHit[]> {
  if (pushdown.selection.kind === 'none') return [];
  if (pushdown.exact || filters === undefined) return run(k, false);
  const count = await collection.count();
  let n = Math.min(Math.max(k * OVERFETCH_FACTOR, MIN_CANDIDATES), MAX_CANDIDATES);
  for (;;) {
    const whole = n >= count;
    const candidates = await run(whole ? Math.max(1, Math.min(count, MAX_CANDIDATES)) : n, whole);
    const kept = candidates.filter((hit) => matchesFilters(filters, hit.metadata));
    if (kept.length >= k || whole || candidates.length < n || n >= MAX_CANDIDATES) return kept.slice(0, k);
    n = Math.min(n * OVERFETCH_FACTOR, MAX_CANDIDATES);
  }
}

function hits(result: {
  ids: string[][];
  distances: number[][];
  metadatas: (Metadata | null)[][];
  documents: (string | null)[][];
  embeddings?: (number[] | null)[][] | null;
}): SearchHit[] {
  const ids = result.ids[0] ?? [];
  return ids.map((id, i) => {
    const hit: SearchHit = {
      id,
      distance: result.distances[0][i],
      metadata: decodeLlamaMetadata(result.metadatas[0][i]),
      document: result.documents[0][i],
    };
    const embedding = result.embeddings?.[0]?.[i];
    if (embedding) hit.embedding = Array.from(embedding);
    return hit;
  });
}
