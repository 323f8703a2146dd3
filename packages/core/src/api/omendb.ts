import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { AlreadyExistsError, ClosedError, NotFoundError, ValidationError } from '../errors.js';
import { asIOError } from '../fs/io-error.js';
import type { DirectoryLock } from '../fs/lock.js';
import { acquireLock } from '../fs/lock-wait.js';
import { NodeVfs } from '../fs/node-vfs.js';
import type { Vfs } from '../fs/vfs.js';
import type { ManifestState } from '../format/manifest.js';
import { totalStats, type Stats } from '../memory/collection-stats.js';
import { CollectionStore, type StoreOptions } from '../storage/collection-store.js';
import { openDatabaseFiles, publishCatalog, upgradeDatabase } from '../storage/database-files.js';
import { Health } from '../storage/health.js';
import { layout } from '../storage/layout.js';
import type { Durability, Metric } from '../types.js';
import type { QuantizationSpec } from '../quantize/quantizer.js';
import { validateQuantizationSpec } from '../quantize/spec.js';
import { Collection, type ModifyArgs } from './collection.js';
import { checkFixedMetadata, collectionConfig, collectionRef, createArgsSchema, foldConfiguration, listCollectionsSchema, modifySchema, type GetCollectionArgs } from './collection-args.js';
import { EmbeddingBinding } from './embedding-binding.js';
import { collectionIndexFactory, fullTextEntry, type FullTextArgs } from './full-text-wiring.js';
import { DEFAULT_EMBEDDING_FUNCTION_NAME, recordOf, type EmbeddingFunction } from './embedding-function.js';
import { openOptionsSchema, parse } from './schemas.js';
import { databaseKey, openShared } from './shared-databases.js';

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
  /**
   * Segments per collection above which a checkpoint also compacts them all
   * (in its own job: the next checkpoint waits for it); default 8. A backstop
   * for when background merges fall behind.
   */
  maxSegments?: number;
  /**
   * Background merges of segments (default on; `false` turns them off, then
   * only `maxSegments` and `compact()` merge). A tiered policy (as Lucene's
   * TieredMergePolicy or Qdrant's merge optimizer): after each checkpoint,
   * at open and after each merge, the newest run of segments merges into one
   * while each older segment is at most `sizeRatio` × the newer ones behind
   * it (a segment under the memtable limit counts as that limit), the merged
   * size stays ≤ `maxMergedBytes` and the run holds ≤ `maxMergeAtOnce`
   * segments. One merge at a time per collection; it rebuilds the run's
   * HNSW graph on the worker thread and the caller's thread in small batches
   * with turns of the event loop between them, so writes, reads and
   * checkpoints go on; it publishes with compact()'s crash-safe manifest
   * protocol. `close()` aborts a running merge and removes its files.
   * - `sizeRatio`: 1–1024, default 16. Lower: fewer rewrites, more segments.
   * - `maxMergedBytes`: bytes, default 1 GiB (2^30), at most 2^31 − 1 (one segment file is mapped whole).
   * - `maxMergeAtOnce`: 2–1024 segments, default 10.
   * With the defaults a collection up to ~1 GiB of segments ends as one
   * segment once writes pause; each small checkpoint (explicit, or at close)
   * then costs a rebuild of the segment before it in the background.
   */
  mergePolicy?: boolean | { sizeRatio?: number; maxMergedBytes?: number; maxMergeAtOnce?: number };
  /**
   * Largest document a write accepts, in UTF-8 bytes; default 1 MiB, at most
   * 256 MiB. A larger one is a ValidationError (code `too_large`). Results
   * decode only the documents they return, so one result holds at most
   * nResults × this.
   */
  maxDocumentBytes?: number;
  /**
   * How long to wait for the write lock when another process holds it, in
   * milliseconds (default 0: fail at once with LockError). The wait polls,
   * so it ends within ~200 ms of the holder's close. Not part of the options
   * a shared open must repeat.
   */
  lockTimeoutMs?: number;
  /** @internal File-system implementation (tests inject faults through it). */
  vfs?: Vfs;
}

/** Arguments of `createCollection`. */
export interface CreateCollectionArgs extends FullTextArgs {
  /** 1–128 characters, without `/`, `\`, `..` or NUL. */
  name: string;
  /**
   * Vector length, 0–65,536; when omitted it is fixed by the first add (same
   * cap). 0: records without vectors (a key-value collection: add/upsert/get/
   * delete with ids, metadata, documents and `where`; `query` throws ValidationError).
   */
  dimension?: number;
  /** Default `'l2'`, or Chroma's `metadata["hnsw:space"]`. */
  metric?: Metric;
  /**
   * User metadata stored with the collection: plain data, checked as record
   * metadata is (no cycles, BigInts, Proxies or throwing getters; ≤ 1 MiB), with
   * any keys but `__proto__`, `constructor`, `prototype`. Chroma's `hnsw:*` keys
   * configure the index.
   */
  metadata?: Record<string, unknown> | null;
  /**
   * HNSW parameters: `M` 2…100 (default 16), `efConstruction` M…4096 (200),
   * `efSearch` 1…4096 (64); see ann/hnsw/hnsw-params.ts. Chroma's `hnsw:M`,
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
  /**
   * Embeds `documents` given without `embeddings` and `queryTexts` (Chroma's
   * `EmbeddingFunction` shape). Its `name` and `getConfig()` are stored with
   * the collection, so a reopened collection rebuilds it through
   * `registerEmbeddingFunction`. Omitted: the offline default
   * (`@omendb/default-embed`, imported at the first text call; vector-only
   * use never imports it). `null`: none (text calls need one passed later).
   * The metric stays `metric` / `hnsw:space` (default `'l2'`), as in Chroma's JS client.
   */
  embeddingFunction?: EmbeddingFunction | null;
  /** Chroma's `configuration`: `hnsw.space`, `max_neighbors` (M), `ef_construction`, `ef_search`, `embeddingFunction`. */
  configuration?: {
    hnsw?: { space?: Metric; ef_construction?: number; ef_search?: number; max_neighbors?: number };
    embeddingFunction?: EmbeddingFunction;
  };
}

/**
 * An open database directory. One process writes it at a time (a second
 * process gets LockError, or waits `lockTimeoutMs`); in one process, every
 * open of the directory shares one database. Every acknowledged write survives
 * a crash (see `OpenOptions.durability`). Close it to checkpoint and release the lock.
 */
export class OmenDB {
  private open = true;
  private readonly collections = new Map<string, { store: CollectionStore; handle: Collection; live: { open: boolean }; embedder: EmbeddingBinding }>();
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
   * When this process already has `dir` open (through any copy of the
   * package), returns another handle on that database instead: each handle's
   * `close()` releases one reference, and the last one checkpoints and closes.
   * Collections got through a closed handle work while the database is open.
   * Throws LockError when another process holds `dir` (after waiting
   * `lockTimeoutMs`) or another version of the package has it open in this
   * one, ValidationError for bad options or options that differ from those
   * of the open database, CorruptionError (file, offset) for damaged files, IOError (with the system
   * error as `cause`) when the file system fails.
   */
  static async open(dir: string, options: OpenOptions = {}): Promise<OmenDB> {
    if (typeof dir !== 'string' || dir.length === 0) throw new ValidationError('dir must be a non-empty path');
    const { vfs, lockTimeoutMs, ...rest } = parse(openOptionsSchema, options, 'open options');
    const fs = vfs ?? new NodeVfs();
    try {
      fs.mkdir(dir);
    } catch (err) {
      throw asIOError(err, `creating the database directory ${dir}`);
    }
    return openShared(databaseKey(dir, vfs), rest, async () => {
      const lock = await acquireLock(fs, dir, lockTimeoutMs);
      try {
        const db = new OmenDB(dir, fs, lock, rest, new Health());
        await db.recover().catch((err: unknown) => {
          throw asIOError(err, `opening ${dir}`);
        });
        return db;
      } catch (err) {
        lock.release();
        throw err;
      }
    });
  }

  /**
   * Opens the database files (creating them for a new database; see
   * storage/database-files.ts), then recovers every collection the CATALOG
   * names. A format-1 database is upgraded once all its collections recovered.
   */
  private async recover(): Promise<void> {
    const files = await openDatabaseFiles(this.vfs, this.dir);
    for (const id of files.ids) {
      const store = await CollectionStore.open(this.vfs, layout.collection(this.dir, id), this.options, this.health, collectionIndexFactory, files.legacy);
      this.register(store);
    }
    if (files.legacy) await upgradeDatabase(this.vfs, this.dir, files.ids);
  }

  /**
   * Creates a collection; throws AlreadyExistsError when the name is taken,
   * ValidationError for bad arguments (see `CreateCollectionArgs`), IOError
   * when the file system fails.
   */
  async createCollection(args: CreateCollectionArgs): Promise<Collection> {
    this.ensureOpen();
    const a = foldConfiguration(parse(createArgsSchema, args, 'createCollection arguments'));
    const ef = a.embeddingFunction ?? undefined;
    // As Chroma: the default is recorded by name (its package is imported only when text needs it).
    const quantization = validateQuantizationSpec(a.quantization, a.dimension ?? null);
    if (a.dimension === 0 && quantization !== 'none') {
      throw new ValidationError('invalid createCollection arguments', [
        { code: 'invalid_combination', path: ['quantization'], message: 'a collection without vectors (dimension 0) has nothing to quantize' },
      ]);
    }
    if (a.dimension === 0 && ef) {
      throw new ValidationError('invalid createCollection arguments', [
        { code: 'invalid_combination', path: ['embeddingFunction'], message: 'a collection without vectors (dimension 0) embeds nothing' },
      ]);
    }
    // A collection without vectors records no function: its documents are stored, never embedded.
    const embeddingFunction =
      a.embeddingFunction === null || a.dimension === 0
        ? undefined
        : ef
          ? recordOf(ef)
          : ({ type: 'known', name: DEFAULT_EMBEDDING_FUNCTION_NAME, config: {} } as const);
    const config = collectionConfig(a);
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
        ...(embeddingFunction === undefined ? {} : { embeddingFunction }), ...fullTextEntry(a.fullText),
        checkpointLsn: 0,
        nextSegmentId: 1,
        segments: [],
      };
      const path = await CollectionStore.create(this.vfs, layout.collections(this.dir), state);
      // The collection exists once the CATALOG naming it is durable (catalog.md).
      await publishCatalog(this.vfs, this.dir, [...this.collectionIds(), state.id]).catch((err: unknown) => {
        throw asIOError(err, `creating collection ${JSON.stringify(a.name)}`);
      });
      const store = await CollectionStore.open(this.vfs, path, this.options, this.health, collectionIndexFactory);
      const handle = this.register(store);
      if (ef) this.collections.get(a.name)!.embedder.bind(ef);
      return handle;
    });
  }

  /**
   * The collection named `name` (or Chroma's `{ name, embeddingFunction }`);
   * throws NotFoundError, and EmbeddingFunctionError when `embeddingFunction`
   * is not the one the collection was created with (other name or config).
   */
  async getCollection(ref: string | GetCollectionArgs): Promise<Collection> {
    this.ensureOpen();
    const { name, embeddingFunction } = collectionRef(ref, 'getCollection');
    const entry = this.collections.get(name);
    if (!entry) throw new NotFoundError(`collection ${JSON.stringify(name)} does not exist`);
    if (embeddingFunction) entry.embedder.bind(embeddingFunction);
    return entry.handle;
  }

  /**
   * The collection named `args.name`, created with `args` when missing; an
   * existing one is returned as is (its settings are not compared), with
   * `embeddingFunction` checked as `getCollection` checks it.
   */
  async getOrCreateCollection(args: CreateCollectionArgs): Promise<Collection> {
    this.ensureOpen();
    const existing = this.collections.get(args?.name);
    const ef = args?.embeddingFunction ?? args?.configuration?.embeddingFunction ?? undefined;
    if (existing) return this.getCollection({ name: args.name, ...(ef ? { embeddingFunction: ef } : {}) });
    try {
      return await this.createCollection(args);
    } catch (err) {
      if (err instanceof AlreadyExistsError) return this.getCollection({ name: args.name, ...(ef ? { embeddingFunction: ef } : {}) });
      throw err;
    }
  }

  /** Collections by name, `offset` skipped, at most `limit` (default: all). */
  async listCollections(args?: { limit?: number; offset?: number }): Promise<Collection[]> {
    this.ensureOpen();
    const { limit, offset } = parse(listCollectionsSchema, args, 'listCollections arguments');
    return [...this.collections.keys()]
      .sort()
      .slice(offset, offset + limit)
      .map((name) => this.collections.get(name)!.handle);
  }

  /** Number of collections. */
  async countCollections(): Promise<number> {
    this.ensureOpen();
    return this.collections.size;
  }

  /** Chroma's liveness check: the current time in nanoseconds; ClosedError once closed. */
  async heartbeat(): Promise<number> {
    this.ensureOpen();
    return Date.now() * 1_000_000;
  }

  /** Deletes a collection (`name` or Chroma's `{ name }`) and its files; its handles throw ClosedError afterwards. */
  async deleteCollection(ref: string | { name: string }): Promise<void> {
    this.ensureOpen();
    const { name } = collectionRef(ref, 'deleteCollection');
    return this.exclusive(async () => {
      const entry = this.collections.get(name);
      if (!entry) throw new NotFoundError(`collection ${JSON.stringify(name)} does not exist`);
      entry.live.open = false;
      this.collections.delete(name);
      await entry.store.discard();
      try {
        // Crash before this CATALOG is durable ⇒ the collection reappears intact on the next open.
        await publishCatalog(this.vfs, this.dir, this.collectionIds());
        // Crash while removing ⇒ a directory the CATALOG does not name, removed on the next open.
        this.vfs.removeTree(entry.store.dir);
      } catch (err) {
        throw asIOError(err, `deleting collection ${JSON.stringify(name)}`);
      }
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

  /** Directory names of the open collections, in the order they were registered. */
  private collectionIds(): string[] {
    return [...this.collections.values()].map(({ store }) => basename(store.dir));
  }

  private register(store: CollectionStore): Collection {
    const live = { open: true };
    const embedder = new EmbeddingBinding(
      () => store.name,
      () => store.manifest.embeddingFunction,
    );
    const context = { isOpen: () => this.open && live.open, modify: (s: CollectionStore, args: ModifyArgs) => this.modify(s, args) };
    const handle = new Collection(store, context, embedder);
    this.collections.set(store.name, { store, handle, live, embedder });
    return handle;
  }

  /** `collection.modify`: a rename and/or new metadata, one manifest publish, in the database's queue (names stay unique). */
  private modify(store: CollectionStore, args: ModifyArgs): Promise<void> {
    const a = parse(modifySchema, args, 'modify arguments');
    return this.exclusive(async () => {
      this.ensureOpen();
      this.health.check();
      const entry = this.collections.get(store.name);
      if (entry?.store !== store) throw new ClosedError(`collection ${JSON.stringify(store.name)} was deleted`);
      const renamed = a.name !== undefined && a.name !== store.name;
      if (renamed && this.collections.has(a.name!)) throw new AlreadyExistsError(`collection ${JSON.stringify(a.name)} exists`);
      if (a.metadata !== undefined) checkFixedMetadata(store.manifest, a.metadata);
      if (!renamed && a.metadata === undefined) return;
      const before = store.name;
      await store.reconfigure({ ...(renamed ? { name: a.name } : {}), ...(a.metadata === undefined ? {} : { metadata: a.metadata }) });
      if (renamed) {
        this.collections.delete(before);
        this.collections.set(store.name, entry);
      }
    });
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
