import { join } from 'node:path';
import type { Vfs } from '../fs/vfs.js';
import type { ManifestState } from '../format/manifest.js';
import { parseWalFileName } from '../format/wal-record.js';
import { layout } from './layout.js';
import { Segment, type SegmentContents } from './segment.js';
import type { CollectionStore } from './collection-store.js';
import { createWalFile } from './wal-files.js';
import type { SealedIndex } from './index-factory.js';

/**
 * Checkpoint: seals the memtable into a new segment, starts a new WAL file,
 * publishes the next manifest, then drops what it covers. Each step is safe to
 * crash after (see the comments at each durable step).
 */
export async function sealMemtable(store: CollectionStore): Promise<void> {
  const { state, vfs, dir } = store;
  const memtable = state.memtable;
  const hasRows = memtable !== null && memtable.rows > 0;
  if (!hasRows && !state.tombstonesDirty && store.manifest.checkpointLsn === store.lastLsn) return;
  await store.flushWal();

  const next: ManifestState = {
    ...store.manifest,
    dimension: state.dimension,
    checkpointLsn: store.lastLsn,
    segments: [...store.manifest.segments],
  };
  let segments = state.segments;
  if (hasRows) {
    const id = next.nextSegmentId++;
    const sealed = state.factory.seal(memtable.index);
    const rows = Array.from({ length: memtable.rows }, (_, row) => row);
    const contents = {
      ids: rows.map((row) => memtable.externalId(row)),
      metadata: rows.map((row) => memtable.metadataBytes(row)),
      documents: rows.map((row) => memtable.document(row)),
      vectors: sealed.vectors,
      graph: sealed.graph,
      quantization: sealed.quantization,
    };
    const segment = await writeSegment(store, id, contents, sealed);
    // Rows overwritten or deleted while in the memtable become the new segment's tombstones.
    for (let row = 0; row < memtable.rows; row++) if (!memtable.isLive(row)) segment.kill(row);
    next.segments.push({ id, rows: segment.rows });
    segments = [...segments, segment];
  }

  const walDir = layout.wal(dir);
  const previousWal = store.replaceWal(await createWalFile(vfs, walDir, store.lastLsn + 1, store.options.durability));
  await store.publishManifest(next, segments.map((s) => s.tombstones()));
  state.segments = segments;
  state.memtable = null;
  state.tombstonesDirty = false;
  state.version++;
  await previousWal.close();
  // Crash before these unlinks ⇒ covered WAL files remain; recovery skips and deletes them.
  dropCoveredWal(vfs, walDir, store.lastLsn + 1);
}

/** Merges every segment into one, dropping tombstoned rows; rebuilds the index. */
export async function compactSegments(store: CollectionStore): Promise<void> {
  const { state } = store;
  const old = state.segments;
  if (old.length === 0 || (old.length === 1 && old[0].deletedCount === 0)) return;
  const dim = state.dimension!;
  const contents: SegmentContents & { ids: string[]; metadata: (Uint8Array | null)[]; documents: (string | null)[] } = {
    ids: [],
    metadata: [],
    documents: [],
    vectors: new Float32Array(0),
    graph: null,
  };
  const live = old.reduce((n, s) => n + s.liveCount, 0);
  const vectors = new Float32Array(live * dim);
  let at = 0;
  for (const s of old) {
    for (let row = 0; row < s.rows; row++) {
      if (!s.isLive(row)) continue;
      contents.ids.push(s.externalId(row));
      contents.metadata.push(s.metadataBytes(row)?.slice() ?? null);
      contents.documents.push(s.document(row));
      vectors.set(s.index.vector(row), at * dim);
      at++;
    }
  }
  const next: ManifestState = { ...store.manifest, segments: [] };
  let segments: Segment[] = [];
  if (live > 0) {
    const sealed = await state.factory.build(dim, state.metric, vectors, live);
    const id = next.nextSegmentId++;
    const segment = await writeSegment(store, id, { ...contents, vectors: sealed.vectors, graph: sealed.graph, quantization: sealed.quantization }, sealed);
    next.segments = [{ id, rows: segment.rows }];
    segments = [segment];
  }
  // Crash before the manifest is published ⇒ the new segment is unreferenced and removed on open.
  await store.publishManifest(next, segments.map((s) => s.tombstones()));
  state.segments = segments;
  state.version++;
  for (const s of old) {
    s.dispose();
    // Crash before this ⇒ an unreferenced segment directory, removed on open.
    store.vfs.removeTree(layout.segmentDir(store.dir, s.id));
  }
}

async function writeSegment(store: CollectionStore, id: number, contents: SegmentContents, sealed: SealedIndex): Promise<Segment> {
  const { vfs, dir, state } = store;
  const bytes = Segment.encode(contents, state.dimension!, state.metric);
  const finalDir = layout.segmentDir(dir, id);
  const tmpDir = `${finalDir}.tmp`;
  vfs.removeTree(tmpDir);
  vfs.mkdir(tmpDir);
  const fd = vfs.open(join(tmpDir, 'segment.bin'), 'wx');
  try {
    vfs.write(fd, bytes, 0);
    // Crash before this fsync ⇒ a partial file in a *.tmp directory, removed on open.
    await vfs.fdatasync(fd);
  } finally {
    vfs.close(fd);
  }
  await vfs.fsyncDirectory(tmpDir);
  vfs.rename(tmpDir, finalDir);
  // Crash before this fsync ⇒ the rename may be lost; no manifest names the segment yet.
  await vfs.fsyncDirectory(layout.segments(dir));
  const file = layout.segmentFile(dir, id);
  const expected = { rows: contents.ids.length, dimension: state.dimension!, metric: state.metric };
  if (sealed.index) return Segment.load(id, file, bytes, expected, state.factory, sealed.index);
  // A quantized index reads its originals from the file just written, as it will after a reopen.
  sealed.release?.();
  return Segment.open(vfs, id, file, expected, state.factory);
}

function dropCoveredWal(vfs: Vfs, walDir: string, keepFromLsn: number): void {
  for (const name of vfs.list(walDir)) {
    const firstLsn = parseWalFileName(name);
    if (firstLsn !== undefined && firstLsn < keepFromLsn) vfs.unlink(join(walDir, name));
  }
}
