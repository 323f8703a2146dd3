import { Worker } from 'node:worker_threads';
import {
  CMD_PHASE1,
  CMD_PHASE2,
  CMD_QUIT,
  CTRL,
  ctrlSlots,
  type LinkShared,
  THREAD_WORD,
  THREAD_WORDS,
  threadQueryBytes,
  threadScratchBytes,
} from './hnsw-build-layout.js';
import { BuildThread } from './hnsw-build-thread.js';
import { growableShared, type GrowableSharedArrayBuffer, type HnswGraph } from './hnsw-graph.js';
import { MAX_LEVEL } from '../../format/graph.js';
import type { HnswScratch } from './hnsw-scratch.js';
import type { GraphKernels, Kernels } from '../../kernels/kernels.js';
import { KernelMemory } from '../../kernels/kernel-memory.js';
import { wasmSharedKernelModule } from '../../kernels/wasm-module.js';
import { workerScript } from './worker-script.js';

/**
 * Batch schedule: each batch is this fraction of the rows already linked
 * (at least 1, at most the linker's largest batch). Rows of one batch do not
 * see each other through the graph, only as exact candidates, so batches
 * stay small against the graph; at 2 % recall@10 was unchanged on sift10k
 * and the 100k generated set (prototype, spike/batch-parallel-build).
 * A largest batch of 512, 256 or 128 rows instead of 1,024 did not change
 * the build's CPU measurably (the exact candidates of a batch's earlier
 * rows cost little next to the graph search): 90,000 rows of generated-100k,
 * medians of 3 alternating builds 44.1 / 50.4 / 44.6 / 43.6 CPU-s with
 * single builds from 42 to 54, recall@10 at ef 16 / 32 / 64 equal within
 * 0.0004 (bench/batch-size.ts, 2026-12-07).
 */
export const BATCH_FRACTION = 0.02;
export const MAX_BATCH_ROWS = 1024;
/**
 * Float32 values of the largest default batch: 1,024 rows up to 128-d,
 * fewer above (128 rows at 1024-d). A memtable searches its rows not yet
 * linked exactly, so this bounds what that scan adds to a query (≈ 20 µs at
 * 128-d); a row that long costs milliseconds to link, so smaller batches
 * still keep the threads busy between synchronisations.
 */
const MAX_BATCH_VALUES = 131_072;
/** Batches smaller than this run on the caller's thread alone: waking a worker costs more. */
const MIN_PARALLEL_BATCH = 8;
/**
 * Workers quit after this long without a batch to share and start again
 * with the next one: an idle worker thread holds ≈ 9 MB of RSS (measured,
 * Node 20), a start costs ≈ 30 ms of one core.
 */
export const LINKER_IDLE_MS = 2000;

/** The default largest batch for `dimension`-d rows: 1,024 rows up to 128-d, ≥ 64 above. */
export function defaultMaxBatchRows(dimension: number): number {
  return Math.max(64, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_BATCH_VALUES / dimension)));
}

/** End (exclusive) of the batch that starts at `linked` rows: row 0 alone, then {@link BATCH_FRACTION} of the linked rows. */
export function batchEnd(linked: number, maxBatch: number): number {
  return linked + Math.max(1, Math.min(maxBatch, Math.floor(linked * BATCH_FRACTION)));
}

/** Whether this runtime can link in batches on several threads (WebAssembly SIMD + threads, SharedArrayBuffer). */
export function batchedBuildSupported(): boolean {
  return KernelMemory.sharedSupported();
}

/** Scratch bytes a graph linked by `threads` threads needs besides the owner's {@link HnswScratch}. */
export function linkerScratchBytes(dimension: number, capacity: number, threads: number): number {
  return (threads - 1) * threadScratchBytes(dimension, capacity);
}

/**
 * Links rows of a shared {@link HnswGraph} in batches, on the caller's
 * thread and `threads − 1` worker threads (INSERT of Malkov & Yashunin 2018
 * applied batch by batch; see hnsw-build-thread.ts). Rows must be stored
 * (levels set, no links) before their batch is linked. The caller's thread
 * takes part and blocks in Atomics.wait while a worker finishes its share,
 * so {@link link} is synchronous and nothing else touches the graph
 * meanwhile. The graph depends on the rows, parameters and batches, never
 * on the thread count.
 *
 * Workers start on the first batch large enough to share ({@link start}),
 * are unref'd once ready (an idle linker never keeps a process alive), quit
 * after {@link LINKER_IDLE_MS} without such a batch (and start again with
 * the next one), and quit on {@link close}.
 * Until every worker is ready, and for small batches, the caller's thread
 * links alone. A worker that cannot start (a bundler that dropped the
 * worker file) is reported with a process warning and never used.
 */
export class BatchLinker {
  private readonly shared: LinkShared;
  private readonly main: BuildThread;
  private readonly ctrl: Int32Array;
  private readonly edgeAt: Int32Array;
  private readonly edges: GrowableSharedArrayBuffer;
  /** Running workers (starting or ready); null when none run. */
  private workers: Worker[] | null = null;
  private readyWorkers: Promise<void> = Promise.resolve();
  /** Set while workers asked to quit have not all exited; no new ones start meanwhile. */
  private stopping: Promise<void> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private lastShared = 0;
  private gen = 0;
  private closed = false;

  /**
   * @param graph a shared graph with `threads − 1` extra threads
   * @param scratch the owner's scratch, of `capacity` slots (≥ linkCapacity)
   * @param threadScratch byte offset of the extra threads' scratch areas ({@link linkerScratchBytes})
   */
  constructor(
    private readonly graph: HnswGraph,
    private readonly scratch: HnswScratch,
    private readonly threadScratch: number,
    params: { efConstruction: number; threads: number; maxBatch: number },
  ) {
    const memory = graph.rows.memory;
    const module = wasmSharedKernelModule();
    if (memory.sharedMemory === null || module === null) throw new Error('batched HNSW linking needs a shared graph');
    const { M } = graph;
    const { threads, maxBatch } = params;
    const maxEdgeBytes = 4 * maxBatch * (MAX_LEVEL + 1) * (2 * M + 1);
    this.edges = growableShared(Math.min(4096, maxEdgeBytes), maxEdgeBytes);
    this.shared = {
      memory: memory.sharedMemory,
      module,
      metricCode: graph.rows.code,
      dim: graph.rows.dimension,
      M,
      efConstruction: params.efConstruction,
      threads,
      capacity: scratch.capacity,
      edges: this.edges,
      edgeAt: new SharedArrayBuffer(4 * maxBatch),
      ctrl: new SharedArrayBuffer(4 * ctrlSlots(threads)),
    };
    this.ctrl = new Int32Array(this.shared.ctrl);
    this.edgeAt = new Int32Array(this.shared.edgeAt);
    const kernels = memory.kernels as Kernels & GraphKernels;
    this.main = new BuildThread(this.shared, 0, kernels, () => graph.nextVisitTag());
  }

  get threads(): number {
    return this.shared.threads;
  }

  /** Threads that would share a batch now: the caller's plus the workers that are ready. */
  get activeThreads(): number {
    return this.workers === null ? 1 : 1 + Math.min(this.workers.length, Atomics.load(this.ctrl, CTRL.READY));
  }

  /**
   * Starts the workers unless they run, and resolves when each is ready or
   * has failed to start; {@link link} does not wait for them.
   */
  start(): Promise<void> {
    if (this.workers === null && this.stopping === null && !this.closed && this.threads > 1) {
      // A new worker counts its visited tags from 1: clear the ones a worker before it left, lest they read as visited.
      for (let t = 1; t < this.threads; t++) {
        const visited = this.graph.threadRegions(t).visited;
        this.graph.memory.u8.fill(0, visited, visited + 4 * this.graph.size);
      }
      const workers: Worker[] = [];
      const { script, options } = workerScript('hnsw-build-worker');
      const started: Array<Promise<void>> = [];
      for (let t = 1; t < this.threads; t++) {
        const worker = new Worker(script, { ...options, workerData: { shared: this.shared, t } });
        workers.push(worker);
        started.push(
          new Promise<void>((resolve) => {
            // Referenced until ready, so a caller awaiting start() is not cut short by the process exiting.
            worker.once('message', () => {
              worker.unref();
              resolve();
            });
            worker.once('error', (error) => {
              process.emitWarning(`parallel HNSW build: worker thread failed (${error.message}); linking on fewer threads`);
              resolve();
            });
            worker.once('exit', () => resolve());
          }),
        );
      }
      this.workers = workers;
      this.readyWorkers = Promise.all(started).then(() => undefined);
    }
    return this.readyWorkers;
  }

  /**
   * Links the stored rows [start, end) as one batch: rows ≥ 1 search the
   * graph of rows < start; row 0 becomes the entry point. Synchronous.
   * Throws Error if a worker fails mid-batch.
   */
  link(start: number, end: number): void {
    const graph = this.graph;
    if (start === 0 && end > 0) {
      graph.entryPoint = 0;
      graph.maxLevel = graph.level(0);
      start = 1;
    }
    if (end <= start) return;
    const M = graph.M;
    let ints = 0;
    for (let x = start; x < end; x++) {
      this.edgeAt[x - start] = ints;
      ints += (graph.level(x) + 1) * (2 * M + 1);
    }
    if (4 * ints > this.edges.byteLength) this.edges.grow(Math.min(this.edges.maxByteLength, Math.max(4 * ints, 2 * this.edges.byteLength)));
    this.publish(start, end);
    const main = this.main;
    main.bind();
    const threads = this.threads;
    const ctrl = this.ctrl;
    const shareable = threads > 1 && end - start >= MIN_PARALLEL_BATCH;
    if (shareable && this.workers === null) void this.start();
    if (shareable && this.workers !== null && Atomics.load(ctrl, CTRL.READY) >= threads - 1) {
      Atomics.store(ctrl, CTRL.NEXT, 0);
      this.post(CMD_PHASE1);
      main.runPhase1();
      this.awaitWorkers();
      this.post(CMD_PHASE2);
      main.phase2(start, end, threads);
      this.awaitWorkers();
      this.lastShared = performance.now();
      this.idleTimer ??= setTimeout(() => this.stopIfIdle(), LINKER_IDLE_MS).unref();
    } else {
      // Alone: a small batch, one thread, or workers not (yet) ready. The same graph either way.
      for (let x = start; x < end; x++) main.phase1(x, start, graph.entryPoint, graph.maxLevel);
      main.phase2(start, end, 1);
    }
    for (let x = start; x < end; x++) {
      const level = graph.level(x);
      if (level > graph.maxLevel) {
        graph.maxLevel = level;
        graph.entryPoint = x;
      }
    }
  }

  /**
   * Asks the workers to quit; resolves once their threads have exited. The
   * linker links on the caller's thread alone afterwards.
   */
  close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    return this.stopWorkers();
  }

  /** Stops the workers when no batch was shared for {@link LINKER_IDLE_MS}; else looks again then. */
  private stopIfIdle(): void {
    const idle = performance.now() - this.lastShared;
    this.idleTimer = null;
    if (idle >= LINKER_IDLE_MS) void this.stopWorkers();
    else this.idleTimer = setTimeout(() => this.stopIfIdle(), LINKER_IDLE_MS - idle).unref();
  }

  /**
   * Posts QUIT to the running workers; resolves once they have exited.
   * Until then no worker starts: a worker still starting counts itself
   * ready before it sees QUIT, so READY and CMD are reset only after every
   * exit.
   */
  private stopWorkers(): Promise<void> {
    const workers = this.workers;
    if (workers === null) return this.stopping ?? Promise.resolve();
    this.workers = null;
    const exited = workers.map((w) => new Promise<void>((resolve) => (w.threadId < 0 ? resolve() : w.once('exit', () => resolve()))));
    // Referenced until they exit (promptly: QUIT is their last command), so a caller awaiting this is not cut short.
    for (const w of workers) w.ref();
    this.post(CMD_QUIT);
    const stopping = Promise.all(exited).then(() => {
      Atomics.store(this.ctrl, CTRL.READY, 0);
      Atomics.store(this.ctrl, CTRL.CMD, 0);
      this.stopping = null;
    });
    this.stopping = stopping;
    return stopping;
  }

  /** Region offsets for this batch: the graph's regions move when it grows. */
  private publish(start: number, end: number): void {
    const c = this.ctrl;
    const graph = this.graph;
    const rows = graph.rows;
    c[CTRL.START] = start;
    c[CTRL.END] = end;
    c[CTRL.EP] = graph.entryPoint;
    c[CTRL.MAXL] = graph.maxLevel;
    c[CTRL.VECTORS] = rows.offset(0);
    c[CTRL.NORMS] = rows.offset(1);
    c[CTRL.LINKS0] = graph.links0Offset();
    c[CTRL.LEVELS] = graph.levelsOffset();
    c[CTRL.UPPER_AT] = graph.upperAtOffset();
    c[CTRL.UPPER] = graph.upperOffset();
    const scratchBytes = threadScratchBytes(rows.dimension, this.scratch.capacity);
    const queryBytes = threadQueryBytes(rows.dimension);
    for (let t = 0; t < this.threads; t++) {
      const w = CTRL.THREAD + THREAD_WORDS * t;
      if (t === 0) {
        c[w + THREAD_WORD.QUERY] = rows.queryPtr;
        c[w + THREAD_WORD.SCRATCH] = this.scratch.ids;
        c[w + THREAD_WORD.VISITED] = graph.visitedIndex() << 2;
        c[w + THREAD_WORD.CANDIDATES] = graph.candidatesOffset();
        c[w + THREAD_WORD.RESULTS] = graph.resultsOffset();
      } else {
        const base = this.threadScratch + (t - 1) * scratchBytes;
        const regions = graph.threadRegions(t);
        c[w + THREAD_WORD.QUERY] = base;
        c[w + THREAD_WORD.SCRATCH] = base + queryBytes;
        c[w + THREAD_WORD.VISITED] = regions.visited;
        c[w + THREAD_WORD.CANDIDATES] = regions.candidates;
        c[w + THREAD_WORD.RESULTS] = regions.results;
      }
    }
  }

  private post(cmd: number): void {
    const ctrl = this.ctrl;
    Atomics.store(ctrl, CTRL.DONE, 0);
    ctrl[CTRL.CMD] = cmd;
    Atomics.store(ctrl, CTRL.GEN, ++this.gen);
    Atomics.notify(ctrl, CTRL.GEN);
  }

  private awaitWorkers(): void {
    const ctrl = this.ctrl;
    const workers = this.threads - 1;
    for (let spins = 0; Atomics.load(ctrl, CTRL.DONE) < workers && spins < 2000; spins++);
    for (let d; (d = Atomics.load(ctrl, CTRL.DONE)) < workers; ) Atomics.wait(ctrl, CTRL.DONE, d);
    if (Atomics.load(ctrl, CTRL.FAILED) !== 0) throw new Error('a parallel HNSW build worker failed');
  }
}
