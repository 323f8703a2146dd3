import { decode } from '@msgpack/msgpack';
import type { Neighbor, VectorIndex } from '../storage/vector-index.js';
import type { CollectionState } from '../storage/collection-state.js';
import type { Part } from '../storage/part.js';
import type { Metadata } from '../types.js';
import type { DocumentPredicate, MetadataPredicate } from './filter/index.js';
import { candidateRows } from './contains-terms.js';
import { estimateSelectivity, planFilteredSearch } from './planner.js';
import { memoizeRows } from './row-memo.js';
import { MIN_SHARED_QUERIES } from '../ann/hnsw/hnsw-search-pool.js';
import { searchShared, type SharedSource } from './shared-search.js';

/**
 * The hits of a collection-wide search, nearest first, as columns: hit i
 * is row `rows[i]` of part `partAt(i)` (segment or memtable) at
 * `distances[i]`. Columns, not an object per hit: a query's result takes
 * `distances` as it is and reads the ids of `rows` in one call per part,
 * and a hit object per row was a fifth of a query's allocation through
 * the API (5.8 KB per query at k = 10).
 */
export class Hits {
  constructor(
    readonly rows: number[],
    readonly distances: number[],
    /** The part of every hit, or null when the hits come from several parts (see `parts`). */
    readonly part: Part | null,
    /** The part of each hit when they come from several; null otherwise. */
    private readonly parts: Part[] | null,
  ) {}

  get length(): number {
    return this.rows.length;
  }

  /** The part holding hit `i`. */
  partAt(i: number): Part {
    return this.part ?? this.parts![i];
  }

  /** No hit (a new object each time: a result takes its arrays). */
  static none(): Hits {
    return new Hits([], [], null, null);
  }

  /** Hits from `start` on. */
  slice(start: number): Hits {
    return new Hits(this.rows.slice(start), this.distances.slice(start), this.part, this.parts?.slice(start) ?? null);
  }
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
  search(query: Float32Array, k: number, options: SearchOptions): Hits {
    const sources = this.sources;
    const lists = new Array<Neighbor[]>(sources.length);
    for (let s = 0; s < sources.length; s++) lists[s] = this.searchSource(sources[s], query, k, options);
    return this.merge(lists, k);
  }

  /**
   * {@link search} for each of `queries`: the same hits in the same order.
   * From MIN_SHARED_QUERIES queries, the unfiltered graph walks of indexes
   * in shared memory (float32 graphs: segments, and the memtable's when no
   * row waits for its batch; not quantized ones, filtered sources or parts
   * with deleted rows) are shared with the search worker thread (see
   * searchShared).
   */
  searchMany(queries: Float32Array[], k: number, options: SearchOptions): Hits[] {
    // searchShared's own first test, made before its callback is: a closure per call was ~100 bytes of a single query's allocation.
    const perQuery = queries.length < MIN_SHARED_QUERIES ? null : searchShared(this.sources, queries, k, options, (source, query) => this.searchSource(source, query, k, options));
    const out = new Array<Hits>(queries.length);
    for (let q = 0; q < queries.length; q++) out[q] = perQuery === null ? this.search(queries[q], k, options) : this.merge(perQuery[q], k);
    return out;
  }

  /**
   * Each source's hits (ascending by distance, in the sources' order) merged
   * into the top k: a k-way merge that takes the earlier source on equal
   * distances, so the order is that of a stable sort of the lists joined.
   */
  private merge(lists: Neighbor[][], k: number): Hits {
    if (lists.length === 1) {
      // One source's hits are already its index's top k in order.
      const list = lists[0];
      const n = Math.min(k, list.length);
      // rows at their final length; distances by push, as a new array's first double store would copy it.
      const rows = new Array<number>(n);
      const distances: number[] = [];
      for (let i = 0; i < n; i++) {
        rows[i] = list[i].row;
        distances.push(list[i].distance);
      }
      return new Hits(rows, distances, this.sources[0].part, null);
    }
    const rows: number[] = [];
    const distances: number[] = [];
    const parts: Part[] = [];
    const next = new Array<number>(lists.length).fill(0);
    while (rows.length < k) {
      let best = -1;
      for (let s = 0; s < lists.length; s++) {
        if (next[s] < lists[s].length && (best < 0 || lists[s][next[s]].distance < lists[best][next[best]].distance)) best = s;
      }
      if (best < 0) break;
      const hit = lists[best][next[best]++];
      rows.push(hit.row);
      distances.push(hit.distance);
      parts.push(this.sources[best].part);
    }
    const first = parts[0] ?? null;
    return parts.every((part) => part === first) ? new Hits(rows, distances, first, null) : new Hits(rows, distances, null, parts);
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

/** The unfiltered sources of a state, kept while its version stays: every unfiltered query of that view makes the same ones. */
const unfilteredSources = new WeakMap<CollectionState, { version: number; sources: Source[] }>();

/**
 * The sources of a state's parts that hold a live row: a part with none (a
 * segment whose every row was deleted or overwritten, until a merge drops
 * it; a memtable whose rows all were) has nothing to add, and searching it
 * would cost a graph walk over dead rows and the several-list merge.
 */
function sources(state: CollectionState, filter: RowFilter): Source[] {
  const unfiltered = filter.where === undefined && filter.whereDocument === undefined && filter.record === undefined && filter.requiredTerms === undefined;
  if (!unfiltered) return liveParts(state).map((part) => source(filter, part));
  const kept = unfilteredSources.get(state);
  if (kept !== undefined && kept.version === state.version) return kept.sources;
  const made = liveParts(state).map((part) => source(filter, part));
  unfilteredSources.set(state, { version: state.version, sources: made });
  return made;
}

function liveParts(state: CollectionState): Part[] {
  return state.parts.filter((part) => part.liveCount > 0);
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
