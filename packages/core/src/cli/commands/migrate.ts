import type { ChromaClient, Collection as ChromaCollection } from 'chromadb';
import { OmenDB } from '../../api/omendb.js';
import { layout } from '../../storage/layout.js';
import type { Metric } from '../../types.js';
import { toChromaCollectionMetadata, toChromaMetadata } from '../chroma/chroma-metadata.js';
import { connectChroma, createChromaCollection, isChromaUrl, listChromaCollections, openChromaCollection } from '../chroma/client.js';
import { checkMigration, checkPassed, renderCheck, Reservoir } from '../chroma/migration-check.js';
import { chromaSide, omenSide, type MigrationRecord, type Side } from '../chroma/sides.js';
import { requireDatabase, selectCollections } from '../database.js';
import { CliError, describeError, EXIT } from '../errors.js';
import { formatCount, formatDuration, formatRate } from '../format.js';
import type { CliIO } from '../io.js';
import { startProgress } from '../progress.js';

export interface MigrateOptions {
  /** A Chroma URL or an OmenDB directory; `to` is the other kind. */
  from: string;
  to: string;
  /** Collections to copy; all when absent. */
  collection?: string[];
  tenant: string;
  database: string;
  batchSize: number;
  /** Records sampled for the check after the copy. */
  sample: number;
}

/** A collection pair ready to copy, and how to undo its creation if the copy fails. */
interface Pair {
  source: Side;
  target: Side;
  /** Maps a source record to what the target accepts (throws CliError for what it cannot hold). */
  convert: (r: MigrationRecord) => MigrationRecord;
  /** Embeddings read back from Chroma's cosine collections are compared with a tolerance. */
  tolerant: boolean;
  rollback: () => Promise<void>;
}

/**
 * `omendb migrate --from <chroma-url> --to <dir>` or `--from <dir> --to
 * <chroma-url>`: copies ids, embeddings, metadata and documents of all (or the
 * named) collections through Chroma's JS client in batches; the metric follows
 * Chroma's `hnsw:space`. A target collection must not exist yet; one whose copy
 * fails is deleted again. Afterwards compares counts, a sample of records and
 * the top-10 results of sample queries on both sides, and prints that check.
 */
export async function migrateCommand(io: CliIO, o: MigrateOptions): Promise<number> {
  const fromChroma = isChromaUrl(o.from);
  if (fromChroma === isChromaUrl(o.to)) {
    throw new CliError(
      'USAGE',
      fromChroma ? 'both --from and --to are URLs' : 'neither --from nor --to is a Chroma URL',
      'one side is a Chroma server (http://host:port), the other an OmenDB directory',
      { exitCode: EXIT.refused },
    );
  }
  const url = fromChroma ? o.from : o.to;
  const dir = fromChroma ? o.to : o.from;
  if (!fromChroma) requireDatabase(io.vfs, dir);
  else if (!io.vfs.exists(layout.formatFile(dir)) && io.vfs.list(dir).length > 0) {
    throw new CliError('NOT_A_DATABASE', `${dir} is a non-empty directory without an OmenDB database`, 'give an existing database or a new (missing or empty) directory');
  }
  const client = await connectChroma(url, o.tenant, o.database);
  // Chroma refuses larger writes than its preflight limit.
  const maxBatch = await client.getMaxBatchSize();
  const batchSize = maxBatch > 0 ? Math.min(o.batchSize, maxBatch) : o.batchSize;
  const db = await OmenDB.open(dir, { vfs: io.vfs });
  let failed = 0;
  let total = 0;
  const started = io.now();
  try {
    const pairs = fromChroma ? await pairsFromChroma(client, db, o.collection) : await pairsToChroma(client, db, o.collection);
    for (const make of pairs) {
      const pair = await make();
      const copied = await copy(io, pair, batchSize, o.sample);
      total += copied.copied;
      const check = await checkMigration(pair.source, pair.target, copied.sample, pair.tolerant);
      if (!checkPassed(check)) failed++;
      await io.stdout(renderCheck(check, pair.source.kind, pair.target.kind));
    }
    const verdict = failed === 0 ? 'every check passed' : `${failed} check${failed === 1 ? '' : 's'} FAILED`;
    await io.stdout(`Migrated ${pairs.length} collection${pairs.length === 1 ? '' : 's'} (${formatCount(total)} records) from ${o.from} to ${o.to} in ${formatDuration(io.now() - started)}: ${verdict}\n`);
  } finally {
    await db.close();
  }
  return failed === 0 ? EXIT.ok : EXIT.failed;
}

/** Chroma → OmenDB: every target name is checked free before anything is copied. */
async function pairsFromChroma(client: ChromaClient, db: OmenDB, names: string[] | undefined): Promise<(() => Promise<Pair>)[]> {
  const selected = names ?? (await listChromaCollections(client));
  const existing = new Set((await db.listCollections()).map((c) => c.name));
  const taken = selected.filter((n) => existing.has(n));
  if (taken.length > 0) throw alreadyThere(taken, 'the OmenDB database');
  const sources = await Promise.all(selected.map((name) => openChromaCollection(client, name)));
  return sources.map((source) => async () => {
    const metric = chromaMetric(source);
    const metadata = source.metadata ? { ...source.metadata } : null;
    if (metadata && 'hnsw:space' in metadata) metadata['hnsw:space'] = metric;
    // The vectors come from Chroma: no function recorded, so the user's own can be passed on getCollection.
    const target = await db.createCollection({ name: source.name, metric, metadata, embeddingFunction: null });
    return {
      source: chromaSide(source),
      target: omenSide(target),
      convert: (r) => r,
      tolerant: false,
      rollback: () => db.deleteCollection(source.name),
    };
  });
}

/** OmenDB → Chroma: every target name is checked free before anything is copied. */
async function pairsToChroma(client: ChromaClient, db: OmenDB, names: string[] | undefined): Promise<(() => Promise<Pair>)[]> {
  const sources = await selectCollections(db, names ?? []);
  const onServer = new Set(await listChromaCollections(client));
  const taken = sources.map((c) => c.name).filter((n) => onServer.has(n));
  if (taken.length > 0) throw alreadyThere(taken, 'the Chroma server');
  return sources.map((source) => async () => {
    const metadata = toChromaCollectionMetadata(source.name, source.metadata, source.metric);
    const target = await createChromaCollection(client, source.name, metadata);
    return {
      source: omenSide(source),
      target: chromaSide(target),
      convert: (r) => ({ ...r, metadata: toChromaMetadata(r.id, r.metadata) }),
      tolerant: source.metric === 'cosine',
      rollback: () => client.deleteCollection({ name: source.name }),
    };
  });
}

/** Copies every record in batches with a progress bar, sampling records for the check; rolls the target back on failure. */
async function copy(io: CliIO, pair: Pair, batchSize: number, sampleSize: number): Promise<{ copied: number; sample: MigrationRecord[] }> {
  const { source, target } = pair;
  const total = await source.count();
  const label = `copy ${source.name}`;
  const progress = startProgress(io, label, total);
  const reservoir = new Reservoir(sampleSize);
  const started = io.now();
  let copied = 0;
  let elapsed = 0;
  try {
    // Offsets are stable because nothing else writes: the OmenDB side is locked, and the Chroma side must be left alone meanwhile.
    for (let offset = 0; offset < total; offset += batchSize) {
      const page = await source.page(offset, batchSize);
      if (page.length === 0) break;
      await target.add(page.map(pair.convert));
      for (const r of page) reservoir.offer(r);
      copied += page.length;
      progress.update(copied, `${formatCount(copied)}/${formatCount(total)} records, ${formatRate(copied, io.now() - started)}`);
    }
    elapsed = io.now() - started;
    progress.finish(copied, `${formatCount(copied)}/${formatCount(total)} records, ${formatRate(copied, elapsed)}`);
  } catch (err) {
    progress.finish(copied, `${formatCount(copied)}/${formatCount(total)} records, stopped`);
    await pair.rollback();
    // Any failure (Chroma's, a record OmenDB rejects…) keeps its code and says the copy was undone.
    const { code, message, hint, exitCode } = describeError(err);
    throw new CliError(code, `${message}; the partial copy of ${JSON.stringify(source.name)} in ${target.kind} was deleted`, hint, { cause: err, exitCode });
  } finally {
    progress.stop();
  }
  await io.stdout(`Copied ${formatCount(copied)} records of ${JSON.stringify(source.name)} from ${source.kind} to ${target.kind} in ${formatDuration(elapsed)} (${formatRate(copied, elapsed)})\n`);
  return { copied, sample: reservoir.records };
}

/** The metric of a Chroma collection: its configuration's space, else `hnsw:space` metadata, else l2. */
function chromaMetric(col: ChromaCollection): Metric {
  const space = col.configuration?.hnsw?.space ?? col.configuration?.spann?.space ?? col.metadata?.['hnsw:space'] ?? 'l2';
  if (space !== 'l2' && space !== 'cosine' && space !== 'ip') {
    throw new CliError('CHROMA_INCOMPATIBLE', `Chroma collection ${JSON.stringify(col.name)} uses space ${JSON.stringify(space)}`, 'OmenDB supports l2, cosine and ip');
  }
  return space;
}

function alreadyThere(names: string[], where: string): CliError {
  return new CliError(
    'ALREADY_EXISTS',
    `${where} already has ${names.length === 1 ? 'a collection' : 'collections'} named ${names.map((n) => JSON.stringify(n)).join(', ')}; nothing was copied`,
    'delete them there first, or pick others with --collection',
  );
}
