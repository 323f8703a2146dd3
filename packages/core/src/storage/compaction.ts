import type { ManifestState } from '../format/manifest.js';
import type { Published } from './checkpoint.js';
import type { CollectionStore } from './collection-store.js';
import type { BuildOptions, IndexFactory } from './index-factory.js';
import { layout } from './layout.js';
import { MergeMemory } from './merge-memory.js';
import type { Segment } from './segment.js';
import { writeSegment } from './segment-writer.js';
import { mappedArray } from '../kernels/mapped-array.js';

/** Rows gathered between turns of the event loop in a background merge. */
const GATHER_YIELD_ROWS = 4096;

/**
 * Merges segments of the manifest just published into one, dropping the
 * rows dead as of its checkpoint LSN, and builds their index (from the
 * largest segment's where the factory can, see `BuildOptions.seed`): segments
 * [`from`, `to`) of `published` (all of them for `compact()`). Runs outside
 * the write queue, after a checkpoint, holding the store's publish lock:
 * writes go on meanwhile. See {@link mergeSegments} for what happens to rows
 * killed after that LSN and for the switch. Throws what the Vfs throws; then
 * nothing is switched.
 */
export async function compactSegments(store: CollectionStore, published: Published, from = 0, to = published.segments.length): Promise<void> {
  const old = published.segments.slice(from, to);
  const tombstones = published.tombstones.slice(from, to);
  if (old.length === 0 || (old.length === 1 && tombstones[0].length === 0)) return;
  // Yielding like a background merge: compact() and the maxSegments backstop must not hold the event loop either.
  const prepared = await prepareMerge(store, old, tombstones, { background: true });
  await publishMerge(store, old, prepared);
}

/** A merged segment written but not yet named by a manifest. */
export interface PreparedMerge {
  /** Null when no row was live: the run is dropped. */
  merged: Segment | null;
  /** origin[k]: the old segment (index in the run) and row of merged row k. */
  origin: { part: number; row: number }[];
  release?: () => void;
  /** What the merge holds, counted by stats() until it is published or abandoned (in `store.merging`). */
  memory: MergeMemory;
}

/**
 * First step of a merge, with no lock held: gathers the rows of `old` live
 * as of `tombstones` (the manifest's, so durable), builds their index and
 * writes the merged segment under a fresh id. With `options.background` the
 * gathering and the build give the event loop turns; `options.signal` aborts
 * between them, and the segment written so far is removed. Throws what the
 * Vfs or the build throws; then no file of the merge is left but a directory
 * open removes.
 */
export async function prepareMerge(store: CollectionStore, old: Segment[], tombstones: Uint32Array[], options: BuildOptions): Promise<PreparedMerge> {
  const memory = new MergeMemory();
  store.merging.add(memory);
  try {
    return await gatherAndBuild(store, old, tombstones, { ...options, holding: (index) => memory.hold(index) }, memory);
  } catch (err) {
    store.merging.delete(memory);
    throw err;
  }
}

async function gatherAndBuild(
  store: CollectionStore,
  old: Segment[],
  tombstones: Uint32Array[],
  options: BuildOptions,
  memory: MergeMemory,
): Promise<PreparedMerge> {
  const { state } = store;
  const dim = state.dimension!;
  const deadAtLsn = old.map((s, i) => {
    const dead = new Uint8Array(s.rows);
    for (const row of tombstones[i]) dead[row] = 1;
    return dead;
  });
  const live = old.reduce((n, s, i) => n + s.rows - tombstones[i].length, 0);
  const ids: string[] = [];
  const metadata: (Uint8Array | null)[] = [];
  const documents: (string | null)[] = [];
  const origin: { part: number; row: number }[] = [];
  const vectors = mappedArray(Float32Array, live * dim);
  memory.allocate(live, dim);
  for (let part = 0; part < old.length; part++) {
    const s = old[part];
    for (let row = 0; row < s.rows; row++) {
      if (deadAtLsn[part][row] === 1) continue;
      s.index.readVector(row, vectors.subarray(ids.length * dim, (ids.length + 1) * dim));
      ids.push(s.externalId(row));
      metadata.push(s.metadataBytes(row)?.slice() ?? null);
      documents.push(s.document(row));
      memory.gather(ids[ids.length - 1], metadata[metadata.length - 1], documents[documents.length - 1]);
      origin.push({ part, row });
      if (options.background && ids.length % GATHER_YIELD_ROWS === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        options.signal?.throwIfAborted();
      }
    }
  }
  if (live === 0) return { merged: null, origin, memory };
  const sealed = await state.factory.build(dim, state.metric, vectors, live, { ...options, seed: largestPart(old, deadAtLsn) });
  try {
    // A turn between the build's last synchronous step and the encoding and write of the segment, which are one more.
    if (options.background) await new Promise<void>((resolve) => setImmediate(resolve));
    options.signal?.throwIfAborted();
  } catch (err) {
    sealed.index?.dispose();
    sealed.release?.();
    throw err;
  }
  const id = store.allocateSegmentId();
  const postings = mergePostings(state.factory, old, deadAtLsn, live);
  const sparse = mergeSparse(state.factory, old, deadAtLsn, live);
  const { graph, quantization } = sealed;
  memory.holdSections(
    (graph?.byteLength ?? 0) + (quantization ? quantization.codes.byteLength + quantization.codebook.byteLength : 0) + (postings?.byteLength ?? 0) + (sparse?.byteLength ?? 0),
  );
  const merged = await writeSegment(store, id, { ids, metadata, documents, vectors: sealed.vectors, graph, quantization, postings, sparse }, sealed);
  memory.written(merged, live);
  return { merged, origin, release: sealed.release, memory };
}

/**
 * The segment of the run with the most live rows, as the seed of the merged
 * index (Lucene 9.9 starts a merged HNSW graph from the largest segment's):
 * its live rows are merged rows `at` … in order, as gathered above.
 */
function largestPart(old: Segment[], deadAtLsn: Uint8Array[]): BuildOptions['seed'] {
  let best = 0;
  let bestLive = -1;
  let at = 0;
  let bestAt = 0;
  old.forEach((s, part) => {
    let live = 0;
    for (const d of deadAtLsn[part]) live += 1 - d;
    if (live > bestLive) [best, bestLive, bestAt] = [part, live, at];
    at += live;
  });
  return { index: old[best].index, dead: deadAtLsn[best], at: bestAt };
}

/** Drops a prepared merge that will not be published: frees it and removes its directory. */
export function abandonMerge(store: CollectionStore, prepared: PreparedMerge): void {
  store.merging.delete(prepared.memory);
  if (!prepared.merged) return;
  prepared.merged.dispose();
  prepared.release?.();
  // Crash before this ⇒ an unreferenced segment directory, removed on open.
  store.vfs.removeTree(layout.segmentDir(store.dir, prepared.merged.id));
}

/**
 * Second step, holding the store's publish lock: publishes the manifest with
 * `old` (a consecutive run of the current manifest's segments) replaced by
 * the merged segment, then switches readers in one synchronous step and
 * removes the old segments. The manifest may be later than the one the
 * merge started from (checkpoints go on meanwhile): rows of the run killed
 * up to its LSN become the merged segment's tombstones there, and rows
 * killed after it stay in the merged segment (their delete or overwrite is
 * in the WAL after that LSN, and replay must find the row) and are killed
 * in memory at the switch, persisted by the next checkpoint.
 *
 * Returns false, abandoning the merge, when the run is no longer in the
 * manifest (a compaction took it). Throws what the Vfs throws; then nothing
 * is switched (and the caller fails the database: the manifest is in doubt).
 */
export async function publishMerge(store: CollectionStore, old: Segment[], prepared: PreparedMerge): Promise<boolean> {
  const { merged, origin } = prepared;
  const refs = store.manifest.segments;
  const at = refs.findIndex((r) => r.id === old[0].id);
  if (at < 0 || old.some((s, i) => refs[at + i]?.id !== s.id) || store.state.segments[at] !== old[0]) {
    abandonMerge(store, prepared);
    return false;
  }
  const to = at + old.length;
  const current = store.manifestTombstones;
  const deadNow = old.map((s, part) => {
    const dead = new Uint8Array(s.rows);
    for (const row of current[at + part]) dead[row] = 1;
    return dead;
  });
  const mergedTombstones: number[] = [];
  origin.forEach(({ part, row }, k) => {
    if (deadNow[part][row] === 1) mergedTombstones.push(k);
  });
  const next: ManifestState = {
    ...store.manifest,
    segments: [...refs.slice(0, at), ...(merged ? [{ id: merged.id, rows: merged.rows }] : []), ...refs.slice(to)],
  };
  const tombstones = [...current.slice(0, at), ...(merged ? [Uint32Array.from(mergedTombstones)] : []), ...current.slice(to)];
  try {
    // Crash before the manifest is published ⇒ the new segment is unreferenced and removed on open.
    await store.publishManifest(next, tombstones);
  } catch (err) {
    // Not removed: the manifest's rename may have reached the disk; the failed database leaves it to the next open.
    merged?.dispose();
    prepared.release?.();
    store.merging.delete(prepared.memory);
    throw err;
  }
  switchSegments(store, old, merged, origin);
  prepared.release?.();
  // The merged segment is counted as a segment from the switch on.
  store.merging.delete(prepared.memory);
  for (const s of old) {
    s.dispose();
    // Crash before this ⇒ an unreferenced segment directory, removed on open.
    store.vfs.removeTree(layout.segmentDir(store.dir, s.id));
  }
  return true;
}

/**
 * The merged segment's postings section: each old segment's postings with its
 * rows renumbered as the merge above numbers them (live rows in order, part
 * after part), those dead at the LSN dropped. Undefined without a full-text index.
 */
function mergePostings(factory: IndexFactory, old: Segment[], deadAtLsn: Uint8Array[], rows: number): Uint8Array | undefined {
  if (!factory.text) return undefined;
  let next = 0;
  const parts = old.map((s, part) => {
    const newRows = new Int32Array(s.rows);
    for (let row = 0; row < s.rows; row++) newRows[row] = deadAtLsn[part][row] === 1 ? -1 : next++;
    return { postings: s.text!.postings, newRows };
  });
  return factory.text.merge(parts, rows);
}

/** The merged segment's sparse postings section, renumbered as {@link mergePostings}; undefined without a sparse-vector index. */
function mergeSparse(factory: IndexFactory, old: Segment[], deadAtLsn: Uint8Array[], rows: number): Uint8Array | undefined {
  if (!factory.sparse) return undefined;
  let next = 0;
  const parts = old.map((s, part) => {
    const newRows = new Int32Array(s.rows);
    for (let row = 0; row < s.rows; row++) newRows[row] = deadAtLsn[part][row] === 1 ? -1 : next++;
    return { postings: s.sparse!, newRows };
  });
  return factory.sparse.merge(parts, rows);
}

/** Replaces `old` (a consecutive run of the state's segments) by `merged` for readers, in one synchronous step. */
function switchSegments(store: CollectionStore, old: Segment[], merged: Segment | null, origin: { part: number; row: number }[]): void {
  const { state } = store;
  const at = state.segments.indexOf(old[0]);
  if (at < 0 || old.some((s, i) => state.segments[at + i] !== s)) throw new Error('segments changed under a compaction');
  origin.forEach(({ part, row }, k) => {
    if (!old[part].isLive(row)) {
      merged!.kill(k);
      state.tombstonesDirty = true;
    }
  });
  state.segments = [...state.segments.slice(0, at), ...(merged ? [merged] : []), ...state.segments.slice(at + old.length)];
  state.version++;
}
