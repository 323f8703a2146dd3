import { IOError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import type { Durability } from '../types.js';
import { encodeWalRecord, frameWalRecord, type WalRecordType } from '../format/wal-record.js';

/** Bytes a `durability: 'none'` writer buffers before handing them to the OS. */
const UNSYNCED_BUFFER_BYTES = 1 << 20;

/** Records up to this size are encoded in the writer's reused buffer (see WalWriter.recordBuffer). */
const REUSED_RECORD_MAX_BYTES = 4 << 20;

/**
 * Appends records to one WAL file. Under `durability: 'sync'` the promise of
 * each append resolves after an fdatasync that began after the append; appends
 * that arrive while an fdatasync runs share the next one (group commit).
 *
 * Any failed write or fdatasync poisons the writer: every pending and later
 * append rejects with IOError, because the state of the file is unknown.
 */
export class WalWriter {
  private failure: Error | undefined;
  /** Records appended, and how many of them a completed fdatasync covers. */
  private appendedRecords = 0;
  private syncedRecords = 0;
  private syncing = false;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private nextWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private reused: Uint8Array | null = null;
  private closed = false;

  constructor(
    private readonly vfs: Vfs,
    readonly path: string,
    private readonly fd: number,
    private readonly durability: Durability,
    /** File size in bytes when opened. */
    private sizeBytes: number,
  ) {}

  get lengthBytes(): number {
    return this.sizeBytes + this.bufferedBytes;
  }

  /**
   * Bytes the writer holds in memory: records not yet handed to the OS
   * (`durability: 'none'` only; at most 1 MiB) and its reused record buffer.
   */
  get memoryBytes(): number {
    return this.bufferedBytes + (this.reused?.byteLength ?? 0);
  }

  /**
   * `bytes` bytes to encode the next record in, header included, for
   * {@link appendFramed}. Where each record is written before appendFramed
   * returns (durability other than 'none'), one buffer of the writer's own,
   * reused from record to record and grown up to 4 MiB: a stream of write
   * batches allocates nothing per batch (at 1,000 rows of 128-d, 0.5 MB a
   * batch that would otherwise wait for a garbage collection in malloc's
   * heap; see kernels/mapped-array.ts). Larger records, and `durability: 'none'` (which holds records until
   * 1 MiB gathers), get a fresh buffer. Valid until the next append.
   */
  recordBuffer(bytes: number): Uint8Array {
    if (this.durability === 'none' || bytes > REUSED_RECORD_MAX_BYTES) return new Uint8Array(bytes);
    if (this.reused === null || this.reused.byteLength < bytes) {
      this.reused = new Uint8Array(Math.min(REUSED_RECORD_MAX_BYTES, Math.max(bytes, 2 * (this.reused?.byteLength ?? 0))));
    }
    return this.reused.subarray(0, bytes);
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /**
   * Appends a record. Throws IOError synchronously when the write itself fails;
   * the returned promise resolves when the record is as durable as the
   * writer's durability promises.
   */
  append(type: WalRecordType, lsn: number, payload: Uint8Array): Promise<void> {
    if (this.failure) throw new IOError(`WAL ${this.path} failed earlier: ${this.failure.message}`);
    return this.appendRecord(encodeWalRecord({ type, lsn, payload }));
  }

  /**
   * {@link append} of a payload encoded at offset WAL_RECORD_HEADER_BYTES of
   * `framed` (the bytes before it reserved): the header is written there and
   * `framed` is logged as it is, without copying the payload.
   */
  appendFramed(type: WalRecordType, lsn: number, framed: Uint8Array): Promise<void> {
    if (this.failure) throw new IOError(`WAL ${this.path} failed earlier: ${this.failure.message}`);
    return this.appendRecord(frameWalRecord(type, lsn, framed));
  }

  private appendRecord(bytes: Uint8Array): Promise<void> {
    this.appendedRecords++;
    if (this.durability === 'none') {
      this.buffered.push(bytes);
      this.bufferedBytes += bytes.byteLength;
      if (this.bufferedBytes >= UNSYNCED_BUFFER_BYTES) this.drainBuffer();
      return Promise.resolve();
    }
    this.writeNow(bytes);
    if (this.durability === 'os') return Promise.resolve();
    return this.requestSync();
  }

  /**
   * Resolves once every record appended so far is as durable as the writer
   * promises. A call that logs nothing waits on this, so that it is never
   * acknowledged ahead of an earlier call still waiting for its fdatasync.
   */
  settled(): Promise<void> {
    if (this.failure) return Promise.reject(new IOError(`WAL ${this.path} failed earlier: ${this.failure.message}`));
    if (this.durability !== 'sync' || this.syncedRecords === this.appendedRecords) return Promise.resolve();
    return this.requestSync();
  }

  /** Writes buffered records and waits for an fdatasync covering everything appended. */
  async flush(): Promise<void> {
    if (this.failure) throw new IOError(`WAL ${this.path} failed earlier: ${this.failure.message}`);
    this.drainBuffer();
    await this.requestSync();
  }

  /**
   * Closes the file after outstanding syncs; appends are refused afterwards.
   * Throws IOError when the final flush or the close fails (the descriptor is
   * closed either way): a failed fdatasync is reported, never swallowed, even
   * when it only repeats data an earlier sync covered.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    let error: unknown;
    if (!this.failure) {
      try {
        this.drainBuffer();
        if (this.durability !== 'none') await this.requestSync();
      } catch (err) {
        error = err;
      }
    }
    while (this.syncing) await new Promise<void>((r) => setImmediate(r));
    this.closed = true;
    try {
      this.vfs.close(this.fd);
    } catch (err) {
      this.fail(err as Error);
      error ??= new IOError(`closing ${this.path} failed: ${(err as Error).message}`, { cause: err });
    }
    if (error) throw error;
  }

  private drainBuffer(): void {
    if (this.buffered.length === 0) return;
    const all = Buffer.concat(this.buffered);
    this.buffered = [];
    this.bufferedBytes = 0;
    this.writeNow(all);
  }

  private writeNow(bytes: Uint8Array): void {
    try {
      this.vfs.write(this.fd, bytes);
      this.sizeBytes += bytes.byteLength;
    } catch (err) {
      this.fail(err as Error);
      throw new IOError(`write to ${this.path} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  private requestSync(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.syncing) {
        // This append landed after the running fdatasync began: it needs the next one.
        this.nextWaiters.push({ resolve, reject });
      } else {
        this.waiters.push({ resolve, reject });
        this.startSync();
      }
    });
  }

  private startSync(): void {
    this.syncing = true;
    const batch = this.waiters;
    const covers = this.appendedRecords;
    this.waiters = [];
    this.vfs.fdatasync(this.fd).then(
      () => {
        this.syncing = false;
        this.syncedRecords = Math.max(this.syncedRecords, covers);
        for (const w of batch) w.resolve();
        this.promoteNext();
      },
      (err: Error) => {
        this.syncing = false;
        this.fail(err);
        const error = new IOError(`fdatasync of ${this.path} failed: ${err.message}`, { cause: err });
        for (const w of batch) w.reject(error);
        for (const w of this.nextWaiters) w.reject(error);
        this.nextWaiters = [];
      },
    );
  }

  private promoteNext(): void {
    if (this.nextWaiters.length === 0) return;
    this.waiters = this.nextWaiters;
    this.nextWaiters = [];
    this.startSync();
  }

  private fail(err: Error): void {
    this.failure ??= err;
  }
}
