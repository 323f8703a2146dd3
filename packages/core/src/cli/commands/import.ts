import { join } from 'node:path';
import { OmenDB } from '../../api/omendb.js';
import type { Collection } from '../../api/collection.js';
import { readLines } from '../../fs/line-reader.js';
import type { Metadata, Metric } from '../../types.js';
import { CliError, EXIT } from '../errors.js';
import { formatBytes, formatCount, formatDuration, formatRate } from '../format.js';
import type { CliIO } from '../io.js';
import { parseRecordLine, type LineContext } from '../jsonl-record.js';
import { startProgress } from '../progress.js';

export interface ImportOptions {
  collection: string;
  /** Metric of a collection this import creates; must match an existing one's. */
  metric?: Metric;
  batchSize: number;
}

/** Bad lines listed by number in the error, after the first one described in full. */
const MAX_LINES_LISTED = 5;

/**
 * `omendb import <dir> --collection name <file.jsonl>`: two streaming passes
 * over the file. The first validates every line with the rules of
 * `Collection.add` and the collection's dimension and metric; any bad line
 * stops the import before anything is written, naming its line number. The
 * second upserts the records in batches (a later line with an id seen before
 * replaces that record, as upsert does), creating the database and the
 * collection when missing.
 */
export async function importCommand(io: CliIO, dir: string, file: string, options: ImportOptions): Promise<number> {
  const { vfs } = io;
  const fileBytes = vfs.sizeOf(file);
  if (fileBytes === undefined || vfs.isDirectory(file)) throw new CliError('NOT_FOUND', `${file} does not exist or is not a file`, 'check the path of the JSONL file');
  const isDatabase = vfs.exists(join(dir, 'FORMAT'));
  if (!isDatabase && vfs.list(dir).length > 0) {
    throw new CliError('NOT_A_DATABASE', `${dir} is a non-empty directory without an OmenDB database`, 'give an existing database or a new (missing or empty) directory');
  }
  let db: OmenDB | null = isDatabase ? await OmenDB.open(dir, { vfs }) : null;
  try {
    const existing = db ? (await db.listCollections()).find((c) => c.name === options.collection) : undefined;
    if (existing && options.metric !== undefined && options.metric !== existing.metric) {
      throw new CliError('VALIDATION', `--metric ${options.metric} contradicts the existing collection ${JSON.stringify(existing.name)}, whose metric is ${existing.metric}`, 'leave out --metric or import into another collection');
    }
    const ctx: LineContext = { file, dimension: existing?.dimension ?? null, metric: existing?.metric ?? options.metric ?? 'l2' };

    const records = validateFile(io, file, fileBytes, ctx);
    if (records === 0) {
      await io.stdout(`${file} holds no records; nothing was imported\n`);
      return EXIT.ok;
    }
    db ??= await OmenDB.open(dir, { vfs });
    const col = existing ?? (await db.createCollection({ name: options.collection, metric: ctx.metric, dimension: ctx.dimension!, embeddingFunction: null }));
    const started = io.now();
    await writeRecords(io, file, fileBytes, { ...ctx, dimension: col.dimension }, col, options.batchSize);
    const elapsed = io.now() - started;
    const count = await col.count();
    await io.stdout(
      `Imported ${formatCount(records)} records into ${JSON.stringify(col.name)} (${col.dimension}-d, ${col.metric}) from ${file}: ` +
        `${formatBytes(fileBytes)} in ${formatDuration(elapsed)} (${formatRate(records, elapsed)}); the collection holds ${formatCount(count)} records\n`,
    );
    return EXIT.ok;
  } finally {
    await db?.close();
  }
}

/** Pass 1: validates every line; returns the number of records, or throws naming the first bad line. */
function validateFile(io: CliIO, file: string, fileBytes: number, ctx: LineContext): number {
  const progress = startProgress(io, 'validate', fileBytes);
  let records = 0;
  let first: CliError | undefined;
  const badLines: number[] = [];
  try {
    for (const line of readLines(io.vfs, file)) {
      try {
        const record = parseRecordLine(line.bytes, line.number, ctx);
        if (record) {
          records++;
          // The first valid record fixes the dimension of a new collection.
          ctx.dimension ??= record.embedding.length;
        }
      } catch (err) {
        if (!(err instanceof CliError)) throw err;
        first ??= err;
        badLines.push(line.number);
      }
      if (line.number % 1000 === 0) progress.update(line.endOffset, `${formatCount(line.number)} lines checked`);
    }
    const bad = badLines.length === 0 ? '' : `, ${formatCount(badLines.length)} bad line${badLines.length === 1 ? '' : 's'}`;
    progress.finish(fileBytes, `${formatCount(records)} records valid${bad}`);
  } finally {
    progress.stop();
  }
  if (first) {
    const more = badLines.length - 1;
    const listed = badLines.slice(1, 1 + MAX_LINES_LISTED).join(', ');
    const suffix = more > 0 ? ` (and ${more} more bad line${more === 1 ? '' : 's'}: ${listed}${more > MAX_LINES_LISTED ? ', …' : ''})` : '';
    throw new CliError(first.code, `${first.message}${suffix}`, 'fix the file and run the import again; nothing was written');
  }
  return records;
}

/** Pass 2: upserts the records in batches of `batchSize`. */
async function writeRecords(io: CliIO, file: string, fileBytes: number, ctx: LineContext, col: Collection, batchSize: number): Promise<void> {
  const progress = startProgress(io, 'import', fileBytes);
  const started = io.now();
  let written = 0;
  let batch = emptyBatch();
  const flush = async () => {
    if (batch.ids.length === 0) return;
    const { ids, embeddings, metadatas, documents } = batch;
    await col.upsert({ ids, embeddings, metadatas, documents });
    written += batch.ids.length;
    batch = emptyBatch();
  };
  try {
    for (const line of readLines(io.vfs, file)) {
      // Validated in pass 1; parsed again rather than kept, so memory stays at one batch.
      const record = parseRecordLine(line.bytes, line.number, ctx);
      if (!record) continue;
      // One upsert call takes each id once; a repeated id starts a new batch so the later line wins.
      if (batch.seen.has(record.id)) await flush();
      batch.seen.add(record.id);
      batch.ids.push(record.id);
      batch.embeddings.push(record.embedding);
      batch.metadatas.push(record.metadata);
      batch.documents.push(record.document);
      if (batch.ids.length >= batchSize) {
        await flush();
        progress.update(line.endOffset, `${formatCount(written)} records, ${formatRate(written, io.now() - started)}`);
      }
    }
    await flush();
    progress.finish(fileBytes, `${formatCount(written)} records, ${formatRate(written, io.now() - started)}`);
  } finally {
    progress.stop();
  }
}

function emptyBatch() {
  return {
    seen: new Set<string>(),
    ids: [] as string[],
    embeddings: [] as Float32Array[],
    metadatas: [] as (Metadata | null)[],
    documents: [] as (string | null)[],
  };
}
