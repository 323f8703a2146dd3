import { join } from 'node:path';
import { ClosedError, CorruptionError, IOError, ReadOnlyError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { asIOError } from '../fs/io-error.js';
import { encodeManifest, manifestFileName, type ManifestState } from '../format/manifest.js';
import { encodeOperation, walRecordType, type Operation } from '../format/operation.js';
import { encodeWalFileHeader, WAL_RECORD_HEADER_BYTES, walFileName } from '../format/wal-record.js';
import type { Durability } from '../types.js';
import type { WalWriter } from '../wal/writer.js';
import { CollectionState } from './collection-state.js';
import type { Health } from './health.js';
import type { IndexFactory } from './index-factory.js';
import { layout } from './layout.js';
import { recoverCollection } from './recovery.js';
import { freezeCheckpoint, sealFrozen, type Frozen } from './checkpoint.js';
import { compactSegments } from './compaction.js';
import { BackgroundMerger } from './background-merge.js';
import type { MergeMemory } from './merge-memory.js';
import { Follower } from './follower.js';
import type { MergePolicyOptions } from './merge-policy.js';
import { PublishLock } from './publish-lock.js';

/** Options of a collection's engine. */
export interface StoreOptions {
  durability: Durability;
  /** Memtable size (vectors + content bytes) that triggers a checkpoint. */
  memtableLimitBytes: number;
  /** Segment count above which a checkpoint also compacts. */
  maxSegments: number;
  /** The tiered policy of background merges (merge-policy.ts), or false for none. */
  mergePolicy: MergePolicyOptions | false;
  /** Largest document a write accepts, in UTF-8 bytes (checked by the API before a write reaches the store). */
  maxDocumentBytes: number;
}

/**
 * The durable engine of one collection: WAL, memtable, segments, manifest.
 * Every mutation goes through `write`, in call order: validated by the caller,
 * checked against the state, logged, applied.
 *
 * A checkpoint (and a compaction, which follows one) freezes the memtable in
 * the write queue, a step of a few fsyncs, then writes its segment outside
 * the queue while writes go on into a new memtable and WAL file; readers see
 * the frozen memtable until the segment's manifest is published, then switch
 * in one synchronous step (see checkpoint.ts, compaction.ts). One such job
 * runs at a time. Background merges (background-merge.ts) run beside them;
 * the publish lock orders every manifest.
 *
 * Opened read-only (`openReadOnly`), it follows a collection another process
 * writes (follower.ts): every mutation throws ReadOnlyError, `refresh`
 * catches up with the writer, and it never merges.
 */
export class CollectionStore {
  private queue: Promise<unknown> = Promise.resolve();
  /** The checkpoint job running outside the queue (settled when none). */
  private job: Promise<void> = Promise.resolve();
  /** Held from a checkpoint's freeze to its switch, and by a merge's snapshot and publish. */
  readonly publishLock = new PublishLock();
  readonly merger: BackgroundMerger;
  /** Merges and compactions not yet published, with the memory they hold (stats() counts it). */
  readonly merging = new Set<MergeMemory>();
  /** The next segment id to hand out (≥ the manifest's: a merge takes one while checkpoints publish). */
  private nextSegmentId: number;
  /** Checkpoint jobs asked for and not yet settled. */
  private jobsPending = 0;
  private closed = false;

  private constructor(
    readonly vfs: Vfs,
    readonly dir: string,
    public manifest: ManifestState,
    public manifestNumber: number,
    public state: CollectionState,
    private wal: WalWriter | null,
    public lastLsn: number,
    readonly options: StoreOptions,
    readonly health: Health,
    /** Tombstones per segment as of the current manifest (what it records), aligned with its segments. */
    public manifestTombstones: Uint32Array[],
    private readonly follower: Follower | null = null,
  ) {
    this.nextSegmentId = manifest.nextSegmentId;
    this.merger = new BackgroundMerger(this, follower ? false : options.mergePolicy);
    this.state.mergePolicy = follower ? false : options.mergePolicy;
  }

  /** Creates the directory of a new collection with its first manifest, durably. */
  static async create(vfs: Vfs, collectionsDir: string, state: ManifestState): Promise<string> {
    try {
      return await CollectionStore.createDirectory(vfs, collectionsDir, state);
    } catch (err) {
      throw asIOError(err, `creating collection ${JSON.stringify(state.name)}`);
    }
  }

  private static async createDirectory(vfs: Vfs, collectionsDir: string, state: ManifestState): Promise<string> {
    const dir = join(collectionsDir, state.id);
    const tmp = `${dir}.tmp`;
    vfs.removeTree(tmp);
    vfs.mkdir(layout.wal(tmp));
    vfs.mkdir(layout.segments(tmp));
    await writeFileAtomic(vfs, join(tmp, manifestFileName(1)), encodeManifest({ state, tombstones: [] }));
    // The first WAL file is part of the collection from the start, so a missing log is always damage.
    await writeFileAtomic(vfs, join(layout.wal(tmp), walFileName(state.checkpointLsn + 1)), encodeWalFileHeader());
    await vfs.fsyncDirectory(tmp);
    // Crash before this rename ⇒ a *.tmp directory, removed on open: the collection was never created.
    vfs.rename(tmp, dir);
    // Crash after this fsync but before the caller publishes the CATALOG ⇒ a directory the catalog
    // does not name, removed on open: the collection was never created (catalog.md).
    await vfs.fsyncDirectory(collectionsDir);
    return dir;
  }

  /** Opens a collection directory: loads the manifest and segments, replays the WAL (`legacy`: of a format-1 database). */
  static async open(
    vfs: Vfs,
    dir: string,
    options: StoreOptions,
    health: Health,
    makeFactory: (manifest: ManifestState) => IndexFactory,
    legacy = false,
  ): Promise<CollectionStore> {
    const r = await recoverCollection(vfs, dir, options.durability, makeFactory, { legacy }).catch((err: unknown) => {
      throw asIOError(err, `recovering ${dir}`);
    });
    const store = new CollectionStore(vfs, dir, r.manifest, r.manifestNumber, r.state, r.wal, r.lastLsn, options, health, r.tombstones);
    // Segments left unmerged by the last session (or an older version) merge now if the policy says so.
    store.merger.request();
    return store;
  }

  /**
   * Opens a collection another process may be writing, without writing a
   * byte (docs/format/readers.md). Throws CorruptionError (file, offset).
   */
  static openReadOnly(vfs: Vfs, dir: string, options: StoreOptions, health: Health, makeFactory: (manifest: ManifestState) => IndexFactory): CollectionStore {
    const follower = Follower.open(vfs, dir, makeFactory);
    const { manifest, manifestNumber, state, cursor } = follower.snapshot;
    // A reader never merges or publishes, so it keeps no manifest tombstones.
    return new CollectionStore(vfs, dir, manifest, manifestNumber, state, null, cursor.lsn, options, health, [], follower);
  }

  get readOnly(): boolean {
    return this.follower !== null;
  }

  /**
   * A read-only store catches up with the writer: the records it logged
   * since the last refresh, or the newest manifest and the log after it.
   * Synchronous, so a read sees the state before or after, never a mix.
   */
  refresh(): void {
    if (!this.follower || this.closed) return;
    this.follower.refresh();
    const { manifest, manifestNumber, state, cursor } = this.follower.snapshot;
    this.manifest = manifest;
    this.manifestNumber = manifestNumber;
    this.state = state;
    this.lastLsn = cursor.lsn;
  }

  get name(): string {
    return this.manifest.name;
  }

  get walBytes(): number {
    return this.wal?.lengthBytes ?? this.follower?.snapshot.walBytes ?? 0;
  }

  /** Bytes the WAL writer holds in memory: records not yet written (durability 'none') and its record buffer. */
  get walMemoryBytes(): number {
    return this.wal?.memoryBytes ?? 0;
  }

  /**
   * Queues a mutation. `build` runs against the state just before logging and
   * returns the operation, or throws (e.g. DuplicateIdError); then nothing is written. Resolves when
   * the record is as durable as the database's durability promises.
   */
  write(build: (state: CollectionState) => Operation): Promise<void> {
    if (this.readOnly) return Promise.reject(this.readOnlyError('write to'));
    const step = this.enqueue(() => {
      if (this.closed) throw new ClosedError(`collection ${JSON.stringify(this.name)} is closed`);
      this.health.check();
      const op = build(this.state);
      // Nothing to log (e.g. a delete that matches no record): acknowledged no earlier than the
      // calls ahead of it, or a power loss could keep this ack and lose theirs (found by the
      // power-loss test: a no-op deleteWhere resolved before the delete issued just before it).
      if (op.ids.length === 0) return { durable: this.failOnReject(this.writer.settled()) };
      const lsn = this.lastLsn + 1;
      const durable = this.appendToWal(op, lsn);
      this.lastLsn = lsn;
      const limit = this.options.memtableLimitBytes;
      this.state.memtableLimitBytes = limit;
      this.state.apply(op);
      // One automatic checkpoint at a time: the memtable keeps growing while one is being sealed.
      // Sealed once full, or once a write as large as this one would grow it past the limit.
      if (this.state.memtable?.full(limit, op.ids.length) === true && this.jobsPending === 0) {
        this.state.memtable.filled = true;
        void this.checkpoint().catch((err) => this.health.fail(err as Error));
      }
      // Wrapped so the queue does not wait for the fsync: later writes join the same group commit.
      return { durable };
    });
    return step.then((r) => r.durable);
  }

  /**
   * Seals the memtable into a segment and publishes a manifest; compacts when
   * segments pile up. Resolves once published; writers wait only for the freeze.
   */
  checkpoint(): Promise<void> {
    return this.startJob(false);
  }

  /** Merges all segments into one without tombstones (after a checkpoint). */
  compact(): Promise<void> {
    return this.startJob(true);
  }

  private startJob(compact: boolean): Promise<void> {
    if (this.readOnly) return Promise.reject(this.readOnlyError(compact ? 'compact' : 'checkpoint'));
    this.jobsPending++;
    const started = this.enqueue(async () => {
      // A job still running (or a merge publishing) is waited for here, in the queue, so freezes never overlap.
      const unlock = await this.publishLock.acquire();
      let frozen: Frozen;
      try {
        this.health.check();
        frozen = await this.runDurably(() => freezeCheckpoint(this));
      } catch (err) {
        unlock();
        throw err;
      }
      const sealed = frozen;
      const done = this.runDurably(async () => {
        try {
          const published = await sealFrozen(this, sealed);
          if (compact || published.segments.length > this.options.maxSegments) {
            // Every segment is taken: a background merge being built would only be abandoned at its publish.
            this.merger.supersede();
            await compactSegments(this, published);
          }
        } finally {
          unlock();
        }
        this.merger.request();
      });
      this.job = done.catch(() => undefined);
      // Wrapped so the queue does not wait for the segment to be written.
      return { done };
    });
    const done = started.then((r) => r.done);
    void done.catch(() => undefined).finally(() => this.jobsPending--);
    return done;
  }

  /**
   * Publishes the next manifest with a new name and/or metadata. The memtable
   * is sealed first, so the tombstones published are the segments' own; the
   * change is then one atomic manifest publish (crash before its rename ⇒ the
   * old name and metadata stay, with every record).
   */
  reconfigure(patch: Pick<Partial<ManifestState>, 'name' | 'metadata'>): Promise<void> {
    if (this.readOnly) return Promise.reject(this.readOnlyError('modify'));
    return this.enqueue(async () => {
      if (this.closed) throw new ClosedError(`collection ${JSON.stringify(this.name)} is closed`);
      this.health.check();
      // A checkpoint still writing its segment finishes first; this one seals inside the queue (a rename is rare).
      const unlock = await this.publishLock.acquire();
      try {
        await this.runDurably(async () => {
          await sealFrozen(this, await freezeCheckpoint(this));
          await this.publishManifest({ ...this.manifest, ...patch }, this.state.segments.map((s) => s.tombstones()));
        });
      } finally {
        unlock();
      }
    });
  }

  /** Closes without a checkpoint (the collection is being deleted). */
  async discard(): Promise<void> {
    await this.merger.close();
    await this.enqueue(async () => {
      await this.job;
      await this.shutDown();
    });
  }

  /** Aborts a background merge (its files are removed), checkpoints (unless the database failed), then closes the WAL. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.merger.close();
    if (!this.health.failed && !this.readOnly) await this.checkpoint();
    await this.enqueue(async () => {
      await this.job;
      await this.shutDown();
    });
  }

  private async shutDown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.wal?.close();
    for (const s of this.state.segments) s.dispose();
    this.state.sealing?.index.dispose();
    this.state.memtable?.index.dispose();
  }

  /** Swaps in the WAL writer of a newly created file; the caller closes the old one. */
  replaceWal(next: WalWriter): WalWriter {
    const previous = this.writer;
    this.wal = next;
    return previous;
  }

  /** Waits for every appended record to be durable. */
  flushWal(): Promise<void> {
    return this.writer.flush();
  }

  memtableBytes(): number {
    return this.state.memtable?.totalBytes() ?? 0;
  }

  /** A segment id no other segment of this collection has or will get. */
  allocateSegmentId(): number {
    return this.nextSegmentId++;
  }

  /** Writes a manifest as the next number, atomically, and removes the older one. */
  async publishManifest(published: ManifestState, tombstones: Uint32Array[]): Promise<void> {
    // Ids handed out to a merge still building stay taken: the manifest records the highest.
    const next = { ...published, nextSegmentId: Math.max(published.nextSegmentId, this.nextSegmentId) };
    const number = this.manifestNumber + 1;
    // Crash before the rename inside ⇒ the previous manifest stays current and the WAL still covers everything.
    await writeFileAtomic(this.vfs, join(this.dir, manifestFileName(number)), encodeManifest({ state: next, tombstones }));
    const old = join(this.dir, manifestFileName(this.manifestNumber));
    this.manifest = next;
    this.manifestTombstones = tombstones;
    this.manifestNumber = number;
    // Crash before this unlink ⇒ two manifests; open takes the highest and deletes the rest.
    if (this.vfs.exists(old)) this.vfs.unlink(old);
  }

  private appendToWal(op: Operation, lsn: number): Promise<void> {
    let durable: Promise<void>;
    try {
      durable = this.writer.appendFramed(walRecordType(op.type), lsn, encodeOperation(op, WAL_RECORD_HEADER_BYTES, (bytes) => this.writer.recordBuffer(bytes)));
    } catch (err) {
      this.health.fail(err as Error);
      throw err;
    }
    return this.failOnReject(durable);
  }

  /**
   * A failed group-commit fdatasync fails the database too, not only the WAL writer: a write
   * that logs nothing (a delete of absent ids) used to report success after it.
   */
  private failOnReject(durable: Promise<void>): Promise<void> {
    return durable.catch((err: Error) => {
      this.health.fail(err);
      throw err;
    });
  }

  private get writer(): WalWriter {
    if (!this.wal) throw this.readOnlyError('write to');
    return this.wal;
  }

  private readOnlyError(what: string): ReadOnlyError {
    return new ReadOnlyError(`cannot ${what} collection ${JSON.stringify(this.name)}: the database is open read-only`);
  }

  private async runDurably<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof CorruptionError) throw err;
      this.health.fail(err as Error);
      throw err instanceof IOError ? err : new IOError(`checkpoint failed: ${(err as Error).message}`, { cause: err });
    }
  }

  private enqueue<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
