/**
 * One parity run on one data set: the same records and vectors go through
 * LangChain's `Chroma` store (talking to a real Chroma server) and through
 * `OmenVectorStore`, with the same LangChain calls, and the answers are
 * compared with each other and with exact search.
 */
import { Document } from '@langchain/core/documents';
import type { VectorStore } from '@langchain/core/vectorstores';
import type { Where } from '@omendb/core';
import { distance, exactTopK } from './exact.js';
import type { ParityDataset } from './parity-datasets.js';
import { PARITY_FILTERS } from './parity-filters.js';

/** A LangChain store plus the two collection-level reads the comparison needs. */
export interface StoreUnderTest {
  store: VectorStore;
  /** Ids of every record matching `where` (the collection's `get({ where })`). */
  matchingIds(where: Where): Promise<string[]>;
  count(): Promise<number>;
}

export interface RunOptions {
  /** Records per `addVectors` call (both stores); Chroma's server caps a batch at 5,461. */
  batchSize: number;
  /** Results per query. */
  k: number;
  /** Queries run per filter and after the deletes. */
  filterQueries: number;
}

export interface StoreNumbers {
  ingestSeconds: number;
  ingestPerSecond: number;
  queryMedianMs: number;
  queryP95Ms: number;
  queriesPerSecond: number;
  /** Mean |top-k ∩ exact top-k| / k over the queries. */
  recall: number;
  /** Largest |distance − exact float64 distance| over all returned results. */
  maxDistanceErrorVsExact: number;
}

export interface FilterComparison {
  name: string;
  where: Where;
  /** Records the plain-JS predicate selects. */
  expected: number;
  /** Size of `get({ where })` and whether it equals the expected set, or the error thrown. */
  omendb: { matched: number; sameSet: boolean; recall: number; invalid: number } | { error: string };
  chroma: { matched: number; sameSet: boolean; recall: number; invalid: number } | { error: string };
  /** Mean top-k overlap of the two stores' filtered searches; null when either failed. */
  overlap: number | null;
}

export interface DeleteComparison {
  deletedIds: number;
  missingIds: number;
  filter: Where;
  expectedCount: number;
  omendb: DeleteOutcome;
  chroma: DeleteOutcome;
  /** Mean top-k overlap after the deletes. */
  overlapAfter: number;
}

export interface DeleteOutcome {
  /** Error of `delete({ ids })` with some missing ids, or null when it resolved. */
  missingIdsError: string | null;
  countAfterIds: number;
  countAfterFilter: number;
  /** Deleted ids that still came back from a search. */
  deletedReturned: number;
  /** Error of `delete({})` (both should refuse it). */
  noSelectorError: string | null;
}

export interface ParityResult {
  dataset: string;
  metric: string;
  records: number;
  dim: number;
  queries: number;
  k: number;
  omendb: StoreNumbers;
  chroma: StoreNumbers;
  /** Mean and minimum of |omendb top-k ∩ chroma top-k| / k. */
  overlap: { mean: number; min: number };
  /** Over ids both returned for a query: |d_omendb − d_chroma|. */
  distances: { pairs: number; maxAbs: number; meanAbs: number; maxRelative: number };
  filters: FilterComparison[];
  delete: DeleteComparison;
}

/** Runs every comparison on `data`; both stores must be empty. */
export async function runParity(data: ParityDataset, omen: StoreUnderTest, chroma: StoreUnderTest, options: RunOptions): Promise<ParityResult> {
  const { k } = options;
  const docs = data.texts.map((text, i) => new Document({ pageContent: text, metadata: data.metadatas[i] }));
  const omenIngest = await ingest(omen.store, data, docs, options.batchSize);
  const chromaIngest = await ingest(chroma.store, data, docs, options.batchSize);

  const exact = data.queries.map((q) => exactTopK(data.metric, data.vectors, q, k).map((i) => data.ids[i]));
  const rowOf = new Map(data.ids.map((id, i) => [id, i]));
  // One untimed query each: the first one pays for connection set-up and lazy loading.
  await omen.store.similaritySearchVectorWithScore(data.queries[0], k);
  await chroma.store.similaritySearchVectorWithScore(data.queries[0], k);
  const omenHits: Hit[][] = [];
  const chromaHits: Hit[][] = [];
  const omenMs: number[] = [];
  const chromaMs: number[] = [];
  // Alternate the stores query by query, so that load from other processes hits both alike.
  for (const q of data.queries) {
    omenHits.push(await timedSearch(omen.store, q, k, omenMs));
    chromaHits.push(await timedSearch(chroma.store, q, k, chromaMs));
  }

  const overlaps = omenHits.map((hits, qi) => overlap(ids(hits), ids(chromaHits[qi]), k));
  const diffs: { abs: number; rel: number }[] = [];
  omenHits.forEach((hits, qi) => {
    const theirs = new Map(chromaHits[qi].map((h) => [h.id, h.distance]));
    for (const h of hits) {
      const d = theirs.get(h.id);
      if (d !== undefined) diffs.push({ abs: Math.abs(h.distance - d), rel: Math.abs(h.distance - d) / Math.max(Math.abs(d), 1e-12) });
    }
  });
  const numbers = (ingestSeconds: number, ms: number[], hits: Hit[][]): StoreNumbers => ({
    ingestSeconds,
    ingestPerSecond: data.ids.length / ingestSeconds,
    queryMedianMs: percentile(ms, 0.5),
    queryP95Ms: percentile(ms, 0.95),
    queriesPerSecond: 1000 / mean(ms),
    recall: mean(hits.map((h, qi) => overlap(ids(h), exact[qi], k))),
    maxDistanceErrorVsExact: Math.max(
      0,
      ...hits.flatMap((h, qi) => h.map((hit) => Math.abs(hit.distance - distance(data.metric, data.vectors[rowOf.get(hit.id)!], data.queries[qi])))),
    ),
  });

  const filters: FilterComparison[] = [];
  for (const filter of PARITY_FILTERS) filters.push(await compareFilter(data, omen, chroma, filter, options));
  const deletes = await compareDelete(data, omen, chroma, options);

  return {
    dataset: data.name,
    metric: data.metric,
    records: data.ids.length,
    dim: data.vectors[0].length,
    queries: data.queries.length,
    k,
    omendb: numbers(omenIngest, omenMs, omenHits),
    chroma: numbers(chromaIngest, chromaMs, chromaHits),
    overlap: { mean: mean(overlaps), min: Math.min(...overlaps) },
    distances: {
      pairs: diffs.length,
      maxAbs: Math.max(0, ...diffs.map((d) => d.abs)),
      meanAbs: mean(diffs.map((d) => d.abs)),
      maxRelative: Math.max(0, ...diffs.map((d) => d.rel)),
    },
    filters,
    delete: deletes,
  };
}

interface Hit {
  id: string;
  distance: number;
}

async function ingest(store: VectorStore, data: ParityDataset, docs: Document[], batchSize: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < docs.length; i += batchSize) {
    await store.addVectors(data.vectors.slice(i, i + batchSize), docs.slice(i, i + batchSize), { ids: data.ids.slice(i, i + batchSize) });
  }
  return (performance.now() - start) / 1000;
}

async function timedSearch(store: VectorStore, q: number[], k: number, times: number[]): Promise<Hit[]> {
  const start = performance.now();
  const results = await store.similaritySearchVectorWithScore(q, k);
  times.push(performance.now() - start);
  return results.map(([doc, d]) => ({ id: doc.id!, distance: d }));
}

async function search(store: VectorStore, q: number[], k: number, where?: Where): Promise<string[]> {
  return (await store.similaritySearchVectorWithScore(q, k, where)).map(([doc]) => doc.id!);
}

async function compareFilter(
  data: ParityDataset,
  omen: StoreUnderTest,
  chroma: StoreUnderTest,
  filter: (typeof PARITY_FILTERS)[number],
  options: RunOptions,
): Promise<FilterComparison> {
  const rows = data.metadatas.flatMap((m, i) => (filter.matches(m) ? [i] : []));
  const expected = new Set(rows.map((i) => data.ids[i]));
  const queries = data.queries.slice(0, options.filterQueries);
  const truth = queries.map((q) => exactTopK(data.metric, data.vectors, q, options.k, rows).map((i) => data.ids[i]));
  const measure = async (s: StoreUnderTest) => {
    try {
      const matched = await s.matchingIds(filter.where);
      const results: string[][] = [];
      for (const q of queries) results.push(await search(s.store, q, options.k, filter.where));
      return {
        outcome: {
          matched: matched.length,
          sameSet: matched.length === expected.size && matched.every((id) => expected.has(id)),
          recall: mean(results.map((r, qi) => overlap(r, truth[qi], Math.min(options.k, expected.size)))),
          invalid: results.flat().filter((id) => !expected.has(id)).length,
        },
        results,
      };
    } catch (error) {
      return { outcome: { error: firstLine(error) }, results: null };
    }
  };
  const o = await measure(omen);
  const c = await measure(chroma);
  const both = o.results !== null && c.results !== null;
  return {
    name: filter.name,
    where: filter.where,
    expected: expected.size,
    omendb: o.outcome,
    chroma: c.outcome,
    overlap: both ? mean(o.results!.map((r, qi) => overlap(r, c.results![qi], Math.min(options.k, expected.size)))) : null,
  };
}

async function compareDelete(data: ParityDataset, omen: StoreUnderTest, chroma: StoreUnderTest, options: RunOptions): Promise<DeleteComparison> {
  const deletedIds = data.ids.slice(0, 100);
  const missing = Array.from({ length: 10 }, (_, i) => `never-added-${i}`);
  const filter: Where = { bucket: 9 };
  const removedByFilter = data.ids.filter((_, i) => i >= deletedIds.length && data.metadatas[i].bucket === 9);
  const gone = new Set([...deletedIds, ...removedByFilter]);
  const queries = data.queries.slice(0, options.filterQueries);
  const run = async (s: StoreUnderTest) => {
    const missingIdsError = await s.store.delete({ ids: [...deletedIds, ...missing] }).then(() => null, firstLine);
    const countAfterIds = await s.count();
    await s.store.delete({ filter });
    const countAfterFilter = await s.count();
    const results: string[][] = [];
    for (const q of queries) results.push(await search(s.store, q, options.k));
    const noSelectorError = await s.store.delete({}).then(() => null, firstLine);
    const outcome: DeleteOutcome = {
      missingIdsError,
      countAfterIds,
      countAfterFilter,
      deletedReturned: results.flat().filter((id) => gone.has(id)).length,
      noSelectorError,
    };
    return { outcome, results };
  };
  const o = await run(omen);
  const c = await run(chroma);
  return {
    deletedIds: deletedIds.length,
    missingIds: missing.length,
    filter,
    expectedCount: data.ids.length - gone.size,
    omendb: o.outcome,
    chroma: c.outcome,
    overlapAfter: mean(o.results.map((r, qi) => overlap(r, c.results[qi], options.k))),
  };
}

function ids(hits: Hit[]): string[] {
  return hits.map((h) => h.id);
}

/** |a ∩ b| / k. */
function overlap(a: string[], b: string[], k: number): number {
  if (k === 0) return 1;
  const set = new Set(b);
  return a.filter((id) => set.has(id)).length / k;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Nearest-rank percentile, `p` in (0, 1]. */
function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)).split('\n')[0].slice(0, 160);
}
