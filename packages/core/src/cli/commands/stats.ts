import type { CollectionStats, Stats } from '../../api/results.js';
import { NotFoundError } from '../../errors.js';
import { readCollectionFiles, type SegmentFileInfo } from '../collection-files.js';
import { selectCollections, withDatabase } from '../database.js';
import { formatBytes, formatCount } from '../format.js';
import type { CliIO } from '../io.js';
import { renderFields, renderTable } from '../table.js';

export interface StatsOptions {
  json?: boolean;
  collection?: string[];
}

/** One collection in `omendb stats --json`: `Collection.stats()` plus what only the manifest holds. */
export interface CollectionReport extends CollectionStats {
  hnsw: { M: number; efConstruction: number; efSearch: number };
  segmentFiles: SegmentFileInfo[];
}

/** `omendb stats --json`: `db.stats()` and one report per collection. */
export interface StatsReport {
  dir: string;
  database: Stats & { collections: number };
  collections: CollectionReport[];
}

/**
 * `omendb stats <dir>`: every figure comes from `db.stats()` / `col.stats()`
 * (the same numbers the API gives) plus the manifest's HNSW parameters and
 * segment list. Opens the database read-only, so it runs beside a live writer
 * (its figures are the state the writer had acknowledged when stats opened).
 */
export async function statsCommand(io: CliIO, dir: string, options: StatsOptions): Promise<number> {
  const report = await withDatabase(io.vfs, dir, { readOnly: true }, async (db) => {
    const collections = await selectCollections(db, options.collection ?? []);
    const files = readCollectionFiles(io.vfs, dir);
    return {
      dir,
      database: db.stats(),
      collections: collections.map((col): CollectionReport => {
        const f = files.get(col.name);
        // An open collection always has its manifest on disk; missing means a concurrent deletion.
        if (!f) throw new NotFoundError(`the manifest of collection ${JSON.stringify(col.name)} was not found`);
        return { ...col.stats(), hnsw: { ...f.state.hnsw }, segmentFiles: f.segments };
      }),
    } satisfies StatsReport;
  });
  await io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderStats(report));
  return 0;
}

/** The readable form of a stats report. */
export function renderStats(report: StatsReport): string {
  const db = report.database;
  let out = `Database ${report.dir}\n`;
  out += renderFields(
    [
      ['collections', formatCount(db.collections)],
      ['records', formatCount(db.count)],
      ['memory', formatBytes(db.memoryBytes)],
      ['disk', formatBytes(db.diskBytes)],
    ],
    '  ',
  );
  for (const c of report.collections) out += `\n${renderCollection(c)}`;
  return out;
}

function renderCollection(c: CollectionReport): string {
  let out = `Collection ${JSON.stringify(c.name)}\n`;
  out += renderFields(
    [
      ['records', formatCount(c.count)],
      ['dimension', c.dimension === null ? '- (set by the first add)' : String(c.dimension)],
      ['metric', c.metric],
      ['quantization', typeof c.quantization === 'string' ? c.quantization : `pq, ${c.quantization.subvectors} subvectors × ${c.quantization.bits} bits`],
      ['HNSW', `M ${c.hnsw.M}, efConstruction ${c.hnsw.efConstruction}, efSearch ${c.hnsw.efSearch}`],
      ['LSN', `last ${c.lastLsn}, checkpoint ${c.checkpointLsn}`],
      ['memory', formatBytes(c.memoryBytes)],
      ...(c.mappedBytes > 0 ? [['mapped', `${formatBytes(c.mappedBytes)} (segment files, float32 vectors read on demand)`] as [string, string]] : []),
      ['disk', formatBytes(c.diskBytes)],
    ],
    '  ',
  );
  out += '\n';
  if (c.segmentFiles.length === 0) out += '  segments: none (every record is in the memtable and the WAL)\n';
  else {
    out += renderTable(
      ['segment', 'rows', 'deleted', 'live', 'file'],
      c.segmentFiles.map((s) => [String(s.id), formatCount(s.rows), formatCount(s.deleted), formatCount(s.rows - s.deleted), s.fileBytes === null ? 'missing' : formatBytes(s.fileBytes)]),
      ['left', 'right', 'right', 'right', 'right'],
      '  ',
    );
  }
  out += '\n';
  const keys = [...new Set([...Object.keys(c.components), ...Object.keys(c.diskComponents)])];
  const cell = (parts: Record<string, number>, k: string) => (k in parts ? formatBytes(parts[k]) : '-');
  out += renderTable(
    ['component', 'memory', 'disk'],
    [...keys.map((k) => [k, cell(c.components, k), cell(c.diskComponents, k)]), ['total', formatBytes(c.memoryBytes), formatBytes(c.diskBytes)]],
    ['left', 'right', 'right'],
    '  ',
  );
  return out;
}
