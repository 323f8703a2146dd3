import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AlreadyExistsError, ClosedError, CorruptionError, NotFoundError, ValidationError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { asIOError } from '../fs/io-error.js';
import { DirectoryLock } from '../fs/lock.js';
import { NodeVfs } from '../fs/node-vfs.js';
import type { Vfs } from '../fs/vfs.js';
import { decodeDatabaseFile, encodeDatabaseFile } from '../format/database-file.js';
import type { ManifestState } from '../format/manifest.js';
import { totalStats, type Stats } from '../memory/collection-stats.js';
import { CollectionStore, type StoreOptions } from '../storage/collection-store.js';
import { Health } from '../storage/health.js';
import { defaultIndexFactory } from '../storage/default-index.js';
import { layout } from '../storage/layout.js';
import type { Durability, Metric } from '../types.js';
import { HNSW_PARAM_RANGES, inParamRange, resolveHnswParams, type HnswParams } from '../index/hnsw-params.js';
import type { QuantizationSpec } from '../quantize/quantizer.js';
import { validateQuantizationSpec } from '../quantize/spec.js';
import { Collection } from './collection.js';
import { createCollectionSchema, openOptionsSchema, parse } from './schemas.js';

/** Options of `OmenDB.open`. */
export interface OpenOptions {
  /**
   * When a write's promise resolves (default `'sync'`):
   * - `'sync'`: after fdatasync — survives power loss. Concurrent writes share one fdatasync (group commit).
   * - `'os'`: after write(2) — survives a process crash, not a power loss.
   * - `'none'`: buffered in the process (up to 1 MiB) — for bulk loads; a crash may lose the tail.
   */
  durability?: Durability;
  /** Memtable bytes (vectors + content) that trigger an automatic checkpoint; default 64 MiB. */
  memtableLimitBytes?: number;
  /** Segments per collection above which a checkpoint also compacts; default 8. */
  maxSegments?: number;
  /** @internal File-system implementation (tests inject faults through it). */
  vfs?: Vfs;
}

/** Arguments of `createCollection`. */
export interface CreateCollectionArgs {
  /** 1–128 characters, without `/`, `\`, `..` or NUL. */
  name: string;
  /** Vector length; when omitted it is fixed by the first add. */
  dimension?: number;
  /** Default `'l2'`, or Chroma's `metadata["hnsw:space"]`. */
  metric?: Metric;
  /** User metadata stored with the collection; Chroma's `hnsw:*` keys configure the index. */
  metadata?: Record<string, unknown> | null;
  /**
   * HNSW parameters: `M` 2…100 (default 16), `efConstruction` M…4096 (200),
   * `efSearch` 1…4096 (64); see index/hnsw-params.ts. Chroma's `hnsw:M`,
   * `hnsw:construction_ef`, `hnsw:search_ef` metadata keys also work.
   */
  hnsw?: { M?: number; efConstruction?: number; efSearch?: number };
  /**
   * How sealed segments store vectors (default `'none'`): `'sq8'` (1 byte per
   * dimension), `'binary'` (1 bit per dimension) or `{ type: 'pq', subvectors: m,
   * bits: 8 }` (m bytes per vector; m divides the dimension). Quantized segments
   * search the HNSW graph on the codes, rescore the best `k × oversampling`
   * with the float32 vectors, and keep those vectors in the segment file
   * (memory-mapped), not in memory. The memtable (recent writes) stays float32.
   */
  quantization?: QuantizationSpec;
  /**
   * Rescoring of quantized searches: candidates = k × `oversampling` (1–1024).
   * Default by measurement (`defaultOversampling`): sq8 2, PQ 8, binary
   * min(64, max(8, ⌈4096 / d⌉)). Only with `quantization`.
   */
  rescore?: { oversampling: number };
}

/**
 * An open database directory. One process holds it at a time (LockError for
 * any second opener); every acknowledged write survives a crash (see
 * `OpenOptions.durability`). Close it to checkpoint and release the lock.
 */
export class OmenDB {
  private open = true;
  private readonly collections = new Map<string, { store: CollectionStore; handle: Collection; live: { open: boolean } }>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly vfs: Vfs,
    private readonly lock: DirectoryLock,
    private readonly options: StoreOptions,
    private readonly health: Health,
  ) {}

  /**
   * Opens (creating if missing) the database at `dir` and recovers every
   * collection: manifest, segments, then the WAL after the last checkpoint.
   * Throws LockError when another opener holds `dir`, CorruptionError (file,
   * offset) for damaged files, ValidationError for bad options, IOError
   * (with the system error as `cause`) when the file system fails.
   */
  static async open(dir: string, options: OpenOptions = {}): Promise<OmenDB> {
    if (typeof dir !== 'string' || dir.length === 0) throw new ValidationError('dir must be a non-empty path');
    const { vfs = new NodeVfs(), ...rest } = options;
    const opts = parse(openOptionsSchema, rest, 'open options');
    try {
      vfs.mkdir(dir);
    } catch (err) {
      throw asIOError(err, `creating the database directory ${dir}`);
    }
    const lock = DirectoryLock.acquire(vfs, dir);
    try {
      const db = new OmenDB(dir, vfs, lock, opts, new Health());
      await db.recover().catch((err: unknown) => {
        throw asIOError(err, `opening ${dir}`);
      });
      return db;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /**
   * Creates the FORMAT file and `collections/` of a new database, in that
   * order, or checks them. FORMAT goes first so that a crash or an I/O error
   * part way leaves FORMAT without `collections/` (completed on the next
   * open), never `collections/` without FORMAT, which reads as a damaged
   * database; an empty `collections/` without FORMAT is such a partial
   * creation by an earlier version and is completed too. Then every
   * collection is recovered.
   */
  private async recover(): Promise<void> {
    const formatPath = layout.formatFile(this.dir);
    const collectionsDir = layout.collections(this.dir);
    if (this.vfs.exists(formatPath)) {
      decodeDatabaseFile(this.vfs.readFile(formatPath), formatPath);
    } else if (this.vfs.exists(collectionsDir) && this.vfs.list(collectionsDir).length > 0) {
      throw new CorruptionError(formatPath, 0, 'the FORMAT file is missing from a database directory');
    } else {
      await writeFileAtomic(this.vfs, formatPath, encodeDatabaseFile());
    }
    if (!this.vfs.exists(collectionsDir)) {
      // mkdir makes the new directory durable (it fsyncs the parent).
      this.vfs.mkdir(collectionsDir);
    }
    for (const entry of this.vfs.list(collectionsDir)) {
      const path = join(collectionsDir, entry);
      // Crash leftovers: *.tmp (never published) and *.deleted (deletion committed).
      if (entry.endsWith('.tmp') || entry.endsWith('.deleted')) {
        this.vfs.removeTree(path);
        continue;
      }
      const store = await CollectionStore.open(this.vfs, path, this.options, this.health, defaultIndexFactory);
      this.register(store);
    }
  }

  /**
   * Creates a collection; throws AlreadyExistsError when the name is taken,
   * ValidationError for bad arguments, IOError when the file system fails.
   */
  async createCollection(args: CreateCollectionArgs): Promise<Collection> {
    this.ensureOpen();
    const a = parse(createCollectionSchema, args, 'createCollection arguments');
    const config = collectionConfig(a);
    const quantization = validateQuantizationSpec(a.quantization, a.dimension ?? null);
    if (a.rescore !== undefined && quantization === 'none') {
      throw new ValidationError('invalid createCollection arguments', [
        { code: 'invalid_combination', path: ['rescore'], message: 'rescore applies only with quantization' },
      ]);
    }
    return this.exclusive(async () => {
      this.ensureOpen();
      this.health.check();
      if (this.collections.has(a.name)) throw new AlreadyExistsError(`collection ${JSON.stringify(a.name)} exists`);
      const state: ManifestState = {
        id: randomUUID().replace(/-/g, ''),
        name: a.name,
        dimension: a.dimension ?? null,
        metric: config.metric,
        metadata: a.metadata ?? null,
        hnsw: config.hnsw,
        ...(quantization === 'none' ? {} : { quantization }),
        ...(a.rescore === undefined ? {} : { rescore: a.rescore }),
        checkpointLsn: 0,
        nextSegmentId: 1,
        segments: [],
      };
      const path = await CollectionStore.create(this.vfs, layout.collections(this.dir), state);
      const store = await CollectionStore.open(this.vfs, path, this.options, this.health, defaultIndexFactory);
      return this.register(store);
    });
  }

  /** The collection named `name`; throws NotFoundError. */
  async getCollection(name: string): Promise<Collection> {
    this.ensureOpen();
    const entry = this.collections.get(name);
    if (!entry) throw new NotFoundError(`collection ${JSON.stringify(name)} does not exist`);
    return entry.handle;
  }

  /** The collection named `args.name`, created with `args` when missing. */
  async getOrCreateCollection(args: CreateCollectionArgs): Promise<Collection> {
    this.ensureOpen();
    const existing = this.collections.get(args?.name);
    if (existing) return existing.handle;
    try {
      return await this.createCollection(args);
    } catch (err) {
      if (err instanceof AlreadyExistsError) return this.getCollection(args.name);
      throw err;
    }
  }

  /** All collections, by name. */
  async listCollections(): Promise<Collection[]> {
    this.ensureOpen();
    return [...this.collections.keys()].sort().map((name) => this.collections.get(name)!.handle);
  }

  /** Deletes a collection and its files; its handles throw ClosedError afterwards. */
  async deleteCollection(name: string): Promise<void> {
    this.ensureOpen();
    return this.exclusive(async () => {
      const entry = this.collections.get(name);
      if (!entry) throw new NotFoundError(`collection ${JSON.stringify(name)} does not exist`);
      entry.live.open = false;
      this.collections.delete(name);
      await entry.store.discard();
      const deleted = `${entry.store.dir}.deleted`;
      this.vfs.rename(entry.store.dir, deleted);
      // Crash before this fsync ⇒ the rename may be undone and the collection reappears intact.
      await this.vfs.fsyncDirectory(layout.collections(this.dir));
      this.vfs.removeTree(deleted);
    });
  }

  /** Seals every collection's memtable into a segment (see docs/format). */
  async checkpoint(): Promise<void> {
    this.ensureOpen();
    for (const { store } of this.collections.values()) await store.checkpoint();
  }

  /** Memory and disk accounting summed over all collections. */
  stats(): Stats & { collections: number } {
    this.ensureOpen();
    const parts = [...this.collections.values()].map(({ handle }) => handle.stats());
    return { ...totalStats(parts), collections: parts.length };
  }

  /** Checkpoints every collection, closes files and releases the lock. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    try {
      await this.queue;
      const errors: unknown[] = [];
      for (const entry of this.collections.values()) {
        entry.live.open = false;
        await entry.store.close().catch((err) => errors.push(err));
      }
      if (errors.length > 0) throw errors[0];
    } finally {
      this.lock.release();
    }
  }

  private register(store: CollectionStore): Collection {
    const live = { open: true };
    const handle = new Collection(store, () => this.open && live.open);
    this.collections.set(store.name, { store, handle, live });
    return handle;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private ensureOpen(): void {
    if (!this.open) throw new ClosedError(`database ${this.dir} is closed`);
  }
}

/** Metric and HNSW settings from explicit options and Chroma's `hnsw:*` metadata keys. */
function collectionConfig(a: { metric?: Metric; metadata?: Record<string, unknown> | null; hnsw?: { M?: number; efConstruction?: number; efSearch?: number } }) {
  const meta = a.metadata ?? {};
  const space = meta['hnsw:space'];
  if (space !== undefined && space !== 'l2' && space !== 'cosine' && space !== 'ip') {
    throw new ValidationError('invalid collection metadata', [{ code: 'invalid_value', path: ['metadata', 'hnsw:space'], message: 'expected "l2", "cosine" or "ip"' }]);
  }
  if (space !== undefined && a.metric !== undefined && space !== a.metric) {
    throw new ValidationError(`metric ${JSON.stringify(a.metric)} contradicts metadata["hnsw:space"] = ${JSON.stringify(space)}`);
  }
  const fromMeta = (key: string, param: keyof HnswParams) => {
    const v = meta[key];
    if (v === undefined) return undefined;
    const { min, max } = HNSW_PARAM_RANGES[param];
    if (typeof v !== 'number' || !inParamRange(v, { min, max })) {
      throw new ValidationError('invalid collection metadata', [{ code: 'invalid_value', path: ['metadata', key], message: `expected an integer from ${min} to ${max}` }]);
    }
    return v;
  };
  // The index's own check, so a collection is never created with parameters a checkpoint would refuse.
  const given = {
    M: a.hnsw?.M ?? fromMeta('hnsw:M', 'M'),
    efConstruction: a.hnsw?.efConstruction ?? fromMeta('hnsw:construction_ef', 'efConstruction'),
    efSearch: a.hnsw?.efSearch ?? fromMeta('hnsw:search_ef', 'efSearch'),
  };
  const { M, efConstruction, efSearch } = resolveHnswParams(
    Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  );
  return { metric: (a.metric ?? space ?? 'l2') as Metric, hnsw: { M, efConstruction, efSearch } };
}
