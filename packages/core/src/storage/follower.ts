import { join } from 'node:path';
import { CorruptionError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import { decodeManifest, manifestFileName, parseManifestFileName, type ManifestState } from '../format/manifest.js';
import { readWal } from '../wal/reader.js';
import { readWalTail, type WalCursor } from '../wal/tail.js';
import { CollectionState } from './collection-state.js';
import type { IndexFactory } from './index-factory.js';
import { layout } from './layout.js';
import { Segment } from './segment.js';

/** Loads that may start over because a writer moved on meanwhile; past this, the failure is real. */
const MAX_ATTEMPTS = 20;

/** What a read-only reader holds of one collection: a manifest, its segments, and the log replayed after it up to `cursor`. */
export interface Snapshot {
  manifest: ManifestState;
  manifestNumber: number;
  state: CollectionState;
  cursor: WalCursor;
  /** Bytes of WAL records replayed on top of the manifest. */
  walBytes: number;
}

/**
 * A collection as a read-only reader sees it while another process may write
 * it (docs/format/readers.md). Reads files and never writes, truncates or
 * removes one, takes no lock, and never waits for the writer.
 *
 * `refresh` catches up: the writer's new WAL records when the manifest is
 * the same, else a reload from the newer manifest (after a checkpoint, a
 * compaction or a merge). A reload that finds a file gone under it (the
 * writer dropped what the manifest it read named) starts over from the
 * newest manifest. Segments already open are kept across reloads: their
 * bytes are in memory or mapped, so the writer unlinking their files does
 * not affect them.
 */
export class Follower {
  private constructor(
    private readonly vfs: Vfs,
    readonly dir: string,
    private readonly makeFactory: (manifest: ManifestState) => IndexFactory,
    public snapshot: Snapshot,
  ) {}

  /** Loads the collection at `dir`; throws CorruptionError (file, offset) for damage, the Vfs's errors. */
  static open(vfs: Vfs, dir: string, makeFactory: (manifest: ManifestState) => IndexFactory): Follower {
    return new Follower(vfs, dir, makeFactory, loadSnapshot(vfs, dir, makeFactory, []));
  }

  /**
   * Applies what the writer acknowledged since the last call. Returns true
   * when the state object was replaced (a reload), false when the records
   * were applied to it in place or there were none. Synchronous: no read
   * interleaves with it.
   */
  refresh(): boolean {
    const { snapshot } = this;
    const number = currentManifestNumber(this.vfs, this.dir);
    if (number === snapshot.manifestNumber) {
      try {
        const tail = readWalTail(this.vfs, layout.wal(this.dir), snapshot.cursor, snapshot.state.dimension);
        for (const { op } of tail.operations) snapshot.state.apply(op);
        snapshot.cursor = tail.cursor;
        snapshot.walBytes += tail.bytesRead;
        return false;
      } catch (err) {
        // The file under the cursor went away: a checkpoint published a manifest covering it.
        if (currentManifestNumber(this.vfs, this.dir) === number && !isMissingFile(err)) throw err;
      }
    }
    const old = snapshot.state.segments;
    this.snapshot = loadSnapshot(this.vfs, this.dir, this.makeFactory, old);
    const kept = new Set(this.snapshot.state.segments);
    for (const s of old) if (!kept.has(s)) s.dispose();
    snapshot.state.memtable?.index.dispose();
    return true;
  }

  dispose(): void {
    for (const s of this.snapshot.state.segments) s.dispose();
    this.snapshot.state.memtable?.index.dispose();
  }
}

/** The highest manifest number in `dir` (the current one), or undefined when none is there. */
export function currentManifestNumber(vfs: Vfs, dir: string): number | undefined {
  let best: number | undefined;
  for (const name of vfs.list(dir)) {
    const n = parseManifestFileName(name);
    if (n !== undefined && (best === undefined || n > best)) best = n;
  }
  return best;
}

function loadSnapshot(vfs: Vfs, dir: string, makeFactory: (manifest: ManifestState) => IndexFactory, reuse: Segment[]): Snapshot {
  for (let attempt = 1; ; attempt++) {
    const number = currentManifestNumber(vfs, dir);
    if (number === undefined) throw new CorruptionError(dir, 0, 'collection directory has no manifest');
    try {
      return loadAt(vfs, dir, number, makeFactory, reuse);
    } catch (err) {
      // A checkpoint, compaction or merge published a newer manifest and dropped files the one read
      // named; or the writer dropped a WAL file the current manifest already covers (after it
      // published, or at its open) between the listing and the read: the next listing lacks it.
      if (attempt < MAX_ATTEMPTS && (currentManifestNumber(vfs, dir) !== number || isMissingFile(err))) continue;
      throw err;
    }
  }
}

function isMissingFile(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * Every read happens before the state is built, so a failed load changes
 * nothing the caller holds (the segments in `reuse` are reset only at the end).
 */
function loadAt(vfs: Vfs, dir: string, number: number, makeFactory: (manifest: ManifestState) => IndexFactory, reuse: Segment[]): Snapshot {
  const manifestPath = join(dir, manifestFileName(number));
  const { state: manifest, tombstones } = decodeManifest(vfs.readFile(manifestPath), manifestPath);
  const factory = makeFactory(manifest);
  const byId = new Map(reuse.map((s) => [s.id, s]));
  const opened: Segment[] = [];
  try {
    const segments = manifest.segments.map((ref) => {
      const kept = byId.get(ref.id);
      if (kept) return kept;
      const file = layout.segmentFile(dir, ref.id);
      if (manifest.dimension === null) throw new CorruptionError(manifestPath, 16, 'segments without a dimension');
      const segment = Segment.open(vfs, ref.id, file, { rows: ref.rows, dimension: manifest.dimension, metric: manifest.metric }, factory);
      opened.push(segment);
      return segment;
    });
    const scan = readWal(vfs, layout.wal(dir), { checkpointLsn: manifest.checkpointLsn, dimension: manifest.dimension, mode: 'report', legacy: false });
    // No I/O from here on.
    segments.forEach((s, i) => s.resetTombstones(tombstones[i]));
    const state = new CollectionState(manifest.dimension, manifest.metric, factory, segments);
    let walBytes = 0;
    for (const { op } of scan.operations) state.apply(op);
    // readWal finds at least one file or throws.
    const last = scan.files[scan.files.length - 1];
    for (const f of scan.files) if (f.lastLsn > manifest.checkpointLsn) walBytes += f.validBytes;
    const cursor: WalCursor = { path: last.path, offset: last.validBytes, lsn: Math.max(last.lastLsn, manifest.checkpointLsn) };
    state.tombstonesDirty = false;
    return { manifest, manifestNumber: number, state, cursor, walBytes };
  } catch (err) {
    for (const s of opened) s.dispose();
    throw err;
  }
}
