/**
 * `Collection.search`: Chroma's Search API over one collection. Per search:
 * filter → each `$knn` leaf's top `limit` (dense HNSW search with the
 * filter, BM25 through the full-text index, or the exact dot product over
 * the sparse-vector index) → the rank expression over
 * the union of their candidates (rank-domain.ts) → ascending score → groupBy
 * → offset/limit → the selected fields. Without a rank, the records that
 * pass the filter in storage order, scored by position (as Chroma does).
 */
import { ValidationError } from '../errors.js';
import { CollectionSearch, metadataAt, scanCollection } from '../search/fanout.js';
import {
  byScore, evaluateRank, groupRanked, parseSearches, READ_LEVELS,
  type LeafHit, type Projection, type RankedRecord, type SearchPlan,
} from '../search/search-api/index.js';
import type { CollectionState, RecordLocation } from '../storage/collection-state.js';
import type { CollectionStore } from '../storage/collection-store.js';
import type { Part } from '../storage/part.js';
import type { Metadata } from '../types.js';
import { embedTexts } from './embed.js';
import type { EmbeddingBinding } from './embedding-binding.js';
import { classifyLeaves, embedLeafTexts, leafHits, runFullTextLeaves, sparseLeafVectors, type LeafContext } from './search-leaves.js';
import { embedSparseQueries } from './sparse-embedding.js';
import type { SparseVector } from '../storage/sparse-index.js';
import { SearchResult } from './search-result.js';

/** Options of `Collection.search`. `readLevel`: any of Chroma's; every read here sees every acknowledged write, which each allows. */
export interface SearchOptions {
  readLevel?: (typeof READ_LEVELS)[number];
}

/**
 * One search as `Collection.search` takes it: a `Search` of the `chromadb`
 * package (read through `toPayload()`), or a plain object, either the
 * `Search` constructor's `{ where, rank, groupBy, limit, select }` (parts
 * as builders or JSON) or Chroma's payload `{ filter, rank, group_by, limit, select }`.
 */
export type SearchLike = { toPayload(): unknown } | Record<string, unknown>;

/** What a search needs of its collection. */
export interface SearchContext extends LeafContext {
  /** The state to read, checking the collection is still open. */
  state(): CollectionState;
  efSearch: number;
}

/** The context of a collection's searches; `ensureOpen` throws ClosedError once the collection is closed. */
export function searchContext(store: CollectionStore, embedder: EmbeddingBinding, host: object, ensureOpen: () => void): SearchContext {
  return {
    state: () => (ensureOpen(), store.state),
    get dimension() {
      return store.state.dimension;
    },
    metric: store.state.metric,
    efSearch: store.manifest.hnsw.efSearch,
    embed: async (texts) => embedTexts(await embedder.resolve(), texts, store.state.dimension),
    fullTextHost: host,
    sparseKey: store.manifest.sparse?.key ?? null,
    sparseIdf: store.manifest.sparse?.bm25 ?? false,
    embedSparse: (texts) => embedSparseQueries(embedder.sparse, store.name, store.manifest.sparse?.key ?? '', texts),
  };
}

interface Located extends RankedRecord {
  id: string;
  loc: RecordLocation;
}

export async function runSearches(ctx: SearchContext, input: unknown, options: SearchOptions = {}): Promise<SearchResult> {
  const readLevel = (options ?? {}).readLevel;
  if (readLevel !== undefined && !READ_LEVELS.includes(readLevel)) {
    throw new ValidationError('invalid search options', [{ code: 'invalid_value', path: ['readLevel'], message: `expected one of ${READ_LEVELS.join(', ')}` }]);
  }
  const plans = parseSearches(input);
  const sources = classifyLeaves(plans, ctx.dimension, ctx.sparseKey);
  // The awaited work first (embedding, full text); then one synchronous pass over one state.
  const vectors = await embedLeafTexts(sources, plans, ctx);
  const fullText = await runFullTextLeaves(sources, plans, ctx, () => ctx.state().count);
  const sparse = await sparseLeafVectors(sources, ctx);
  const state = ctx.state();
  const order = storageOrder(state);
  const result = new SearchResult();
  plans.forEach((plan, p) => {
    const records = plan.rank ? ranked(plan, state, ctx.efSearch, vectors[p], fullText[p], sparse[p].map((v) => (v ? { vector: v, idf: ctx.sparseIdf } : undefined)), order) : unranked(plan, state, order);
    project(result, records, plan.select);
  });
  return result;
}

function ranked(
  plan: SearchPlan,
  state: CollectionState,
  efSearch: number,
  vectors: Float32Array[],
  fullText: Parameters<typeof leafHits>[6][],
  sparse: ({ vector: SparseVector; idf: boolean } | undefined)[],
  order: (loc: RecordLocation) => number,
): Located[] {
  const locations = new Map<string, RecordLocation>();
  const search = new CollectionSearch(state, plan.where?.filter ?? {});
  const hits: LeafHit[][] = plan.knn.map((leaf, i) => leafHits(leaf, plan, state, search, efSearch, vectors[i], fullText[i], locations, sparse[i]));
  const records: Located[] = [];
  for (const [id, score] of evaluateRank(plan.rank!, hits)) {
    const loc = locations.get(id)!;
    records.push(located(id, loc, score, order(loc)));
  }
  records.sort(byScore);
  const kept = plan.groupBy ? groupRanked(records, plan.groupBy) : records;
  return kept.slice(plan.offset, plan.limit === undefined ? undefined : plan.offset + plan.limit);
}

function unranked(plan: SearchPlan, state: CollectionState, order: (loc: RecordLocation) => number): Located[] {
  const out: Located[] = [];
  if (plan.limit === 0) return out;
  let skipped = 0;
  for (const loc of scanCollection(state, plan.where?.filter ?? {})) {
    if (skipped++ < plan.offset) continue;
    // Chroma scores an unranked record by its position in the page.
    out.push(located(loc.part.externalId(loc.row), loc, out.length, order(loc)));
    if (plan.limit !== undefined && out.length >= plan.limit) break;
  }
  return out;
}

function located(id: string, loc: RecordLocation, score: number, position: number): Located {
  let metadata: Metadata | null | undefined;
  return { id, loc, score, order: position, metadata: () => (metadata === undefined ? (metadata = metadataAt(loc.part, loc.row)) : metadata) };
}

/** Storage position of a location: parts oldest first, then row (Chroma breaks score ties by offset id, its insertion order). */
function storageOrder(state: CollectionState): (loc: RecordLocation) => number {
  const index = new Map<Part, number>(state.parts.map((part, i) => [part, i]));
  return (loc) => index.get(loc.part)! * 2 ** 32 + loc.row;
}

function project(result: SearchResult, records: Located[], select: Projection): void {
  result.ids.push(records.map((r) => r.id));
  result.documents.push(select.document ? records.map((r) => r.loc.part.document(r.loc.row)) : null);
  result.embeddings.push(select.embedding ? records.map((r) => Array.from(r.loc.part.index.vector(r.loc.row))) : null);
  const withMetadata = select.allMetadata || select.metadataKeys.length > 0;
  result.metadatas.push(withMetadata ? records.map((r) => pick(r.metadata(), select)) : null);
  result.scores.push(select.score ? records.map((r) => r.score) : null);
  result.select.push(select.keys);
}

/** The selected metadata keys of a record (all with `#metadata`); null when none is there, as Chroma returns. */
function pick(metadata: Metadata | null, select: Projection): Metadata | null {
  if (metadata === null || select.allMetadata) return metadata;
  const out: Metadata = {};
  for (const key of select.metadataKeys) if (Object.hasOwn(metadata, key)) out[key] = metadata[key];
  return Object.keys(out).length > 0 ? out : null;
}
