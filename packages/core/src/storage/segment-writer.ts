import { join } from 'node:path';
import type { Vfs } from '../fs/vfs.js';
import { parseWalFileName } from '../format/wal-record.js';
import type { CollectionStore } from './collection-store.js';
import type { SealedIndex } from './index-factory.js';
import { layout } from './layout.js';
import { Segment, type SegmentContents } from './segment.js';

/**
 * Writes `segments/<id>/segment.bin` durably (temp dir, fdatasync, rename,
 * fsync dir) and loads it for reading. The segment is not yet named by any
 * manifest: until one is published, a crash leaves a directory that open removes.
 * Throws what the Vfs throws; then `sealed.index` is disposed.
 */
export async function writeSegment(store: CollectionStore, id: number, contents: SegmentContents, sealed: SealedIndex): Promise<Segment> {
  try {
    return await write(store, id, contents, sealed);
  } catch (err) {
    sealed.index?.dispose();
    throw err;
  }
}

async function write(store: CollectionStore, id: number, contents: SegmentContents, sealed: SealedIndex): Promise<Segment> {
  const { vfs, dir, state } = store;
  const parts = Segment.encode(contents, state.dimension!, state.metric);
  const finalDir = layout.segmentDir(dir, id);
  const tmpDir = `${finalDir}.tmp`;
  vfs.removeTree(tmpDir);
  vfs.mkdir(tmpDir);
  const fd = vfs.open(join(tmpDir, 'segment.bin'), 'wx');
  try {
    // Part by part from where the sections are (the vectors from the index memory): never a copy of the whole file.
    vfs.write(fd, parts.table, 0);
    for (const section of parts.sections) vfs.write(fd, section.bytes, section.offset);
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
  if (sealed.index) return Segment.load(id, file, parts, expected, state.factory, sealed.index);
  // A quantized index reads its originals from the file just written, as it will after a reopen.
  return Segment.open(vfs, id, file, expected, state.factory);
}

/** Unlinks the WAL files whose records all precede `keepFromLsn` (a published checkpoint covers them). */
export function dropCoveredWal(vfs: Vfs, walDir: string, keepFromLsn: number): void {
  for (const name of vfs.list(walDir)) {
    const firstLsn = parseWalFileName(name);
    if (firstLsn !== undefined && firstLsn < keepFromLsn) vfs.unlink(join(walDir, name));
  }
}
