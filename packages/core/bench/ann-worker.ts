/**
 * One engine on one set, in a process of its own so its memory figures are
 * its own (bench/ann.ts starts one per set × engine × run). Reads the job
 * from the ANN_JOB environment variable (JSON, see {@link AnnJob}), writes
 * an {@link EngineRun} as JSON to `job.resultFile`. Needs --expose-gc.
 *
 * Steps: load the set; with `warmupRows`, build, query and drop an index
 * of that many rows first (see bench/ann.ts, WARMUP_ROWS); `prepare`; take
 * the memory baseline once it settles after a full GC
 * (bench/process-memory.ts); build (timed: wall and CPU
 * seconds); measure memory again the same way; warm up with
 * the query set at efSearch 64 for ≥ minSeconds; sweep efSearch
 * (graph engines) or take the one operating point (exact engines): recall@k
 * over the queries, then QPS with the query set repeated for ≥ minSeconds;
 * per-query latency at the first point reaching recall 0.95; persist
 * (untimed), then reopen + first query (timed).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AnnEngine, type EngineSpec, type EngineStats, hnswlibEngine, omendbApiEngine, omendbIndexEngine, pqSubvectors, usearchEngine } from './ann-engines.js';
import { BENCH_HNSW_PARAMS, BENCH_SETS, loadBenchSet, meanRecall, type BenchSet, type BenchSetName } from './ann-sets.js';
import { cpuSince, percentile, searchRepeatedly } from './ann-stats.js';
import { settledMemory } from './process-memory.js';

export interface AnnJob {
  set: BenchSetName;
  engine: string;
  /** Int32 file of queryCount × k exact rows. */
  truthFile: string;
  k: number;
  efs: number[];
  minSeconds: number;
  /** Rows of a build done and dropped before the memory baseline (0: none). */
  warmupRows: number;
  /** A fresh directory for the engine's files. */
  scratchDir: string;
  resultFile: string;
}

export interface SweepRun {
  ef: number | null;
  recall: number;
  qps: number;
  qpsCpu: number;
}

export interface EngineRun {
  engine: string;
  kind: 'graph' | 'exact';
  queries: number;
  buildSeconds: number;
  buildCpuSeconds: number;
  /** Process memory after the build minus before it, each once settled after a full GC (bench/process-memory.ts). */
  rssDeltaBytes: number;
  /** The same for anonymous resident memory (smaps_rollup `Anonymous`); null off Linux. */
  anonymousDeltaBytes: number | null;
  heapExternalDeltaBytes: number;
  /** OmenDB engines: `stats()` after the build. */
  stats?: EngineStats;
  sweep: SweepRun[];
  /** The sweep point latencies were taken at (first with recall ≥ 0.95, else the best). */
  latencyAt: { ef: number | null; recall: number };
  p50Ms: number;
  p99Ms: number;
  persistSeconds: number | null;
  openSeconds: number | null;
  openCpuSeconds: number | null;
  /** Whether the first query after reopening returned the rows it returned before. */
  reopenSameRows: boolean | null;
  persistNote?: string;
}

if ((globalThis as { gc?: () => void }).gc === undefined) throw new Error('run the worker with --expose-gc');

async function makeEngine(name: string, set: BenchSet, spec: EngineSpec): Promise<AnnEngine> {
  const { dim } = set;
  switch (name) {
    case 'omendb':
      return omendbApiEngine(spec);
    case 'omendb-1seg':
      return omendbApiEngine(spec, 'none', true);
    case 'omendb-sq8':
      return omendbApiEngine(spec, 'sq8');
    case 'omendb-binary':
      return omendbApiEngine(spec, 'binary');
    case 'omendb-pq':
      return omendbApiEngine(spec, { type: 'pq', subvectors: pqSubvectors(dim), bits: 8 });
    case 'omendb-hnsw':
      return omendbIndexEngine(spec);
    case 'hnswlib-node':
      return hnswlibEngine(spec);
    case 'usearch':
      return usearchEngine(spec);
    // The frameworks load only in their own workers: importing them takes seconds.
    case 'langchain-memory':
      return (await import('./ann-baselines.js')).langchainEngine(spec.metric);
    case 'llamaindex-simple':
      return (await import('./ann-baselines.js')).llamaindexEngine();
    default:
      throw new Error(`unknown engine ${name}`);
  }
}

/** Builds `job.warmupRows` rows with a second instance of the job's engine, queries it, and drops it. */
async function warmUp(job: AnnJob, set: BenchSet, spec: EngineSpec, queries: Float32Array[], queryArrays: number[][]): Promise<void> {
  const rows = Math.min(job.warmupRows, set.rows);
  const warm = await makeEngine(job.engine, set, spec);
  const dir = mkdtempSync(join(job.scratchDir, 'warmup-'));
  await warm.prepare?.(dir);
  await warm.build(set.base.subarray(0, rows * set.dim), set.dim);
  if (warm.kind === 'graph') await warm.setEf(64);
  for (let q = 0; q < Math.min(queries.length, 100); q++) await warm.search(queries[q], queryArrays[q], job.k);
  await warm.dispose();
  rmSync(dir, { recursive: true, force: true });
}

async function run(job: AnnJob): Promise<EngineRun> {
  const spec = BENCH_SETS.find((s) => s.name === job.set)!;
  const set = loadBenchSet(spec);
  const { dim, k } = { dim: set.dim, k: job.k };
  const truthBytes = readFileSync(job.truthFile);
  const truth = new Int32Array(truthBytes.buffer, truthBytes.byteOffset, truthBytes.byteLength / 4);
  const engineSpec: EngineSpec = { metric: spec.metric, ...BENCH_HNSW_PARAMS };
  const engine = await makeEngine(job.engine, set, engineSpec);
  const nq = engine.kind === 'exact' ? Math.min(spec.exactQueries, set.queryCount) : set.queryCount;
  const queries = Array.from({ length: nq }, (_, q) => set.queries.subarray(q * dim, (q + 1) * dim));
  const queryArrays = queries.map((q) => Array.from(q));
  const search = async (q: number): Promise<ArrayLike<number>> => engine.search(queries[q], queryArrays[q], k);
  const recallOf = (found: ArrayLike<number>[]): number => meanRecall(set, truth, found, k);

  if (job.warmupRows > 0) await warmUp(job, set, engineSpec, queries, queryArrays);
  await engine.prepare?.(job.scratchDir);
  const before = await settledMemory();
  let wall = performance.now();
  let cpu = process.cpuUsage();
  await engine.build(set.base, dim);
  const buildSeconds = (performance.now() - wall) / 1000;
  const buildCpuSeconds = cpuSince(cpu);
  const after = await settledMemory();
  const stats = engine.stats?.();

  // Warm-up at the default efSearch for ≥ minSeconds, so JIT tiers and caches settle before the
  // first timed point (without it the first sweep point of the JS engines measured up to 2× slow).
  if (engine.kind === 'graph') await engine.setEf(64);
  await searchRepeatedly(nq, job.minSeconds, search);

  const sweep: SweepRun[] = [];
  for (const ef of engine.kind === 'graph' ? job.efs : [null]) {
    if (ef !== null) await engine.setEf(ef);
    const found: ArrayLike<number>[] = [];
    for (let q = 0; q < nq; q++) found.push(await search(q));
    const recall = recallOf(found);
    wall = performance.now();
    cpu = process.cpuUsage();
    const searched = await searchRepeatedly(nq, job.minSeconds, search);
    sweep.push({ ef, recall, qps: searched / ((performance.now() - wall) / 1000), qpsCpu: searched / cpuSince(cpu) });
  }

  const point = sweep.find((s) => s.recall >= 0.95) ?? sweep.reduce((a, b) => (b.recall > a.recall ? b : a));
  if (point.ef !== null) await engine.setEf(point.ef);
  const latencies: number[] = [];
  // At least 1,000 samples (the query set repeated) where queries are cheap.
  const rounds = engine.kind === 'graph' ? Math.max(1, Math.ceil(1000 / nq)) : 1;
  for (let r = 0; r < rounds; r++) {
    for (let q = 0; q < nq; q++) {
      const t = performance.now();
      await search(q);
      latencies.push(performance.now() - t);
    }
  }
  const firstBefore = Array.from(await search(0));

  let persistSeconds: number | null = null;
  let openSeconds: number | null = null;
  let openCpuSeconds: number | null = null;
  let reopenSameRows: boolean | null = null;
  let persistNote = engine.persistNote;
  if (engine.persist && engine.load) {
    try {
      wall = performance.now();
      await engine.persist(job.scratchDir);
      persistSeconds = (performance.now() - wall) / 1000;
      // No memory read follows: a full GC is enough before timing the reopen.
      (globalThis as { gc?: () => void }).gc!();
      wall = performance.now();
      cpu = process.cpuUsage();
      await engine.load(job.scratchDir);
      const firstAfter = Array.from(await search(0));
      openSeconds = (performance.now() - wall) / 1000;
      openCpuSeconds = cpuSince(cpu);
      reopenSameRows = firstAfter.length === firstBefore.length && firstAfter.every((row, i) => row === firstBefore[i]);
    } catch (err) {
      // A baseline that cannot persist this much (e.g. a JSON string past V8's limit) is reported, not fatal.
      persistNote = `persist/open failed: ${(err as Error).message}`;
      persistSeconds = null;
    }
  }
  await engine.dispose();
  return {
    engine: engine.name,
    kind: engine.kind,
    queries: nq,
    buildSeconds,
    buildCpuSeconds,
    rssDeltaBytes: after.rss - before.rss,
    anonymousDeltaBytes: after.anonymous === null || before.anonymous === null ? null : after.anonymous - before.anonymous,
    heapExternalDeltaBytes: after.heapExternal - before.heapExternal,
    stats,
    sweep,
    latencyAt: { ef: point.ef, recall: point.recall },
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    persistSeconds,
    openSeconds,
    openCpuSeconds,
    reopenSameRows,
    persistNote,
  };
}

const job = JSON.parse(process.env.ANN_JOB ?? 'null') as AnnJob | null;
if (job === null) throw new Error('ANN_JOB is not set: bench/ann.ts starts this worker');
writeFileSync(job.resultFile, JSON.stringify(await run(job)));
