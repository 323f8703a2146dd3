import { join } from 'node:path';
import type { Vfs } from '../fs/vfs.js';
import { layout } from '../storage/layout.js';
import { decodeManifest, parseManifestFileName, type ManifestState } from '../format/manifest.js';

/** A sealed segment as the current manifest names it. */
export interface SegmentFileInfo {
  id: number;
  rows: number;
  /** Tombstoned rows. */
  deleted: number;
  /** Size of `segment.bin`, or null when missing. */
  fileBytes: number | null;
}

/** A collection directory as its current manifest describes it. */
export interface CollectionFiles {
  dir: string;
  manifestFile: string;
  state: ManifestState;
  segments: SegmentFileInfo[];
}

/**
 * Reads the current manifest of every collection of the database at `dir`
 * (read-only), keyed by collection name: what `stats()` does not expose, such
 * as the HNSW parameters and the per-segment rows and tombstones. Call it
 * while the database is open in this process, so no writer changes the files.
 */
export function readCollectionFiles(vfs: Vfs, dir: string): Map<string, CollectionFiles> {
  const out = new Map<string, CollectionFiles>();
  const collectionsDir = layout.collections(dir);
  for (const entry of vfs.list(collectionsDir).sort()) {
    if (entry.endsWith('.tmp') || entry.endsWith('.deleted')) continue;
    const collectionDir = join(collectionsDir, entry);
    const names = vfs.list(collectionDir);
    const current = names.filter((n) => parseManifestFileName(n) !== undefined).sort().pop();
    if (!current) continue;
    const manifestFile = join(collectionDir, current);
    const { state, tombstones } = decodeManifest(vfs.readFile(manifestFile), manifestFile);
    const segments = state.segments.map((s, i) => ({
      id: s.id,
      rows: s.rows,
      deleted: tombstones[i].length,
      fileBytes: vfs.sizeOf(layout.segmentFile(collectionDir, s.id)) ?? null,
    }));
    out.set(state.name, { dir: collectionDir, manifestFile, state, segments });
  }
  return out;
}
