import { join } from 'node:path';
import { ClosedError, CorruptionError, IOError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { asIOError } from '../fs/io-error.js';
import { encodeManifest, manifestFileName, type ManifestState } from '../format/manifest.js';
import { encodeOperation, walRecordType, type Operation } from '../format/operation.js';
import type { Durability } from '../types.js';
import type { WalWriter } from '../wal/writer.js';
import { CollectionState } from './collection-state.js';
import type { Health } from './health.js';
import type { IndexFactory } from './index-factory.js';
import { layout } from './layout.js';
import { recoverCollection } from './recovery.js';
import { sealMemtable, compactSegments } from './checkpoint.js';

/** Options of a collection's engine. */
export interface StoreOptions {
  durability: Durability;
  /** Memtable size (vectors + content bytes) that triggers a checkpoint. */
  memtableLimitBytes: number;
  /** Segment count above which a checkpoint also compacts. */
  maxSegments: number;
}

/**
 * The durable engine of one collection: WAL, memtable, segments, manifest.
 * Every mutation goes through `write`, in call order: validated by the caller,
 * checked against the state, logged, applied. Checkpoints and compactions run
 * in the same queue, so they never interleave with a write.
 */
export class CollectionStore {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly vfs: Vfs,
    readonly dir: string,
    public manifest: ManifestState,
    public manifestNumber: number,
    readonly state: CollectionState,
    private wal: WalWriter,
    public lastLsn: number,
    readonly options: StoreOptions,
    readonly health: Health,
  ) {}

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
    await vfs.fsyncDirectory(tmp);
    // Crash before this rename ⇒ a *.tmp directory, removed on open: the collection was never created.
    vfs.rename(tmp, dir);
    await vfs.fsyncDirectory(collectionsDir);
    return dir;
  }

  /** Opens a collection directory: loads the manifest and segments, replays the WAL. */
  static async open(
    vfs: Vfs,
    dir: string,
    options: StoreOptions,
    health: Health,
    makeFactory: (manifest: ManifestState) => IndexFactory,
  ): Promise<CollectionStore> {
    const r = await recoverCollection(vfs, dir, options.durability, makeFactory).catch((err: unknown) => {
      throw asIOError(err, `recovering ${dir}`);
    });
    return new CollectionStore(vfs, dir, r.manifest, r.manifestNumber, r.state, r.wal, r.lastLsn, options, health);
  }

  get name(): string {
    return this.manifest.name;
  }

  get walBytes(): number {
    return this.wal.lengthBytes;
  }

  /** Bytes of WAL records buffered in memory, not yet written (durability 'none'). */
  get walBufferedBytes(): number {
    return this.wal.bufferedByteLength;
  }

  /**
   * Queues a mutation. `build` runs against the state just before logging and
   * returns the operation, or throws (e.g. DuplicateIdError); then nothing is written. Resolves when
   * the record is as durable as the database's durability promises.
   */
  write(build: (state: CollectionState) => Operation): Promise<void> {
    const step = this.enqueue(() => {
      if (this.closed) throw new ClosedError(`collection ${JSON.stringify(this.name)} is closed`);
      this.health.check();
      const op = build(this.state);
      // Nothing to log (e.g. a delete that matches no record): acknowledged no earlier than the
      // calls ahead of it, or a power loss could keep this ack and lose theirs (found by the
      // power-loss test: a no-op deleteWhere resolved before the delete issued just before it).
      if (op.ids.length === 0) return { durable: this.failOnReject(this.wal.settled()) };
      const lsn = this.lastLsn + 1;
      const durable = this.appendToWal(op, lsn);
      this.lastLsn = lsn;
      this.state.apply(op);
      if (this.memtableBytes() >= this.options.memtableLimitBytes) {
        void this.checkpoint().catch((err) => this.health.fail(err as Error));
      }
      // Wrapped so the queue does not wait for the fsync: later writes join the same group commit.
      return { durable };
    });
    return step.then((r) => r.durable);
  }

  /** Seals the memtable into a segment and publishes a manifest; compacts when segments pile up. */
  checkpoint(): Promise<void> {
    return this.enqueue(async () => {
      this.health.check();
      await this.runDurably(async () => {
        await sealMemtable(this);
        if (this.state.segments.length > this.options.maxSegments) await compactSegments(this);
      });
    });
  }

  /** Merges all segments into one without tombstones (after a checkpoint). */
  compact(): Promise<void> {
    return this.enqueue(async () => {
      this.health.check();
      await this.runDurably(async () => {
        await sealMemtable(this);
        await compactSegments(this);
      });
    });
  }

  /** Closes without a checkpoint (the collection is being deleted). */
  async discard(): Promise<void> {
    await this.enqueue(async () => this.shutDown());
  }

  /** Checkpoints (unless the database failed), then closes the WAL. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.health.failed) await this.checkpoint();
    await this.enqueue(async () => this.shutDown());
  }

  private async shutDown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.wal.close();
    for (const s of this.state.segments) s.dispose();
    this.state.memtable?.index.dispose();
  }

  /** Swaps in the WAL writer of a newly created file; the caller closes the old one. */
  replaceWal(next: WalWriter): WalWriter {
    const previous = this.wal;
    this.wal = next;
    return previous;
  }

  /** Waits for every appended record to be durable. */
  flushWal(): Promise<void> {
    return this.wal.flush();
  }

  memtableBytes(): number {
    const m = this.state.memtable?.memoryBytes();
    return m ? m.vectors + m.graph + m.content : 0;
  }

  /** Writes a manifest as the next number, atomically, and removes the older one. */
  async publishManifest(next: ManifestState, tombstones: Uint32Array[]): Promise<void> {
    const number = this.manifestNumber + 1;
    // Crash before the rename inside ⇒ the previous manifest stays current and the WAL still covers everything.
    await writeFileAtomic(this.vfs, join(this.dir, manifestFileName(number)), encodeManifest({ state: next, tombstones }));
    const old = join(this.dir, manifestFileName(this.manifestNumber));
    this.manifest = next;
    this.manifestNumber = number;
    // Crash before this unlink ⇒ two manifests; open takes the highest and deletes the rest.
    if (this.vfs.exists(old)) this.vfs.unlink(old);
  }

  private appendToWal(op: Operation, lsn: number): Promise<void> {
    let durable: Promise<void>;
    try {
      durable = this.wal.append(walRecordType(op.type), lsn, encodeOperation(op));
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

  private async runDurably(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
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
