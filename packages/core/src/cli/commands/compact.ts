import { readCollectionFiles } from '../collection-files.js';
import { selectCollections, withDatabase } from '../database.js';
import { formatBytes, formatChange, formatCount, formatDuration } from '../format.js';
import type { CliIO } from '../io.js';
import { startProgress } from '../progress.js';
import { renderTable } from '../table.js';

export interface CompactOptions {
  collection?: string[];
}

/** Before and after figures of one compacted collection. */
export interface CompactResult {
  name: string;
  records: number;
  segments: [before: number, after: number];
  /** Tombstoned rows in the segments. */
  deleted: [before: number, after: number];
  diskBytes: [before: number, after: number];
  elapsedMs: number;
}

/**
 * `omendb compact <dir>`: seals each collection's memtable and merges its
 * segments into one without tombstoned rows (`Collection.compact()`), with a
 * progress bar over the collections, then prints the sizes before and after.
 */
export async function compactCommand(io: CliIO, dir: string, options: CompactOptions): Promise<number> {
  const results = await withDatabase(io.vfs, dir, {}, async (db) => {
    const collections = await selectCollections(db, options.collection ?? []);
    const deletedRows = (name: string) => readCollectionFiles(io.vfs, dir).get(name)?.segments.reduce((n, s) => n + s.deleted, 0) ?? 0;
    const progress = startProgress(io, 'compact', collections.length);
    const out: CompactResult[] = [];
    try {
      for (const [i, col] of collections.entries()) {
        progress.update(i, `${i}/${collections.length} collections, now ${JSON.stringify(col.name)}`);
        const before = col.stats();
        const deletedBefore = deletedRows(col.name);
        const started = io.now();
        await col.compact();
        const after = col.stats();
        out.push({
          name: col.name,
          records: after.count,
          segments: [before.segments, after.segments],
          deleted: [deletedBefore, deletedRows(col.name)],
          diskBytes: [before.diskBytes, after.diskBytes],
          elapsedMs: io.now() - started,
        });
      }
      progress.finish(collections.length, `${collections.length}/${collections.length} collections`);
    } finally {
      progress.stop();
    }
    return out;
  });
  await io.stdout(renderCompaction(results));
  return 0;
}

function renderCompaction(results: CompactResult[]): string {
  if (results.length === 0) return 'No collections to compact.\n';
  const pair = ([a, b]: [number, number], f: (n: number) => string) => `${f(a)} → ${f(b)}`;
  const rows = results.map((r) => [
    r.name,
    formatCount(r.records),
    pair(r.segments, String),
    pair(r.deleted, formatCount),
    formatBytes(r.diskBytes[0]),
    formatBytes(r.diskBytes[1]),
    formatChange(r.diskBytes[0], r.diskBytes[1]),
    formatDuration(r.elapsedMs),
  ]);
  const before = results.reduce((n, r) => n + r.diskBytes[0], 0);
  const after = results.reduce((n, r) => n + r.diskBytes[1], 0);
  return (
    renderTable(
      ['collection', 'records', 'segments', 'deleted rows', 'disk before', 'disk after', 'change', 'time'],
      rows,
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ) + `Total disk ${formatBytes(before)} → ${formatBytes(after)} (${formatChange(before, after)})\n`
  );
}
