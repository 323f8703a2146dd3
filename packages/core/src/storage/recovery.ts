import { join } from 'node:path';
import { CorruptionError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import { decodeManifest, parseManifestFileName, type ManifestState } from '../format/manifest.js';
import { WAL_FILE_HEADER_BYTES } from '../format/wal-record.js';
import type { Durability } from '../types.js';
import { readWal } from '../wal/reader.js';
import type { WalWriter } from '../wal/writer.js';
import { CollectionState } from './collection-state.js';
import type { IndexFactory } from './index-factory.js';
import { layout } from './layout.js';
import { Segment } from './segment.js';
import { createWalFile, openWalFile, syncWalFile } from './wal-files.js';

export interface Recovered {
  manifest: ManifestState;
  manifestNumber: number;
  state: CollectionState;
  wal: WalWriter;
  lastLsn: number;
  /** Tombstones per segment as the manifest records them (before the WAL replay). */
  tombstones: Uint32Array[];
}

/**
 * Brings a collection back after any stop, clean or not: the highest manifest,
 * its segments with their tombstones, then the WAL records after the
 * manifest's checkpoint LSN. Leftovers of an interrupted checkpoint (temp
 * files, unreferenced segments, covered WAL files, older manifests) are removed.
 * `legacy`: the collection belongs to a format-1 database (see readWal).
 * Throws CorruptionError (file, offset) for damaged or missing files.
 */
export async function recoverCollection(
  vfs: Vfs,
  dir: string,
  durability: Durability,
  makeFactory: (manifest: ManifestState) => IndexFactory,
  options: { legacy: boolean } = { legacy: false },
): Promise<Recovered> {
  const names = vfs.list(dir);
  for (const name of names) if (name.endsWith('.tmp')) vfs.removeTree(join(dir, name));
  const numbers = names.map(parseManifestFileName).filter((n): n is number => n !== undefined).sort((a, b) => a - b);
  if (numbers.length === 0) throw new CorruptionError(dir, 0, 'collection directory has no manifest');
  const manifestNumber = numbers[numbers.length - 1];
  const manifestPath = join(dir, names.find((n) => parseManifestFileName(n) === manifestNumber)!);
  const { state: manifest, tombstones } = decodeManifest(vfs.readFile(manifestPath), manifestPath);
  for (const n of names) {
    const num = parseManifestFileName(n);
    if (num !== undefined && num < manifestNumber) vfs.unlink(join(dir, n));
  }

  const factory = makeFactory(manifest);
  const segmentsDir = layout.segments(dir);
  const referenced = new Set(manifest.segments.map((s) => String(s.id)));
  for (const entry of vfs.list(segmentsDir)) {
    if (!referenced.has(entry)) vfs.removeTree(join(segmentsDir, entry));
  }
  const segments = manifest.segments.map((ref, i) => {
    const file = layout.segmentFile(dir, ref.id);
    if (!vfs.exists(file)) throw new CorruptionError(file, 0, 'segment named by the manifest is missing');
    if (manifest.dimension === null) throw new CorruptionError(manifestPath, 16, 'segments without a dimension');
    const segment = Segment.open(vfs, ref.id, file, { rows: ref.rows, dimension: manifest.dimension, metric: manifest.metric }, factory);
    for (const row of tombstones[i]) segment.kill(row);
    return segment;
  });

  const state = new CollectionState(manifest.dimension, manifest.metric, factory, segments);
  const walDir = layout.wal(dir);
  const scan = readWal(vfs, walDir, { checkpointLsn: manifest.checkpointLsn, dimension: manifest.dimension, mode: 'repair', legacy: options.legacy });
  for (const leftover of scan.leftovers) vfs.removeTree(join(walDir, leftover));
  for (const { op } of scan.operations) state.apply(op);

  const last = scan.files[scan.files.length - 1];
  const lastLsn = Math.max(manifest.checkpointLsn, last?.lastLsn ?? 0);
  // Appends go on only in a last file that holds no record yet. Otherwise open starts a new file at
  // lastLsn + 1, whose name records where the log had reached: cutting the older file at a record
  // boundary then leaves a gap the next open reports, instead of silently dropping the records
  // replayed here (wal.md, "What OmenDB detects"). One file creation per open that found records.
  const reuse = last !== undefined && last.validBytes >= WAL_FILE_HEADER_BYTES && last.lastLsn === last.firstLsn - 1 && last.firstLsn === lastLsn + 1;
  let wal: WalWriter;
  if (reuse) {
    wal = openWalFile(vfs, last.path, durability, last.validBytes);
  } else {
    // The records just replayed may sit only in the page cache (durability 'os' or 'none', a killed
    // writer). Crash before this fdatasync ⇒ nothing was recorded yet; the next open reads what survived.
    if (last && last.lastLsn >= last.firstLsn) await syncWalFile(vfs, last.path);
    // Crash before this file is durable ⇒ the older files are all still there, as before this open.
    wal = await createWalFile(vfs, walDir, lastLsn + 1, durability);
  }
  // Files wholly covered by the checkpoint are dropped; files with later records stay until the next one.
  // Crash before these unlinks ⇒ they are covered still, and dropped by the next open.
  for (const f of scan.files) {
    if (f.path !== wal.path && f.lastLsn <= manifest.checkpointLsn) vfs.unlink(f.path);
  }
  state.tombstonesDirty = false;
  return { manifest, manifestNumber, state, wal, lastLsn, tombstones };
}
