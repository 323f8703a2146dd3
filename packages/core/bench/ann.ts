/**
 * `pnpm bench:ann`: OmenDB against hnswlib-node, usearch, LangChain's
 * MemoryVectorStore and LlamaIndex's SimpleVectorStore, in one command, on
 * the same data and parameters (M = 16, efConstruction = 200, k = 10,
 * queries on one thread): build rate (per wall and per CPU second; OmenDB's
 * API links on two threads), recall@10 and QPS over efSearch 16…512, QPS at
 * recall 0.95 (interpolated), p50/p99 latency, open time of the persisted
 * index (reopen + first query), memory (RSS and heap + external deltas,
 * bytes per vector), each also as a ratio to hnswlib-node.
 *
 * OmenDB appears as `omendb`, the public API with the default options
 * (OmenDB.open(dir): durability 'sync', 64 MiB memtable, background merges;
 * add in batches of 1,000, checkpoint, wait for the merges to catch up,
 * query, close, reopen); `omendb-1seg`, a labelled extra: the same with the
 * memtable limit above the set (one memtable, one segment, no merge);
 * `omendb-sq8`, `omendb-binary`, `omendb-pq`, the defaults with
 * quantization (the build ends with the checkpoint that trains and writes
 * the codes; PQ with the divisor of d nearest d / 8 subvectors), with a
 * memory table from `stats()`; and `omendb-hnsw`, its HnswIndex alone.
 *
 * Sets: sift10k (l2), glove25 (cosine), scifact-bge (cosine, 1024-d) from
 * ../shared/data, and generated-100k (l2): seeded Gaussian mixture around
 * sift10k (bench/generated-data.ts). generated-1m (1,000,000 × 128) runs
 * with ANN_1M=1 (slow: about 25 minutes a run for omendb and hnswlib-node;
 * one run unless RUNS_1M, or else RUNS, is given).
 *
 * Each (set, engine, run) runs in a fresh worker process (bench/ann-worker.ts,
 * bundled to plain JavaScript first: bench/ann-worker-bundle.ts) so memory
 * deltas are the engine's own. Writes bench/results/ann.json,
 * ann.md and ann-<set>.svg.
 *
 * WARMUP_ROWS=n (a labelled extra, default 0): each worker first builds,
 * queries and drops an index of the set's first n rows with the same engine,
 * then takes its memory baseline. The RSS growth then leaves out what a
 * process pays once for its first build (compiled code, worker threads'
 * start-up, allocator arenas) and counts what the rows cost.
 *
 * Run: pnpm bench:ann
 *      RUNS=1 SETS=sift10k ENGINES=omendb,hnswlib-node pnpm bench:ann
 *      ANN_1M=1 pnpm bench:ann
 *      WARMUP_ROWS=5000 SETS=generated-100k ENGINES=omendb,hnswlib-node pnpm bench:ann
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recallQpsSvg } from './ann-plot.js';
import { markdownReport, type MachineInfo, type SetReport } from './ann-report.js';
import { BENCH_HNSW_PARAMS, BENCH_SETS, exactTopK, loadBenchSet } from './ann-sets.js';
import { runQpsAt95Cpu, summarize } from './ann-summary.js';
import { bundleAnnWorker } from './ann-worker-bundle.js';
import { DATA_DIR } from '../test/helpers/datasets.js';
import type { AnnJob, EngineRun } from './ann-worker.js';

const RUNS = Number(process.env.RUNS ?? 3);
// generated-1m: one run by default (not RUNS' default of 3), but a RUNS given applies to it too.
const RUNS_1M = Number(process.env.RUNS_1M ?? process.env.RUNS ?? 1);
const MIN_SECONDS = Number(process.env.MIN_SECONDS ?? 0.4);
const WARMUP_ROWS = Number(process.env.WARMUP_ROWS ?? 0);
if (!(Number.isInteger(WARMUP_ROWS) && WARMUP_ROWS >= 0)) throw new Error(`WARMUP_ROWS must be an integer ≥ 0, got ${process.env.WARMUP_ROWS}`);
const K = 10;
const EFS = [16, 24, 32, 48, 64, 96, 128, 256, 512];
const ENGINES = process.env.ENGINES?.split(',') ?? [
  'omendb',
  'omendb-1seg',
  'omendb-sq8',
  'omendb-binary',
  'omendb-pq',
  'omendb-hnsw',
  'hnswlib-node',
  'usearch',
  'langchain-memory',
  'llamaindex-simple',
];
const wanted = process.env.SETS?.split(',');
const sets = BENCH_SETS.filter((s) => (wanted ? wanted.includes(s.name) : s.name !== 'generated-1m' || process.env.ANN_1M === '1'));
const here = dirname(fileURLToPath(import.meta.url));
const workerFile = await bundleAnnWorker();
const outDir = join(here, 'results');
const scratchRoot = mkdtempSync(join(tmpdir(), 'omendb-ann-'));

const machine: MachineInfo = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverage: loadavg(),
};

/** Runs one worker; null (reported) when it fails, so one engine's failure does not end the run. */
function runWorker(job: AnnJob): EngineRun | null {
  // Plain node, without this process's tsx loader (see ann-worker-bundle.ts).
  const child = spawnSync(process.execPath, ['--expose-gc', workerFile], {
    env: { ...process.env, ANN_JOB: JSON.stringify(job), OMENDB_DATA_DIR: DATA_DIR },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (child.status !== 0) {
    console.error(`  ${job.engine} on ${job.set} failed (exit ${child.status ?? child.signal})`);
    return null;
  }
  return JSON.parse(readFileSync(job.resultFile, 'utf8')) as EngineRun;
}

const command = [
  process.env.RUNS ? `RUNS=${RUNS}` : '',
  process.env.SETS ? `SETS=${process.env.SETS}` : '',
  process.env.ENGINES ? `ENGINES=${process.env.ENGINES}` : '',
  process.env.ANN_1M === '1' ? 'ANN_1M=1' : '',
  process.env.RUNS_1M ? `RUNS_1M=${RUNS_1M}` : '',
  WARMUP_ROWS > 0 ? `WARMUP_ROWS=${WARMUP_ROWS}` : '',
  'pnpm bench:ann',
]
  .filter(Boolean)
  .join(' ');

const reports: SetReport[] = [];
for (const spec of sets) {
  const loadAverage = loadavg();
  const set = loadBenchSet(spec);
  const title = `${spec.name}: ${set.rows.toLocaleString('en-US')} × ${set.dim}, ${spec.metric}, ${set.queryCount} queries (${spec.source === 'generated' ? 'generated: Gaussian mixture around sift10k' : 'real'})`;
  console.log(`\n${title}`);
  const truthFile = join(scratchRoot, `${spec.name}.truth`);
  const truth = exactTopK(set, K);
  writeFileSync(truthFile, new Uint8Array(truth.buffer, truth.byteOffset, truth.byteLength));
  const byEngine = new Map<string, EngineRun[]>(ENGINES.map((e) => [e, []]));
  const runs = spec.name === 'generated-1m' ? RUNS_1M : RUNS;
  for (let run = 0; run < runs; run++) {
    for (const engine of ENGINES) {
      const scratchDir = mkdtempSync(join(scratchRoot, `${spec.name}-${engine}-`));
      const started = performance.now();
      const result = runWorker({
        set: spec.name,
        engine,
        truthFile,
        k: K,
        efs: EFS,
        minSeconds: MIN_SECONDS,
        warmupRows: WARMUP_ROWS,
        scratchDir,
        resultFile: join(scratchDir, 'result.json'),
      });
      rmSync(scratchDir, { recursive: true, force: true });
      if (result === null) continue;
      byEngine.get(engine)!.push(result);
      console.log(
        `  run ${run + 1}/${runs} ${engine.padEnd(18)} build ${result.buildCpuSeconds.toFixed(1)} CPU-s, ` +
          `QPS@0.95 ${runQpsAt95Cpu(result)?.toFixed(0) ?? 'n/a'}/CPU-s, ` +
          `open ${result.openSeconds === null ? 'n/a' : `${(result.openSeconds * 1000).toFixed(0)} ms`}, ` +
          `RSS Δ ${(result.rssDeltaBytes / 2 ** 20).toFixed(1)} MB (${(result.rssDeltaBytes / set.rows).toFixed(0)} B/vector, ` +
          `anon ${result.anonymousDeltaBytes === null ? 'n/a' : (result.anonymousDeltaBytes / set.rows).toFixed(0)}) (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
  }
  const engines = summarize(byEngine, set.rows);
  reports.push({
    name: spec.name,
    title,
    rows: set.rows,
    dim: set.dim,
    metric: spec.metric,
    source: spec.source,
    queryCount: set.queryCount,
    engines,
    plot: `ann-${spec.name}.svg`,
    date: new Date().toISOString(),
    command,
    runs,
    loadAverage,
    cpu: machine.cpu,
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `ann-${spec.name}.svg`), recallQpsSvg(title, engines));
  for (const e of engines) {
    console.log(
      `  ${e.engine.padEnd(18)} build ${e.buildRate.toFixed(0)} vec/s, ${e.buildRateCpu.toFixed(0)} vec/CPU-s, QPS@0.95 ${e.qpsAt95Cpu?.toFixed(0) ?? 'n/a'}/CPU-s, ` +
        `p50 ${e.p50Ms.toFixed(2)} ms, open ${e.openSeconds === null ? 'n/a' : `${(e.openSeconds * 1000).toFixed(0)} ms`}, ` +
        `${e.rssBytesPerVector.toFixed(0)} B/vector (RSS)` +
        (e.ratios ? `; vs hnswlib-node: build ${e.ratios.buildRate?.toFixed(2)}× wall, ${e.ratios.buildRateCpu?.toFixed(2)}× CPU, QPS@0.95 ${e.ratios.qpsAt95Cpu?.toFixed(2) ?? 'n/a'}×` : ''),
    );
  }
}
rmSync(scratchRoot, { recursive: true, force: true });

// Sets measured earlier (another command, e.g. ANN_1M=1 SETS=generated-1m) are kept, in BENCH_SETS order.
const jsonPath = join(outDir, 'ann.json');
const earlierReport = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as { sets?: SetReport[]; machine?: MachineInfo }) : {};
// A set kept from a file written before sets named their CPU was measured on the machine that file named.
const earlier: SetReport[] = (earlierReport.sets ?? []).map((r) => ({ ...r, cpu: r.cpu ?? earlierReport.machine?.cpu }));
const merged = BENCH_SETS.map((spec) => reports.find((r) => r.name === spec.name) ?? earlier.find((r) => r.name === spec.name && r.command !== undefined)).filter(
  (r): r is SetReport => r !== undefined,
);
const report = {
  date: new Date().toISOString(),
  machine: { ...machine, loadAverageAtEnd: loadavg(), freeMemoryGiB: freemem() / 2 ** 30 },
  minSecondsPerEf: MIN_SECONDS,
  k: K,
  params: BENCH_HNSW_PARAMS,
  sets: merged,
};
mkdirSync(outDir, { recursive: true });
writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(outDir, 'ann.md'), markdownReport(merged, machine));
console.log(`\nwrote ${jsonPath}, ann.md and ${reports.length} charts`);
