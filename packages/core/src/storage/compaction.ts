import type { ManifestState } from '../format/manifest.js';
import type { Published } from './checkpoint.js';
import type { CollectionStore } from './collection-store.js';
import type { IndexFactory } from './index-factory.js';
import { layout } from './layout.js';
import type { Segment } from './segment.js';
import { writeSegment } from './segment-writer.js';

/**
 * Merges segments of the manifest just published into one, dropping the
 * rows dead as of its checkpoint LSN, and rebuilds the index: segments
 * [`from`, `to`) of `published` (all of them for `compact()`; a background
 * merge of a few small ones passes their range, the rest keep their place). Runs outside
 * the write queue, after a checkpoint: writes go on meanwhile. A row killed
 * after that LSN stays in the merged segment (its delete or overwrite is in
 * the WAL after the LSN, and replay must find the row) and is killed there
 * at the switch, in memory, to be persisted by the next checkpoint.
 *
 * Readers switch from the old segments to the merged one in one synchronous
 * step once its manifest is published; the old segments are disposed after.
 * Throws what the Vfs throws; then nothing is switched.
 */
export async function compactSegments(store: CollectionStore, published: Published, from = 0, to = published.segments.length): Promise<void> {
  const { state } = store;
  const old = published.segments.slice(from, to);
  const tombstones = published.tombstones.slice(from, to);
  if (old.length === 0 || (old.length === 1 && tombstones[0].length === 0)) return;
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
  // origin[k]: the old segment and row of merged row k, to carry later kills over at the switch.
  const origin: { part: number; row: number }[] = [];
  const vectors = new Float32Array(live * dim);
  old.forEach((s, part) => {
    for (let row = 0; row < s.rows; row++) {
      if (deadAtLsn[part][row] === 1) continue;
      vectors.set(s.index.vector(row), ids.length * dim);
      ids.push(s.externalId(row));
      metadata.push(s.metadataBytes(row)?.slice() ?? null);
      documents.push(s.document(row));
      origin.push({ part, row });
    }
  });
  const next: ManifestState = { ...store.manifest };
  let merged: Segment | null = null;
  let release: (() => void) | undefined;
  if (live > 0) {
    const sealed = await state.factory.build(dim, state.metric, vectors, live);
    const id = next.nextSegmentId++;
    const postings = mergePostings(state.factory, old, deadAtLsn, live);
    merged = await writeSegment(store, id, { ids, metadata, documents, vectors: sealed.vectors, graph: sealed.graph, quantization: sealed.quantization, postings }, sealed);
    release = sealed.release;
  }
  // The manifest's other segments keep their place and their tombstones as of its LSN.
  const refs = store.manifest.segments;
  next.segments = [...refs.slice(0, from), ...(merged ? [{ id: merged.id, rows: merged.rows }] : []), ...refs.slice(to)];
  const tombstonesAtLsn = [...published.tombstones.slice(0, from), ...(merged ? [new Uint32Array(0)] : []), ...published.tombstones.slice(to)];
  try {
    // Crash before the manifest is published ⇒ the new segment is unreferenced and removed on open.
    await store.publishManifest(next, tombstonesAtLsn);
  } catch (err) {
    merged?.dispose();
    release?.();
    throw err;
  }
  switchSegments(store, old, merged, origin);
  release?.();
  for (const s of old) {
    s.dispose();
    // Crash before this ⇒ an unreferenced segment directory, removed on open.
    store.vfs.removeTree(layout.segmentDir(store.dir, s.id));
  }
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
