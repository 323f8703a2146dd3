import { join } from 'node:path';
import { CorruptionError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import { decodeManifest, parseManifestFileName, type ManifestState } from '../format/manifest.js';
import { decodeOperation } from '../format/operation.js';
import { WAL_FILE_HEADER_BYTES } from '../format/wal-record.js';
import type { Durability } from '../types.js';
import { scanWal } from '../wal/reader.js';
import type { WalWriter } from '../wal/writer.js';
import { CollectionState } from './collection-state.js';
import type { IndexFactory } from './index-factory.js';
import { layout } from './layout.js';
import { Segment } from './segment.js';
import { createWalFile, openWalFile } from './wal-files.js';

export interface Recovered {
  manifest: ManifestState;
  manifestNumber: number;
  state: CollectionState;
  wal: WalWriter;
  lastLsn: number;
}

/**
 * Brings a collection back after any stop, clean or not: the highest manifest,
 * its segments with their tombstones, then the WAL records after the
 * manifest's checkpoint LSN. Leftovers of an interrupted checkpoint (temp
 * files, unreferenced segments, covered WAL files, older manifests) are removed.
 */
export async function recoverCollection(
  vfs: Vfs,
  dir: string,
  durability: Durability,
  makeFactory: (manifest: ManifestState) => IndexFactory,
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
  const scan = scanWal(vfs, walDir, manifest.checkpointLsn);
  // A checkpoint makes the WAL file that continues after it durable before publishing its
  // manifest, so some file reaches checkpointLsn. None means WAL files were lost, and with them
  // acknowledged writes that would otherwise vanish silently (found by the corruption sweep).
  const reaches = (f: { firstLsn: number; lastLsn: number }) => f.firstLsn <= manifest.checkpointLsn + 1 && f.lastLsn >= manifest.checkpointLsn;
  if (manifest.checkpointLsn > 0 && !scan.files.some(reaches)) {
    throw new CorruptionError(walDir, 0, `no WAL file continues after the checkpoint at LSN ${manifest.checkpointLsn}`);
  }
  if (scan.records.length > 0 && scan.records[0].lsn !== manifest.checkpointLsn + 1) {
    throw new CorruptionError(walDir, 0, `WAL resumes at LSN ${scan.records[0].lsn}, checkpoint covers up to ${manifest.checkpointLsn}`);
  }
  for (const record of scan.records) {
    let op;
    try {
      op = decodeOperation(record.type, record.payload);
    } catch (err) {
      throw new CorruptionError(walDir, 0, `WAL record ${record.lsn} does not decode: ${(err as Error).message}`);
    }
    state.apply(op);
  }

  const last = scan.files[scan.files.length - 1];
  const lastLsn = Math.max(manifest.checkpointLsn, last?.lastLsn ?? 0);
  const reuse = last && last.validBytes >= WAL_FILE_HEADER_BYTES && last.lastLsn === lastLsn;
  // Files wholly covered by the checkpoint are dropped; files with later records stay until the next one.
  for (const f of scan.files) {
    if (f === last && reuse) continue;
    if (f.lastLsn <= manifest.checkpointLsn) vfs.unlink(f.path);
  }
  const wal = reuse ? openWalFile(vfs, last.path, durability, last.validBytes) : await createWalFile(vfs, walDir, lastLsn + 1, durability);
  state.tombstonesDirty = false;
  return { manifest, manifestNumber, state, wal, lastLsn };
}
