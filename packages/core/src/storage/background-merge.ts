import type { CollectionStore } from './collection-store.js';
import { abandonMerge, prepareMerge, publishMerge, type PreparedMerge } from './compaction.js';
import { pickMerge, pickVacuum, segmentShapes, type MergePolicyOptions } from './merge-policy.js';
import type { Segment } from './segment.js';

/**
 * Runs the merges the tiered policy (merge-policy.ts) asks for, and when it
 * asks for none the rewrite of a segment with many deleted rows
 * (pickVacuum), one at a time per collection, in the background: after
 * each checkpoint, after each merge (the shape changed) and at open. A
 * merge snapshots its run under the store's publish lock, builds and
 * writes the merged segment with no lock held (the build gives the event
 * loop turns; writes, reads and checkpoints go on), then publishes under
 * the lock with the same manifest protocol as compact() (see
 * compaction.ts), so a crash at any step leaves either the old segments or
 * the merged one, never a mix.
 *
 * A merge that fails before its publish leaves the collection as it was; it
 * is reported as a process warning and merging stops until the next open
 * (a full disk would otherwise be retried after every checkpoint). A failed
 * publish fails the database, as a failed checkpoint does.
 */
export class BackgroundMerger {
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private stopped = false;
  /** Aborts the merge running now (null when none builds). */
  private abort: AbortController | null = null;
  /** Merges published since open, and how many of them were rewrites of one segment without its deleted rows (pickVacuum). */
  published = 0;
  vacuums = 0;

  constructor(
    private readonly store: CollectionStore,
    private readonly policy: MergePolicyOptions | false,
  ) {}

  /** Whether a merge is running (being built, written or published). */
  get active(): boolean {
    return this.running !== null;
  }

  /** Resolves once no merge runs and none is warranted (tests and benches wait for catch-up with it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Starts a merge if the policy warrants one and none runs; if one runs, looks again after it. */
  request(): void {
    if (this.policy === false || this.closed || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop()
      .catch((err: unknown) => this.stop(err as Error))
      .finally(() => (this.running = null));
  }

  /** Aborts a running merge (its files are removed) and resolves once it has stopped; no merge starts after. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort?.abort(new Error('collection closing'));
    await this.idle();
  }

  /**
   * Aborts the merge being built, if any (its files are removed), without
   * waiting: a compaction of every segment is starting, which would leave
   * it nothing to publish (publishMerge finds its run gone). The compaction
   * holds the publish lock, so no merge starts before it has published;
   * the one after it (requested by the checkpoint) sees its shape.
   */
  supersede(): void {
    this.abort?.abort(new Error('superseded by a compaction'));
  }

  /** Stops merging until the collection is reopened, with a process warning saying why. */
  private stop(err: Error): void {
    this.stopped = true;
    process.emitWarning(`background merge of collection ${JSON.stringify(this.store.name)} failed, merging stops until reopen: ${err.message}`);
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      if (await this.mergeOnce()) this.again = true;
    } while (this.again && !this.closed && !this.stopped);
  }

  /** One merge, if warranted; true once published. */
  private async mergeOnce(): Promise<boolean> {
    const { store } = this;
    const policy = this.policy as MergePolicyOptions;
    let old: Segment[];
    let tombstones: Uint32Array[];
    let vacuum: boolean;
    const unlock = await store.publishLock.acquire();
    try {
      if (this.closed || store.health.failed) return false;
      const shapes = segmentShapes(store.state.segments);
      const tiered = pickMerge(shapes, policy, store.options.memtableLimitBytes);
      const pick = tiered ?? pickVacuum(shapes, store.manifestTombstones.map((t) => t.length), policy);
      if (!pick) return false;
      vacuum = tiered === null;
      old = store.state.segments.slice(pick.from, pick.to);
      tombstones = store.manifestTombstones.slice(pick.from, pick.to);
    } finally {
      unlock();
    }
    let prepared: PreparedMerge;
    const abort = (this.abort = new AbortController());
    try {
      prepared = await prepareMerge(store, old, tombstones, { background: true, signal: abort.signal });
    } catch (err) {
      if (!abort.signal.aborted) this.stop(err as Error);
      return false;
    } finally {
      this.abort = null;
    }
    const relock = await store.publishLock.acquire();
    try {
      if (this.closed || store.health.failed) {
        abandonMerge(store, prepared);
        return false;
      }
      const done = await publishMerge(store, old, prepared).catch((err: unknown) => {
        store.health.fail(err as Error);
        throw err;
      });
      if (done) {
        this.published++;
        if (vacuum) this.vacuums++;
      }
      return done;
    } catch {
      return false;
    } finally {
      relock();
    }
  }
}
