import { decode } from '@msgpack/msgpack';
import type { Neighbor, VectorIndex } from '../storage/vector-index.js';
import type { CollectionState } from '../storage/collection-state.js';
import type { Part } from '../storage/part.js';
import type { Metadata } from '../types.js';
import type { DocumentPredicate, MetadataPredicate } from './filter/index.js';
import { candidateRows } from './contains-terms.js';
import { estimateSelectivity, planFilteredSearch } from './planner.js';
import { memoizeRows } from './row-memo.js';
import { searchShared, type SharedSource } from './shared-search.js';

/** A result row of a collection-wide search. */
export interface Hit {
  /** The part (segment or memtable) holding the row. */
  part: Part;
  row: number;
  distance: number;
}

export interface RowFilter {
  where?: MetadataPredicate;
  whereDocument?: DocumentPredicate;
  /**
   * Full-text terms every row passing `whereDocument` holds (see
   * contains-terms.ts): where a part has a full-text index, rows without
   * them all are rejected before the document is read.
   */
  requiredTerms?: readonly string[];
  /** A test of the whole record, for filters no where/whereDocument pair expresses (Search API: `#id`, `$or` across both). */
  record?: (part: Part, row: number) => boolean;
}

export interface SearchOptions {
  /** HNSW candidate list size (the collection's default when the caller has none). */
  efSearch: number;
  /** Brute force over every row that qualifies. */
  exact?: boolean;
}

/** One searchable part of a collection: its index and which rows count. */
interface Source extends SharedSource {
  part: Part;
  index: VectorIndex;
  /** Undefined when every row counts (no filter, no dead row). */
  accept: ((row: number) => boolean) | undefined;
  /** Whether `accept` evaluates a where/whereDocument filter (memoized, costly). */
  filtered: boolean;
  /** Estimated share of rows `accept` admits; measured on first use. */
  selectivity: number | null;
}

/**
 * Searches over a collection for one query call: every part of the state's
 * view (segments, the memtable being sealed, the memtable), each with its own index, merged into the top k by distance.
 * Tombstoned and filtered-out rows never appear. Built once per call, so the
 * filter's answers per row (memoized) and its estimated selectivity per
 * source are shared by every query embedding of the call; the state must not
 * change while it is used (a call runs synchronously).
 *
 * With a filter, each source is searched by the plan of search/planner.ts:
 * an exact scan (asking the filter in storage or distance order), or a
 * filtered graph walk with a visit budget. The walk widens itself as fewer
 * rows pass (rejected nodes are crossed but never count towards efSearch),
 * and an exact scan answers when it runs past its budget or finds fewer
 * than k rows.
 */
export class CollectionSearch {
  private readonly sources: Source[];

  constructor(
    private readonly state: CollectionState,
    filter: RowFilter,
  ) {
    this.sources = sources(state, filter);
  }

  /** Up to `k` hits, ascending by distance. */
  search(query: Float32Array, k: number, options: SearchOptions): Hit[] {
    return this.merge(this.sources.map((source) => this.searchSource(source, query, k, options)), k);
  }

  /**
   * {@link search} for each of `queries`: the same hits in the same order.
   * From MIN_SHARED_QUERIES queries, the unfiltered graph walks of indexes
   * in shared memory (float32 graphs: segments, and the memtable's when no
   * row waits for its batch; not quantized ones, filtered sources or parts
   * with deleted rows) are shared with the search worker thread (see
   * searchShared).
   */
  searchMany(queries: Float32Array[], k: number, options: SearchOptions): Hit[][] {
    const perQuery = searchShared(this.sources, queries, k, options, (source, query) => this.searchSource(source, query, k, options));
    if (perQuery === null) return queries.map((query) => this.search(query, k, options));
    return perQuery.map((lists) => this.merge(lists, k));
  }

  /** Hits of each source (in the sources' order), merged into the top k. */
  private merge(lists: Neighbor[][], k: number): Hit[] {
    const hits: Hit[] = [];
    for (let s = 0; s < lists.length; s++) {
      for (const n of lists[s]) hits.push({ part: this.sources[s].part, row: n.row, distance: n.distance });
    }
    // One source's hits are already its index's top k in order; the merge (a stable sort) would keep them so.
    if (lists.length === 1) return hits;
    hits.sort((a, b) => a.distance - b.distance);
    return hits.slice(0, k);
  }

  private searchSource(source: Source, query: Float32Array, k: number, options: SearchOptions) {
    const { index, accept } = source;
    if (!source.filtered) return index.search(query, k, { efSearch: options.efSearch, exact: options.exact, accept });
    source.selectivity ??= estimateSelectivity(index.size, accept!);
    const plan = planFilteredSearch({
      rows: index.size,
      dimension: this.state.dimension!,
      k,
      efSearch: options.efSearch,
      selectivity: source.selectivity,
      graph: options.exact !== true && index.approximate !== false,
    });
    if (plan.strategy === 'exact') return index.search(query, k, { accept, exact: true, orderedAccept: plan.ordered });
    return index.search(query, k, { accept, efSearch: options.efSearch, maxVisits: plan.maxVisits, orderedAccept: plan.ordered });
  }
}

/** {@link CollectionSearch} for a single query. */
export function searchCollection(state: CollectionState, query: Float32Array, k: number, filter: RowFilter, options: SearchOptions): Hit[] {
  return new CollectionSearch(state, filter).search(query, k, options);
}

/** Every live row that passes the filter, in storage order (oldest part first, the memtable last). */
export function* scanCollection(state: CollectionState, filter: RowFilter): Generator<{ part: Part; row: number }> {
  for (const source of sources(state, filter)) {
    const accept = source.accept;
    for (let row = 0; row < source.index.size; row++) if (accept === undefined || accept(row)) yield { part: source.part, row };
  }
}

/** Whether the record at a location passes the filter. */
export function passes(part: Part, row: number, filter: RowFilter): boolean {
  const { where, whereDocument, record } = filter;
  if (where && !where(metadataAt(part, row))) return false;
  if (whereDocument && !whereDocument(part.document(row))) return false;
  return record === undefined || record(part, row);
}

function sources(state: CollectionState, filter: RowFilter): Source[] {
  return state.parts.map((part) => source(filter, part));
}

function source(filter: RowFilter, part: Part): Source {
  const { index } = part;
  const filtered = filter.where !== undefined || filter.whereDocument !== undefined || filter.record !== undefined;
  // Without a filter or a dead row, the index searches unfiltered: no per-row callback, none made.
  let accept: ((row: number) => boolean) | undefined;
  const candidates = filter.requiredTerms ? candidateRows(part, filter.requiredTerms) : undefined;
  if (candidates) accept = memoizeRows(index.size, (row) => candidates[row] === 1 && part.isLive(row) && passes(part, row, filter));
  else if (filtered) accept = memoizeRows(index.size, (row) => part.isLive(row) && passes(part, row, filter));
  else if (part.liveCount < part.rows) accept = (row) => part.isLive(row);
  return { part, index, accept, filtered, selectivity: null };
}

/** Decoded metadata of a row (null for none). */
export function metadataAt(part: Part, row: number): Metadata | null {
  const bytes = part.metadataBytes(row);
  return bytes ? (decode(bytes) as Metadata) : null;
}
