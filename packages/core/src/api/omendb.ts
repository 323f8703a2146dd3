import { basename } from 'node:path';
import { AlreadyExistsError, ClosedError, NotFoundError, ReadOnlyError, ValidationError } from '../errors.js';
import { asIOError } from '../fs/io-error.js';
import type { DirectoryLock } from '../fs/lock.js';
import { acquireLock } from '../fs/lock-wait.js';
import { NodeVfs } from '../fs/node-vfs.js';
import type { Vfs } from '../fs/vfs.js';
import { totalStats, type Stats } from '../memory/collection-stats.js';
import { CollectionStore, type StoreOptions } from '../storage/collection-store.js';
import { openDatabaseFiles, publishCatalog, readCatalogIds, upgradeDatabase } from '../storage/database-files.js';
import { Health } from '../storage/health.js';
import { collectionIndexFactory } from './full-text-wiring.js';
import { layout } from '../storage/layout.js';
import { Collection, type ModifyArgs } from './collection.js';
import { planCollection } from './new-collection.js';
import { checkFixedMetadata, collectionRef, listCollectionsSchema, modifySchema, type GetCollectionArgs } from './collection-args.js';
import { EmbeddingBinding } from './embedding-binding.js';
import { bindSchema } from './sparse-binding.js';
import type { CreateCollectionArgs, OpenOptions } from './options.js';
import { openOptionsSchema, parse } from './schemas.js';
import { databaseKey, openShared } from './shared-databases.js';
import { stopSearchWorker } from '../ann/hnsw/hnsw-search-pool.js';

export type { CreateCollectionArgs, OpenOptions } from './options.js';

/**
 * An open database directory. One process writes it at a time (a second
 * process gets LockError, or waits `lockTimeoutMs`); in one process, every
 * open of the directory shares one database. Every acknowledged write survives
 * a crash (see `OpenOptions.durability`). Close it to checkpoint and release the lock.
 * Opened with `readOnly: true`, it reads beside that writer, in any number of
 * processes, and catches up with `refresh()` or `readConsistencyIntervalMs`.
 */
export class OmenDB {
  private open = true;
  private readonly collections = new Map<string, { store: CollectionStore; handle: Collection; live: { open: boolean }; embedder: EmbeddingBinding }>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Date.now() of a read-only database's last catch-up. */
  private caughtUpAt = 0;

  private constructor(
    readonly dir: string,
    private readonly vfs: Vfs,
    private readonly lock: DirectoryLock | null,
    private readonly options: StoreOptions,
    private readonly health: Health,
    /** Set when opened read-only: `intervalMs` is `readConsistencyIntervalMs`. */
    private readonly reader: { intervalMs: number | undefined } | null = null,
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
   * error as `cause`) when the file system fails. With `readOnly`: NotFoundError
   * when `dir` holds no database; never LockError (see `OpenOptions.readOnly`).
   */
  static async open(dir: string, options: OpenOptions = {}): Promise<OmenDB> {
    if (typeof dir !== 'string' || dir.length === 0) throw new ValidationError('dir must be a non-empty path');
    const { vfs, lockTimeoutMs, readOnly, readConsistencyIntervalMs, ...rest } = parse(openOptionsSchema, options, 'open options');
    const fs = vfs ?? new NodeVfs();
    if (readOnly) {
      // A reader of this process is a database of its own beside this process's writer: it follows the files as another process would.
      const settings = { readOnly, readConsistencyIntervalMs: readConsistencyIntervalMs ?? null };
      return openShared(`${databaseKey(dir, vfs)}#read-only`, settings, async () => {
        const db = new OmenDB(dir, fs, null, rest, new Health(), { intervalMs: readConsistencyIntervalMs });
        try {
          db.catchUp();
        } catch (err) {
          await db.close();
          throw asIOError(err, `opening ${dir} read-only`);
        }
        return db;
      });
    }
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
    this.ensureWritable('create a collection');
    const { name, ef, sparseEf, state } = planCollection(args);
    return this.exclusive(async () => {
      this.ensureOpen();
      this.health.check();
      if (this.collections.has(name)) throw new AlreadyExistsError(`collection ${JSON.stringify(name)} exists`);
      const path = await CollectionStore.create(this.vfs, layout.collections(this.dir), state);
      // The collection exists once the CATALOG naming it is durable (catalog.md).
      await publishCatalog(this.vfs, this.dir, [...this.collectionIds(), state.id]).catch((err: unknown) => {
        throw asIOError(err, `creating collection ${JSON.stringify(name)}`);
      });
      const store = await CollectionStore.open(this.vfs, path, this.options, this.health, collectionIndexFactory);
      const handle = this.register(store);
      if (ef) this.collections.get(name)!.embedder.bind(ef);
      this.collections.get(name)!.embedder.sparse = sparseEf;
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
    this.catchUpIfDue();
    const { name, embeddingFunction, schema } = collectionRef(ref, 'getCollection');
    const entry = this.collections.get(name);
    if (!entry) throw new NotFoundError(`collection ${JSON.stringify(name)} does not exist`);
    if (embeddingFunction) entry.embedder.bind(embeddingFunction);
    if (schema !== undefined && schema !== null) bindSchema(entry.embedder, entry.store.manifest, schema);
    return entry.handle;
  }

  /**
   * The collection named `args.name`, created with `args` when missing; an
   * existing one is returned as is (its settings are not compared), with
   * `embeddingFunction` checked and `schema`'s sparse function bound as
   * `getCollection` does.
   */
  async getOrCreateCollection(args: CreateCollectionArgs): Promise<Collection> {
    this.ensureOpen();
    this.catchUpIfDue();
    const existing = this.collections.get(args?.name);
    const ef = args?.embeddingFunction ?? args?.configuration?.embeddingFunction ?? undefined;
    const again = { name: args?.name, ...(ef ? { embeddingFunction: ef } : {}), ...(args?.schema != null ? { schema: args.schema } : {}) };
    if (existing) return this.getCollection(again);
    try {
      return await this.createCollection(args);
    } catch (err) {
      if (err instanceof AlreadyExistsError) return this.getCollection(again);
      throw err;
    }
  }

  /** Collections by name, `offset` skipped, at most `limit` (default: all). */
  async listCollections(args?: { limit?: number; offset?: number }): Promise<Collection[]> {
    this.ensureOpen();
    const { limit, offset } = parse(listCollectionsSchema, args, 'listCollections arguments');
    this.catchUpIfDue();
    return [...this.collections.keys()]
      .sort()
      .slice(offset, offset + limit)
      .map((name) => this.collections.get(name)!.handle);
  }

  /** Number of collections. */
  async countCollections(): Promise<number> {
    this.ensureOpen();
    this.catchUpIfDue();
    return this.collections.size;
  }

  /** Chroma's liveness check: the current time in nanoseconds; ClosedError once closed. */
  async heartbeat(): Promise<number> {
    this.ensureOpen();
    return Date.now() * 1_000_000;
  }

  /** Deletes a collection (`name` or Chroma's `{ name }`) and its files; its handles throw ClosedError afterwards. */
  async deleteCollection(ref: string | { name: string }): Promise<void> {
    this.ensureWritable('delete a collection');
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
    this.ensureWritable('checkpoint');
    for (const { store } of this.collections.values()) await store.checkpoint();
  }

  /**
   * Read-only: catches up with the writer now: collections it created or
   * deleted (their handles then throw ClosedError) or renamed, and every
   * write it acknowledged so far (docs/format/readers.md). A no-op on the
   * writer, which sees its own writes. Throws CorruptionError, IOError.
   */
  async refresh(): Promise<void> {
    this.ensureOpen();
    if (this.reader) this.catchUp();
  }

  /** Memory and disk accounting summed over all collections. */
  stats(): Stats & { collections: number } {
    this.ensureOpen();
    const parts = [...this.collections.values()].map(({ handle }) => handle.stats());
    return { ...totalStats(parts), collections: parts.length };
  }

  /** Checkpoints every collection, closes files and releases the lock (read-only: closes files). Safe to call twice. */
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
      this.lock?.release();
      // The batched queries' worker is the process's; another open database starts it again on demand.
      await stopSearchWorker();
    }
  }

  /** Directory names of the open collections, in the order they were registered. */
  private collectionIds(): string[] {
    return [...this.collections.values()].map(({ store }) => basename(store.dir));
  }

  /** A read-only database catches up when its `readConsistencyIntervalMs` says a read must. */
  private catchUpIfDue(): void {
    const intervalMs = this.reader?.intervalMs;
    if (intervalMs === undefined || (intervalMs > 0 && Date.now() - this.caughtUpAt < intervalMs)) return;
    this.catchUp();
  }

  /** Read-only: the CATALOG first (collections created, deleted), then each collection (renames follow the manifests). */
  private catchUp(): void {
    const startedAt = Date.now();
    const ids = readCatalogIds(this.vfs, this.dir);
    const named = new Set(ids);
    const entries = [...this.collections.values()];
    this.collections.clear();
    for (const entry of entries) {
      const id = basename(entry.store.dir);
      if (named.has(id) && this.stillNamed(id, () => entry.store.refresh())) {
        this.collections.set(entry.store.name, entry);
        named.delete(id);
        continue;
      }
      // Deleted by the writer: the handles throw ClosedError, as after deleteCollection.
      entry.live.open = false;
      void entry.store.close();
    }
    for (const id of named) {
      let store: CollectionStore | undefined;
      if (this.stillNamed(id, () => (store = CollectionStore.openReadOnly(this.vfs, layout.collection(this.dir, id), this.options, this.health, collectionIndexFactory)))) {
        this.register(store!);
      }
    }
    this.caughtUpAt = startedAt;
  }

  /** Runs `read` on collection `id`; false when it failed because the writer deleted the collection meanwhile. */
  private stillNamed(id: string, read: () => void): boolean {
    try {
      read();
      return true;
    } catch (err) {
      if (readCatalogIds(this.vfs, this.dir).includes(id)) throw err;
      return false;
    }
  }

  private register(store: CollectionStore): Collection {
    const live = { open: true };
    const embedder = new EmbeddingBinding(
      () => store.name,
      () => store.manifest.embeddingFunction,
    );
    const context = {
      isOpen: () => this.open && live.open,
      catchUp: () => this.catchUpIfDue(),
      modify: (s: CollectionStore, args: ModifyArgs) => this.modify(s, args),
    };
    const handle = new Collection(store, context, embedder);
    this.collections.set(store.name, { store, handle, live, embedder });
    return handle;
  }

  /** `collection.modify`: a rename and/or new metadata, one manifest publish, in the database's queue (names stay unique). */
  private modify(store: CollectionStore, args: ModifyArgs): Promise<void> {
    this.ensureWritable('modify a collection');
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

  private ensureWritable(what: string): void {
    this.ensureOpen();
    if (this.reader) throw new ReadOnlyError(`cannot ${what}: ${this.dir} is open read-only`);
  }
}
