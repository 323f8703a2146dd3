import type { ManifestState } from '../format/manifest.js';
import type { WalWriter } from '../wal/writer.js';
import type { CollectionStore } from './collection-store.js';
import { layout } from './layout.js';
import type { Memtable } from './memtable.js';
import type { Segment } from './segment.js';
import { dropCoveredWal, writeSegment } from './segment-writer.js';
import { createWalFile } from './wal-files.js';

/**
 * The state a checkpoint publishes, as of one LSN: which segments there were
 * and their tombstones then, and the memtable to seal with its dead rows then.
 * Writes after `lsn` go on meanwhile (into a new memtable and a new WAL file);
 * they reach disk through that WAL, never through this checkpoint's manifest,
 * so replaying the WAL after `lsn` on top of the manifest is exactly right.
 */
export interface Frozen {
  /** The manifest's checkpoint LSN: every record up to it is in the segments. */
  lsn: number;
  /** Whether anything changed since the last manifest (else nothing is written). */
  changed: boolean;
  segments: Segment[];
  /** Tombstones per segment as of `lsn`. */
  tombstones: Uint32Array[];
  /** The memtable being sealed (held in `state.sealing`), or null when it had no row. */
  memtable: Memtable | null;
  /** Its dead rows as of `lsn`. */
  memtableTombstones: Uint32Array;
  /** The WAL file the new one replaced: closed, then unlinked, once the manifest is published. */
  previousWal: WalWriter | null;
}

/**
 * First step of a checkpoint, in the write queue (writers wait only for this):
 * makes the WAL durable, starts a new WAL file at the next LSN, moves the
 * memtable to `state.sealing` (still readable; writes go to a new memtable)
 * and notes the tombstones as of now. Costs two fdatasyncs and a directory
 * fsync; the segment is written afterwards by {@link sealFrozen}.
 */
export async function freezeCheckpoint(store: CollectionStore): Promise<Frozen> {
  const { state } = store;
  const memtable = state.memtable !== null && state.memtable.rows > 0 ? state.memtable : null;
  const changed = memtable !== null || state.tombstonesDirty || store.manifest.checkpointLsn !== store.lastLsn;
  let previousWal: WalWriter | null = null;
  if (changed) {
    // The old file must be durable before any record of the new one is acknowledged: recovery
    // replays both, and a gap between them would lose writes acknowledged before later ones.
    await store.flushWal();
    const next = await createWalFile(store.vfs, layout.wal(store.dir), store.lastLsn + 1, store.options.durability);
    previousWal = store.replaceWal(next);
  }
  // From here to the return nothing awaits: the snapshot and the move are one step for readers and writers.
  const frozen: Frozen = {
    lsn: store.lastLsn,
    changed,
    segments: state.segments,
    tombstones: state.segments.map((s) => s.tombstones()),
    memtable,
    memtableTombstones: memtable ? deadRows(memtable) : new Uint32Array(0),
    previousWal,
  };
  if (memtable) {
    state.sealing = memtable;
    state.memtable = null;
  }
  state.tombstonesDirty = false;
  state.version++;
  return frozen;
}

/** The segments a published manifest names, with their tombstones as of its checkpoint LSN. */
export interface Published {
  segments: Segment[];
  tombstones: Uint32Array[];
}

/**
 * Second step, outside the write queue: seals the frozen memtable into a
 * segment, publishes the manifest, then switches readers from the memtable to
 * the segment in one synchronous step, and drops the WAL the manifest covers.
 * On failure the memtable stays in `state.sealing`, readable, and nothing is
 * switched. Throws what the Vfs throws.
 */
export async function sealFrozen(store: CollectionStore, frozen: Frozen): Promise<Published> {
  try {
    return await seal(store, frozen);
  } catch (err) {
    // The previous WAL file was made durable at the freeze; only its descriptor is left to release.
    await frozen.previousWal?.close().catch(() => undefined);
    throw err;
  }
}

async function seal(store: CollectionStore, frozen: Frozen): Promise<Published> {
  const { state } = store;
  if (!frozen.changed) return { segments: frozen.segments, tombstones: frozen.tombstones };
  const next: ManifestState = { ...store.manifest, dimension: state.dimension, checkpointLsn: frozen.lsn, segments: [...store.manifest.segments] };
  const memtable = frozen.memtable;
  let segment: Segment | null = null;
  let release: (() => void) | undefined;
  if (memtable) {
    const id = store.allocateSegmentId();
    const sealed = state.factory.seal(memtable.index);
    const rows = Array.from({ length: memtable.rows }, (_, row) => row);
    const contents = {
      ids: rows.map((row) => memtable.externalId(row)),
      metadata: rows.map((row) => memtable.metadataBytes(row)),
      documents: rows.map((row) => memtable.document(row)),
      vectors: sealed.vectors,
      graph: sealed.graph,
      quantization: sealed.quantization,
      postings: memtable.textPostings ? state.factory.text!.encode(memtable.textPostings) : undefined,
      sparse: memtable.sparse ? state.factory.sparse!.encode(memtable.sparse) : undefined,
    };
    segment = await writeSegment(store, id, contents, sealed);
    release = sealed.release;
    // Rows overwritten or deleted in the memtable up to the checkpoint LSN are the segment's tombstones.
    for (const row of frozen.memtableTombstones) segment.kill(row);
    next.segments.push({ id, rows: segment.rows });
  }
  const published: Published = {
    segments: segment ? [...frozen.segments, segment] : frozen.segments,
    tombstones: segment ? [...frozen.tombstones, segment.tombstones()] : frozen.tombstones,
  };
  try {
    await store.publishManifest(next, published.tombstones);
  } catch (err) {
    segment?.dispose();
    throw err;
  }
  if (segment && memtable) {
    // The switch. Rows killed since the freeze die in the segment too (their WAL records replay after this LSN).
    for (let row = 0; row < memtable.rows; row++) if (!memtable.isLive(row)) segment.kill(row);
    state.segments = [...state.segments, segment];
    state.sealing = null;
    state.version++;
    release?.();
  }
  await frozen.previousWal?.close();
  // Crash before these unlinks ⇒ covered WAL files remain; recovery skips and deletes them.
  dropCoveredWal(store.vfs, layout.wal(store.dir), frozen.lsn + 1);
  return published;
}

function deadRows(memtable: Memtable): Uint32Array {
  const out = new Uint32Array(memtable.rows - memtable.liveCount);
  let n = 0;
  for (let row = 0; row < memtable.rows; row++) if (!memtable.isLive(row)) out[n++] = row;
  return out;
}
