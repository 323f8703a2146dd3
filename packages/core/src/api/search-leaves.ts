/**
 * The `$knn` leaves of a batch of searches: what each asks for, checked
 * before any work; text queries embedded in one call; BM25 leaves asked of
 * the full-text index. Dense leaves run later, synchronously, on the state
 * the rest of the search reads.
 */
import { ValidationError, type ValidationIssue } from '../errors.js';
import { CollectionSearch } from '../search/fanout.js';
import { DOCUMENT_KEY, EMBEDDING_KEY, passesSearchWhere, type KnnLeaf, type LeafHit, type SearchPlan } from '../search/search-api/index.js';
import type { CollectionState, RecordLocation } from '../storage/collection-state.js';
import { fullTextRankerOf, type FullTextRanker } from './full-text-ranker.js';
import { queryVectors } from './records.js';
import { searchSparse } from '../search/sparse.js';
import type { SparseVector } from '../storage/sparse-index.js';
import { sparseVectorIssues } from './sparse-embedding.js';
import type { Metric } from '../types.js';

/** The most hits the full-text index returns in one call. */
const MAX_FULL_TEXT_HITS = 1_000_000;

/** How a leaf is answered: a dense vector (given or embedded), a BM25 text query, or a sparse vector (given or embedded) on the sparse key. */
export type LeafSource =
  | { kind: 'dense'; vector: number[] | undefined; text: string | undefined }
  | { kind: 'fulltext'; text: string }
  | { kind: 'sparse'; vector: SparseVector | undefined; text: string | undefined };

export interface LeafContext {
  dimension: number | null;
  metric: Metric;
  /** The embedding function, once for every text of the call. */
  embed(texts: string[]): Promise<number[][]>;
  /** Where `fullTextSearch` is looked up (the collection). */
  fullTextHost: object;
  /** The metadata key of the collection's sparse-vector index, or null. */
  sparseKey: string | null;
  /** Whether the sparse index holds BM25 vectors (Chroma's `bm25: true`): queries are weighted by idf. */
  sparseIdf: boolean;
  /** The sparse embedding function's query vectors, once for every text of the call. */
  embedSparse(texts: string[]): Promise<SparseVector[]>;
}

/** Each leaf's source, leaf by leaf in plan order. Throws ValidationError (code `unsupported`) for keys and queries not supported. */
export function classifyLeaves(plans: SearchPlan[], dimension: number | null, sparseKey: string | null): LeafSource[][] {
  const issues: ValidationIssue[] = [];
  const sources = plans.map((plan) => plan.knn.map((leaf) => classify(leaf, dimension, sparseKey, issues)));
  if (issues.length > 0) throw new ValidationError('unsupported search', issues);
  return sources;
}

function classify(leaf: KnnLeaf, dimension: number | null, sparseKey: string | null, issues: ValidationIssue[]): LeafSource {
  const { key, query, path } = leaf;
  const sparse = typeof query === 'object' && !Array.isArray(query);
  if (sparseKey !== null && key === sparseKey) {
    if (typeof query === 'string') return { kind: 'sparse', vector: undefined, text: query };
    if (sparse) {
      const found = sparseVectorIssues(query, [...path, 'query']);
      issues.push(...found);
      return { kind: 'sparse', vector: found.length === 0 ? { indices: [...query.indices], values: [...query.values] } : undefined, text: undefined };
    }
    issues.push({ code: 'unsupported', path: [...path, 'query'], message: `the sparse key ${JSON.stringify(key)} takes a sparse vector or a text, not a dense vector` });
    return { kind: 'sparse', vector: undefined, text: undefined };
  }
  if (key === EMBEDDING_KEY && !sparse) {
    if (dimension === 0) issues.push({ code: 'unsupported', path, message: 'this collection stores records without vectors (dimension 0); a $knn on #embedding cannot rank it' });
    return typeof query === 'string' ? { kind: 'dense', vector: undefined, text: query } : { kind: 'dense', vector: query as number[], text: undefined };
  }
  if (key === DOCUMENT_KEY && typeof query === 'string') return { kind: 'fulltext', text: query };
  const message =
    key === DOCUMENT_KEY ? 'a $knn on #document ranks by BM25 and takes a text query'
    : sparse && key === EMBEDDING_KEY ? '#embedding takes a dense vector or a text; a sparse vector ranks on a key with a sparse-vector index (Schema + SparseVectorIndexConfig)'
    : `no sparse-vector index on key ${JSON.stringify(key)}${sparseKey === null ? '' : ` (this collection's is on ${JSON.stringify(sparseKey)})`}; create the collection with a schema holding SparseVectorIndexConfig on it, or rank with #embedding or #document`;
  issues.push({ code: 'unsupported', path: [...path, 'key'], message });
  return { kind: 'dense', vector: undefined, text: undefined };
}

/** Embeds the text queries of dense leaves, all in one call, and checks every dense vector against the dimension. */
export async function embedLeafTexts(sources: LeafSource[][], plans: SearchPlan[], ctx: LeafContext): Promise<Float32Array[][]> {
  const texts: string[] = [];
  for (const list of sources) for (const s of list) if (s.kind === 'dense' && s.text !== undefined) texts.push(s.text);
  const embedded = texts.length > 0 ? await ctx.embed(texts) : [];
  let next = 0;
  return sources.map((list, p) =>
    list.map((s, i) => {
      if (s.kind !== 'dense' || ctx.dimension === null) return new Float32Array(0);
      const row = s.text !== undefined ? embedded[next++] : s.vector!;
      return queryVectors([row], ctx.dimension, ctx.metric, [...plans[p].knn[i].path, 'query'].join('.'))[0];
    }),
  );
}

/** The hits of every full-text leaf (ids with measure 1 − BM25, best first), undefined for the others. */
export async function runFullTextLeaves(sources: LeafSource[][], plans: SearchPlan[], ctx: LeafContext, count: () => number): Promise<(FullTextHits | undefined)[][]> {
  let ranker: FullTextRanker | undefined;
  return Promise.all(
    sources.map((list, p) =>
      Promise.all(
        list.map(async (s, i) => {
          if (s.kind !== 'fulltext') return undefined;
          const leaf = plans[p].knn[i];
          ranker ??= fullTextRankerOf(ctx.fullTextHost, leaf.path);
          const where = plans[p].where;
          // A filter with no where/whereDocument form (#id, $or across both) is applied to every BM25 hit afterwards.
          const exact = where === undefined || where.split !== undefined;
          const everyHit = count();
          if (!exact && everyHit > MAX_FULL_TEXT_HITS) {
            throw new ValidationError('unsupported search', [
              { code: 'unsupported', path: leaf.path, message: `a filter on #id, or an $or across metadata and #document, with a full-text $knn needs every BM25 hit; at most ${MAX_FULL_TEXT_HITS} records are supported, this collection has ${everyHit}` },
            ]);
          }
          const { ids, scores } = await ranker.fullTextSearch({
            query: s.text,
            limit: exact ? leaf.limit : everyHit,
            ...(exact && where ? where.split : {}),
          });
          return { ids, scores, postFilter: !exact };
        }),
      ),
    ),
  );
}

/** The query vector of every sparse leaf (texts embedded in one call), undefined for the others. */
export async function sparseLeafVectors(sources: LeafSource[][], ctx: LeafContext): Promise<(SparseVector | undefined)[][]> {
  const texts: string[] = [];
  for (const list of sources) for (const s of list) if (s.kind === 'sparse' && s.text !== undefined) texts.push(s.text);
  const embedded = texts.length > 0 ? await ctx.embedSparse(texts) : [];
  let next = 0;
  return sources.map((list) => list.map((s) => (s.kind !== 'sparse' ? undefined : s.text !== undefined ? embedded[next++] : s.vector)));
}

export interface FullTextHits {
  ids: string[];
  scores: number[];
  postFilter: boolean;
}

/**
 * A leaf's hits on `state`, best first, with the location of each hit's
 * record added to `locations`. Chroma's measures: the distance for dense
 * leaves, 1 − BM25 score for full text, −(dot product) for a sparse key.
 */
export function leafHits(
  leaf: KnnLeaf,
  plan: SearchPlan,
  state: CollectionState,
  search: CollectionSearch,
  efSearch: number,
  vector: Float32Array,
  fullText: FullTextHits | undefined,
  locations: Map<string, RecordLocation>,
  sparse?: { vector: SparseVector; idf: boolean },
): LeafHit[] {
  const out: LeafHit[] = [];
  if (sparse) {
    // Chroma's measure for a sparse key: lower is better, so the negated dot product.
    for (const hit of searchSparse(state, sparse.vector, leaf.limit, (part, row) => passesSearchWhere(plan.where, part, row), sparse.idf)) {
      const id = hit.part.externalId(hit.row);
      locations.set(id, { part: hit.part, row: hit.row });
      out.push({ key: id, measure: -hit.score });
    }
    return out;
  }
  if (fullText) {
    for (let i = 0; i < fullText.ids.length && out.length < leaf.limit; i++) {
      const id = fullText.ids[i];
      // A record deleted since the full-text query ran is gone from the state: it is skipped.
      const loc = locations.get(id) ?? state.locate(id);
      if (!loc || (fullText.postFilter && !passesSearchWhere(plan.where, loc.part, loc.row))) continue;
      locations.set(id, loc);
      out.push({ key: id, measure: 1 - fullText.scores[i] });
    }
    return out;
  }
  if (state.dimension === null) return out;
  const hits = search.search(vector, leaf.limit, { efSearch });
  for (let i = 0; i < hits.length; i++) {
    const part = hits.partAt(i);
    const row = hits.rows[i];
    const id = part.externalId(row);
    locations.set(id, { part, row });
    out.push({ key: id, measure: hits.distances[i] });
  }
  return out;
}
