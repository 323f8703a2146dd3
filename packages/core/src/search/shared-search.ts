import { MIN_SHARED_QUERIES, searchWorker } from '../ann/hnsw/hnsw-search-pool.js';
import type { SharedGraphView } from '../ann/hnsw/hnsw-search-view.js';
import type { Neighbor, VectorIndex } from '../storage/vector-index.js';

/** What {@link searchShared} needs of a source of CollectionSearch. */
export interface SharedSource {
  index: VectorIndex;
  /** Rows that count; the worker walks only sources where every row does. */
  accept: ((row: number) => boolean) | undefined;
  filtered: boolean;
}

/** An index that can hand the search worker a view of its graph (HnswIndex, AdaptiveIndex once promoted). */
interface SharedSearchable {
  sharedSearchView(k: number, efSearch: number): SharedGraphView | null;
}

function shareable(source: SharedSource): source is SharedSource & { index: SharedSearchable } {
  return !source.filtered && source.accept === undefined && typeof (source.index as Partial<SharedSearchable>).sharedSearchView === 'function';
}

/**
 * The hits of each source for each query (`[query][source]`), as
 * `searchOne(source, query)` gives them, with the unfiltered graph walks of
 * sources in shared memory split between this thread and the search worker
 * (hnsw-search-pool.ts), query by query, whichever thread is free taking
 * the next. The worker runs the same WebAssembly walk with the same
 * arguments, so the hits are the same; a walk that falls short (fewer than
 * k rows, or past its visit budget) is redone here through `searchOne`.
 * Other sources (filtered, with deleted rows, quantized, exact, or rows
 * waiting to be linked) are searched here while the worker walks. Returns null when nothing would
 * be shared: fewer than MIN_SHARED_QUERIES queries, no shareable source,
 * or the worker not running yet (it is started for the next call).
 * Synchronous: the state cannot change under the worker.
 */
export function searchShared<S extends SharedSource>(
  sources: S[],
  queries: Float32Array[],
  k: number,
  options: { efSearch: number; exact?: boolean },
  searchOne: (source: S, query: Float32Array) => Neighbor[],
): Neighbor[][][] | null {
  if (queries.length < MIN_SHARED_QUERIES || options.exact === true) return null;
  // Checked before any view is made: a view lays out (and may grow) the worker's working area.
  if (!sources.some(shareable) || !searchWorker.available()) return null;
  const shared: number[] = [];
  const views: SharedGraphView[] = [];
  for (let s = 0; s < sources.length; s++) {
    const source = sources[s];
    const view = shareable(source) ? source.index.sharedSearchView(k, options.efSearch) : null;
    if (view === null) continue;
    shared.push(s);
    views.push(view);
  }
  if (views.length === 0) return null;
  const out: Neighbor[][][] = queries.map(() => new Array<Neighbor[]>(sources.length));
  const isShared = new Uint8Array(sources.length);
  for (const s of shared) isShared[s] = 1;
  const { results, byOwner } = searchWorker.run(
    queries,
    views,
    () => {
      for (let q = 0; q < queries.length; q++) {
        for (let s = 0; s < sources.length; s++) if (isShared[s] === 0) out[q][s] = searchOne(sources[s], queries[q]);
      }
    },
    (q) => {
      for (const s of shared) out[q][s] = searchOne(sources[s], queries[q]);
    },
  );
  const G = views.length;
  for (let q = 0; q < queries.length; q++) {
    if (byOwner[q] === 1) continue;
    for (let g = 0; g < G; g++) {
      const s = shared[g];
      if (results.found[q * G + g] === 0) {
        out[q][s] = searchOne(sources[s], queries[q]);
        continue;
      }
      const at = results.resultAt[g] + q * views[g].k;
      const list: Neighbor[] = [];
      for (let i = 0; i < views[g].k; i++) list.push({ row: results.rows[at + i], distance: results.distances[at + i] });
      // HnswIndex.search orders equal distances by row.
      list.sort((a, b) => a.distance - b.distance || a.row - b.row);
      out[q][s] = list;
    }
  }
  return out;
}
