import { Worker } from 'node:worker_threads';
import { BATCH, BATCH_WORDS, CANCELLED, POSTED, type SearchBatch } from './hnsw-search-batch.js';
import { releaseSharedView, type SharedGraphView } from './hnsw-search-view.js';
import { workerScript } from './worker-script.js';

/**
 * Query vectors per call from which a call shares its graph walks with the
 * search worker: a batch's fixed cost (posting it, waking the worker,
 * joining it, zeroing its areas) is that of a few walks. Not tuned on free
 * cores: bench/batched-query.ts reports 8, 32 and 100 per call.
 */
export const MIN_SHARED_QUERIES = 32;

/** The worker quits after this long without a batch, as the build's linker does; it starts again on demand. */
export const SEARCH_WORKER_IDLE_MS = 2000;

/** The worker's results for a batch: see {@link SearchBatch}. */
export interface SharedResults {
  rows: Int32Array;
  distances: Float32Array;
  /** 1 where the worker wrote query q's result for graph g (index q · graphs + g). */
  found: Uint8Array;
  resultAt: number[];
}

/**
 * The process's search worker: one thread that walks HNSW graphs in shared
 * WebAssembly memory (HnswIndex.sharedSearchView) for a share of a call's
 * queries, beside the caller's thread. It starts on the first call that
 * could use it (that call runs on the caller's thread alone), is unref'd
 * (it never keeps a process alive), quits after
 * {@link SEARCH_WORKER_IDLE_MS} without a batch and on {@link stop}. A
 * worker that cannot start (a bundler that dropped its file) is reported
 * once with a process warning and never tried again.
 */
class SearchWorker {
  private worker: Worker | null = null;
  /** int32 [0]: set to 1 by the worker once it listens; read without the event loop (a caller may loop on microtasks only). */
  private readyFlag = new Int32Array(new SharedArrayBuffer(4));
  private ready = false;
  private broken = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private lastUsed = 0;
  /** Queries the worker has walked since the process started (for tests and benchmarks). */
  sharedQueries = 0;

  /** Whether the worker thread is running (started and not stopped). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** Whether a batch can be shared now; if not, starts the worker for the next call. */
  available(): boolean {
    if (this.ready) return true;
    if (this.worker !== null && Atomics.load(this.readyFlag, 0) === 1) {
      this.ready = true;
      this.touch();
      return true;
    }
    if (this.worker === null && !this.broken) this.start();
    return false;
  }

  /**
   * Runs `owner(q)` on this thread and the walks of `graphs` on the worker
   * for a share of the `n` queries, taken one at a time from a shared
   * counter by whichever thread is free; `before()` runs on this thread
   * first (work only it can do). Synchronous: this thread blocks until the
   * worker is through, so nothing changes the graphs meanwhile; then the
   * views' working areas are zeroed. Returns the worker's results, and in
   * `byOwner` the queries left to this thread (all of them if the worker
   * failed).
   */
  run(queries: Float32Array[], graphs: SharedGraphView[], before: () => void, owner: (q: number) => void): { results: SharedResults; byOwner: Uint8Array } {
    const n = queries.length;
    const dim = graphs[0].dim;
    const resultAt: number[] = [];
    let slots = 0;
    for (const g of graphs) {
      resultAt.push(slots);
      slots += n * g.k;
    }
    const batch: SearchBatch = {
      graphs,
      queries: new SharedArrayBuffer(4 * n * dim),
      dim,
      n,
      rows: new SharedArrayBuffer(4 * slots),
      distances: new SharedArrayBuffer(4 * slots),
      found: new SharedArrayBuffer(n * graphs.length),
      resultAt,
      ctrl: new SharedArrayBuffer(4 * BATCH_WORDS),
    };
    const flat = new Float32Array(batch.queries);
    for (let q = 0; q < n; q++) flat.set(queries[q], q * dim);
    const ctrl = new Int32Array(batch.ctrl);
    const byOwner = new Uint8Array(n);
    try {
      this.worker!.postMessage(batch);
      before();
      for (let q; (q = Atomics.add(ctrl, BATCH.NEXT, 1)) < n; ) {
        byOwner[q] = 1;
        owner(q);
      }
    } finally {
      // Either the worker never took the batch (and now never will), or it is finishing its last query.
      if (Atomics.compareExchange(ctrl, BATCH.STATE, POSTED, CANCELLED) !== POSTED) {
        for (let spins = 0; Atomics.load(ctrl, BATCH.DONE) === 0 && spins < 2000; spins++);
        while (Atomics.load(ctrl, BATCH.DONE) === 0) Atomics.wait(ctrl, BATCH.DONE, 0);
      }
      for (const view of graphs) releaseSharedView(view);
      this.touch();
    }
    const found = new Uint8Array(batch.found);
    if (Atomics.load(ctrl, BATCH.FAILED) !== 0) {
      found.fill(0);
      byOwner.fill(0);
    } else for (let q = 0; q < n; q++) this.sharedQueries += 1 - byOwner[q];
    return { results: { rows: new Int32Array(batch.rows), distances: new Float32Array(batch.distances), found, resultAt }, byOwner };
  }

  /** Asks the worker to quit; resolves once it has exited. */
  stop(): Promise<void> {
    const worker = this.worker;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (worker === null) return Promise.resolve();
    this.worker = null;
    this.ready = false;
    const exited = new Promise<void>((resolve) => (worker.threadId < 0 ? resolve() : worker.once('exit', () => resolve())));
    // Referenced until it exits (promptly: null is its last message), so a caller awaiting this is not cut short.
    worker.ref();
    worker.postMessage(null);
    return exited;
  }

  private start(): void {
    const { script, options } = workerScript('hnsw-search-worker');
    this.readyFlag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(script, { ...options, workerData: { ready: this.readyFlag.buffer } });
    this.worker = worker;
    worker.unref();
    worker.on('error', (error) => {
      if (this.ready || this.broken) return;
      this.broken = true;
      process.emitWarning(`batched queries: the search worker thread failed (${error.message}); queries run on one thread`);
    });
    worker.once('exit', () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.ready = false;
    });
  }

  private touch(): void {
    this.lastUsed = performance.now();
    this.idleTimer ??= setTimeout(() => this.stopIfIdle(), SEARCH_WORKER_IDLE_MS).unref();
  }

  private stopIfIdle(): void {
    this.idleTimer = null;
    const idle = performance.now() - this.lastUsed;
    if (idle >= SEARCH_WORKER_IDLE_MS) void this.stop();
    else this.idleTimer = setTimeout(() => this.stopIfIdle(), SEARCH_WORKER_IDLE_MS - idle).unref();
  }
}

/** The process's one search worker (see {@link SearchWorker}). */
export const searchWorker = new SearchWorker();

/** Stops the search worker if it runs (closing a database does); it starts again on demand. */
export function stopSearchWorker(): Promise<void> {
  return searchWorker.stop();
}
