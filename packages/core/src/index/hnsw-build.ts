import { Worker } from 'node:worker_threads';
import type { Metric } from '../types.js';
import { type BuildShared, CMD_PHASE1, CMD_PHASE2, CMD_QUIT, CTRL, CTRL_SLOTS, planLayout } from './hnsw-build-layout.js';
import { BuildThread } from './hnsw-build-thread.js';
import { MAX_LEVEL } from './hnsw-graph.js';
import { inverseNormAt, METRIC_COSINE, metricCode } from './kernels/metric-code.js';
import { WASM_MAX_PAGES, WASM_PAGE_BYTES, wasmApi } from './kernels/wasm-api.js';
import { wasmSharedKernelModule } from './kernels/wasm-module.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Batch schedule: each batch is this fraction of the rows already linked
 * (at least 1, at most {@link MAX_BATCH_ROWS}). Rows of one batch do not see
 * each other through the graph, only as exact candidates, so batches stay
 * small against the graph; at 2 % recall@10 was unchanged on sift10k and the
 * 100k generated set (prototype, spike/batch-parallel-build).
 */
export const BATCH_FRACTION = 0.02;
export const MAX_BATCH_ROWS = 1024;
/** Batches smaller than this run on the main thread alone: waking the worker costs more. */
const MIN_PARALLEL_BATCH = 8;

/** What {@link buildBatched} needs: `rows × dim` float32 vectors and the graph parameters. */
export interface BatchedBuildInput {
  vectors: Float32Array;
  dim: number;
  metric: Metric;
  M: number;
  efConstruction: number;
  seed: number;
  /** Threads including the caller's; 1 runs the same schedule without a worker. */
  threads: number;
  /** Largest batch; 1 reproduces sequential inserts (tests). Default {@link MAX_BATCH_ROWS}. */
  maxBatch?: number;
}

/** A built graph in HnswGraph's layout (see hnsw-graph.ts), ready to copy into an index. */
export interface BuiltGraph {
  levels: Uint8Array;
  /** rows × (2·M + 1) int32 level-0 blocks. */
  links0: Int32Array;
  /** Upper blocks in row order, as HnswGraph.upperPool after adding the rows in order. */
  upperPool: Int32Array;
  entryPoint: number;
  maxLevel: number;
  /** Level generator state after one draw per row. */
  rngState: number;
  /** Threads that took part, the caller's included (fewer than asked if a worker failed to start). */
  threadsUsed: number;
}

/** Whether this runtime can run {@link buildBatched} (WebAssembly SIMD + threads, SharedArrayBuffer). */
export function batchedBuildSupported(): boolean {
  return wasmSharedKernelModule() !== null;
}

/**
 * Builds an HNSW graph over all rows batch by batch (see hnsw-build-thread.ts),
 * phase work split between the caller and `threads − 1` worker threads; the
 * caller blocks in Atomics.wait while a worker finishes its share. The graph
 * depends on the input, parameters and batch schedule only, not on `threads`.
 * Workers are gone when the promise settles. Throws RangeError past 4 GiB of
 * shared memory, Error when unsupported (check {@link batchedBuildSupported})
 * or when a worker fails.
 */
export async function buildBatched(input: BatchedBuildInput): Promise<BuiltGraph> {
  const { vectors, dim, M, efConstruction, seed, threads } = input;
  const maxBatch = input.maxBatch ?? MAX_BATCH_ROWS;
  const module = wasmSharedKernelModule();
  if (module === null) throw new Error('WebAssembly SIMD with shared memory is not supported by this runtime');
  const rows = vectors.length / dim;
  const code = metricCode(input.metric);
  const layout = planLayout({ rows, dim, M, efConstruction, threads, maxBatch });
  const pages = Math.ceil(layout.totalBytes / WASM_PAGE_BYTES);
  if (pages > WASM_MAX_PAGES) throw new RangeError(`a parallel build of ${rows} rows needs ${layout.totalBytes} bytes; at most 4 GiB`);
  const memory = new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
  const f32 = new Float32Array(memory.buffer);
  f32.set(vectors, layout.vectors >> 2);
  if (code === METRIC_COSINE) {
    for (let r = 0; r < rows; r++) f32[(layout.norms >> 2) + r] = inverseNormAt(vectors, r * dim, dim);
  }
  // Levels drawn as HnswIndex.add draws them, one per row in row order.
  const random = new SeededRandom(seed);
  const levelScale = 1 / Math.log(M);
  const levels = new Uint8Array(new SharedArrayBuffer(Math.max(1, rows)));
  const upperAt = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, rows)));
  let upperUsed = 0;
  for (let r = 0; r < rows; r++) {
    const level = Math.min(MAX_LEVEL, Math.floor(-Math.log(1 - random.next()) * levelScale));
    levels[r] = level;
    upperAt[r] = level > 0 ? upperUsed : -1;
    upperUsed += level * (M + 1);
  }
  const batches = schedule(rows, maxBatch);
  let edgeInts = 0;
  for (const [start, end] of batches) {
    let ints = 0;
    for (let x = start; x < end; x++) ints += (levels[x] + 1) * (2 * M + 1);
    edgeInts = Math.max(edgeInts, ints);
  }
  const shared: BuildShared = {
    memory,
    module,
    metricCode: code,
    layout,
    levels: levels.buffer as SharedArrayBuffer,
    upperAt: upperAt.buffer as SharedArrayBuffer,
    upperPool: new SharedArrayBuffer(4 * Math.max(1, upperUsed)),
    edges: new SharedArrayBuffer(4 * Math.max(1, edgeInts)),
    edgeAt: new SharedArrayBuffer(4 * maxBatch),
    ctrl: new SharedArrayBuffer(4 * CTRL_SLOTS),
  };
  const main = new BuildThread(shared, 0);
  const workers = await startWorkers(shared, threads);
  const ctrl = main.ctrl;
  let entryPoint = rows > 0 ? 0 : -1;
  let maxLevel = rows > 0 ? levels[0] : -1;
  let gen = 0;
  const post = (cmd: number): void => {
    Atomics.store(ctrl, CTRL.DONE, 0);
    ctrl[CTRL.CMD] = cmd;
    Atomics.store(ctrl, CTRL.GEN, ++gen);
    Atomics.notify(ctrl, CTRL.GEN);
  };
  const awaitWorkers = (): void => {
    for (let spins = 0; Atomics.load(ctrl, CTRL.DONE) < threads - 1 && spins < 2000; spins++);
    for (let d; (d = Atomics.load(ctrl, CTRL.DONE)) < threads - 1; ) Atomics.wait(ctrl, CTRL.DONE, d);
    if (Atomics.load(ctrl, CTRL.FAILED) !== 0) throw new Error('a parallel HNSW build worker failed');
  };
  try {
    const edgeAt = new Int32Array(shared.edgeAt);
    for (const [start, end] of batches) {
      for (let x = start, e = 0; x < end; x++) {
        edgeAt[x - start] = e;
        e += (levels[x] + 1) * (2 * M + 1);
      }
      ctrl[CTRL.START] = start;
      ctrl[CTRL.END] = end;
      ctrl[CTRL.EP] = entryPoint;
      ctrl[CTRL.MAXL] = maxLevel;
      if (workers.length === 0 || end - start < MIN_PARALLEL_BATCH) {
        for (let x = start; x < end; x++) main.phase1(x, start, entryPoint, maxLevel);
        main.phase2(start, end, 1);
      } else {
        Atomics.store(ctrl, CTRL.NEXT, 0);
        post(CMD_PHASE1);
        main.runPhase1();
        awaitWorkers();
        post(CMD_PHASE2);
        main.phase2(start, end, threads);
        awaitWorkers();
      }
      for (let x = start; x < end; x++) {
        if (levels[x] > maxLevel) {
          maxLevel = levels[x];
          entryPoint = x;
        }
      }
    }
  } finally {
    await stopWorkers(workers, post);
  }
  return {
    levels: levels.slice(0, rows),
    links0: new Int32Array(memory.buffer, layout.links0, rows * layout.stride0),
    upperPool: new Int32Array(shared.upperPool, 0, upperUsed),
    entryPoint,
    maxLevel,
    rngState: random.current,
    threadsUsed: workers.length + 1,
  };
}

/** Batches [start, end) after row 0 (which only becomes the entry point). */
function schedule(rows: number, maxBatch: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let size = 1; size < rows; ) {
    const end = Math.min(rows, size + Math.max(1, Math.min(maxBatch, Math.floor(size * BATCH_FRACTION))));
    out.push([size, end]);
    size = end;
  }
  return out;
}

/**
 * How to start the worker script beside this module: .js in the ESM bundle,
 * .cjs in the CommonJS bundle (tsup entry `hnsw-build-worker`; tsup shims
 * import.meta.url in CJS), .ts when running the sources under vitest or tsx,
 * through tsx's loader (Node 20 ignores `--import` in a worker's execArgv).
 */
function workerScript(): { script: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { script: new URL(here.endsWith('.cjs') ? './hnsw-build-worker.cjs' : './hnsw-build-worker.js', here), eval: false };
  const source = JSON.stringify(new URL('./hnsw-build-worker.ts', here).href);
  return { script: `import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); })`, eval: true };
}

/**
 * Starts `threads − 1` workers and waits until each has bound its kernels.
 * A worker that cannot start (a bundler that dropped the worker file, a
 * runtime without worker_threads) is reported with a process warning and the
 * build continues on fewer threads: the graph does not depend on it.
 */
async function startWorkers(shared: BuildShared, threads: number): Promise<Worker[]> {
  const workers: Worker[] = [];
  const { script, eval: isEval } = workerScript();
  try {
    for (let t = 1; t < threads; t++) {
      const worker = new Worker(script, { workerData: { shared, t }, eval: isEval });
      workers.push(worker);
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`exited with code ${code} before starting`)));
      });
      worker.removeAllListeners();
      // A failure in a phase reaches the caller through CTRL.FAILED; the event must not crash the process.
      worker.on('error', () => undefined);
    }
    return workers;
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    process.emitWarning(`parallel HNSW build: worker thread failed to start (${(error as Error).message}); building on one thread`);
    return [];
  }
}

/** Asks the workers to quit and waits until their threads have exited, so no handle outlives the build. */
async function stopWorkers(workers: Worker[], post: (cmd: number) => void): Promise<void> {
  if (workers.length === 0) return;
  const exited = workers.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
  post(CMD_QUIT);
  await Promise.all(exited);
}
