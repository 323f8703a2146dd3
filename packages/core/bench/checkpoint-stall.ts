/**
 * Writer stalls behind automatic checkpoints: CONCURRENCY loops each adding
 * ADD_BATCH records per call under 'sync' (group commit), and READERS (2) read loops
 * (a query with nResults 10, then a get of an acknowledged id), for SECONDS,
 * with the memtable limit at MEMTABLE_MIB so automatic checkpoints run
 * several times. Reports add latency p50 / p99 / max, adds per second, and
 * the reads that came back wrong (fewer than 10 hits, a missing id, an error).
 * Medians over RUNS runs.
 *
 * Data: generated, labelled as such: sift10k base vectors (128-d) cycled,
 * each copy moved by seeded noise of ±2 per value (a mixture around real vectors).
 *
 * Run: pnpm --filter @omendb/core bench:checkpoint-stall
 *   (SECONDS=30 CONCURRENCY=16,64 MEMTABLE_MIB=8 ADD_BATCH=10 READERS=2 RUNS=3 by
 *   default: a memtable limit small enough that checkpoints run every several
 *   seconds on a busy 2-core machine, few enough that no compaction runs, and
 *   above the ≈ 4 MiB a memtable index accounts the moment its graph starts,
 *   or every memtable would be sealed right then; raise it on a faster machine)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The built package, as applications load it: the memtable's linking worker starts from dist.
import { OmenDB } from '../dist/index.js';
import { loadDataset } from '../test/helpers/datasets.js';
import { seededRandom } from '../test/helpers/tmp.js';
import { median } from './ann-stats.js';

const SECONDS = Number(process.env.SECONDS ?? 30);
const CONCURRENCY = (process.env.CONCURRENCY ?? '16,64').split(',').map(Number);
const MEMTABLE_MIB = Number(process.env.MEMTABLE_MIB ?? 8);
const ADD_BATCH = Number(process.env.ADD_BATCH ?? 10);
const RUNS = Number(process.env.RUNS ?? 3);
/** Read loops beside the writers; 0 isolates what the writers wait for. */
const READERS = Number(process.env.READERS ?? 2);

const data = loadDataset('sift10k', 'l2');
const { dim } = data;

/** Row `n` of the generated stream: base row n mod 10,000 plus seeded noise. */
function row(n: number): Float32Array {
  const rand = seededRandom(n + 1);
  const base = data.base.data.subarray((n % data.base.count) * dim, (n % data.base.count + 1) * dim);
  return base.map((x) => x + (rand() * 4 - 2));
}

interface RunResult {
  addP50Ms: number;
  addP99Ms: number;
  addMaxMs: number;
  addsPerSecond: number;
  records: number;
  segments: number;
  reads: number;
  wrongReads: number;
}

async function run(concurrency: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'omendb-stall-'));
  const db = await OmenDB.open(dir, { durability: 'sync', memtableLimitBytes: MEMTABLE_MIB << 20 });
  const col = await db.createCollection({ name: 'stall', dimension: dim });
  const latencies: number[] = [];
  let next = 0;
  let acked = 0;
  let reads = 0;
  let wrongReads = 0;
  const end = performance.now() + SECONDS * 1000;
  const writer = async () => {
    while (performance.now() < end) {
      const first = next;
      next += ADD_BATCH;
      const ids = Array.from({ length: ADD_BATCH }, (_, i) => String(first + i));
      const t = performance.now();
      await col.add({ ids, embeddings: ids.map((_, i) => row(first + i)) });
      latencies.push(performance.now() - t);
      acked = Math.max(acked, first + ADD_BATCH);
    }
  };
  const reader = async (r: number) => {
    const rand = seededRandom(1000 + r);
    while (performance.now() < end) {
      try {
        const q = await col.query({ queryEmbeddings: [row(Math.floor(rand() * 1e6))], nResults: 10 });
        if (acked >= 10 && q.ids[0].length < 10) wrongReads++;
        // Ids below `acked - ADD_BATCH * concurrency` were acknowledged before this read began.
        const safe = acked - ADD_BATCH * concurrency;
        if (safe > 0) {
          const id = String(Math.floor(rand() * safe));
          if ((await col.get({ ids: [id] })).ids.length !== 1) wrongReads++;
        }
      } catch {
        wrongReads++;
      }
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const t = performance.now();
  await Promise.all([...Array.from({ length: concurrency }, writer), ...Array.from({ length: READERS }, (_, r) => reader(r))]);
  const seconds = (performance.now() - t) / 1000;
  const segments = col.stats().segments;
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return {
    addP50Ms: at(0.5),
    addP99Ms: at(0.99),
    addMaxMs: latencies[latencies.length - 1],
    addsPerSecond: latencies.length / seconds,
    records: latencies.length * ADD_BATCH,
    segments,
    reads,
    wrongReads,
  };
}

const results: Record<string, { runs: RunResult[]; median: Record<keyof RunResult, number> }> = {};
for (const concurrency of CONCURRENCY) {
  const runs: RunResult[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(await run(concurrency));
  const keys = Object.keys(runs[0]) as (keyof RunResult)[];
  results[concurrency] = { runs, median: Object.fromEntries(keys.map((k) => [k, median(runs.map((x) => x[k]))])) as Record<keyof RunResult, number> };
}

console.log(`generated (sift10k base + seeded noise), 128-d, ${SECONDS} s per run, memtable limit ${MEMTABLE_MIB} MiB, ${ADD_BATCH} record(s) per add, ${READERS} read loops; medians of ${RUNS} runs`);
console.log('concurrent adds | add p50 ms | add p99 ms | add max ms | adds/s | records | segments | reads | wrong reads');
for (const [c, { median: m }] of Object.entries(results)) {
  console.log(
    `${c.padStart(15)} | ${m.addP50Ms.toFixed(2).padStart(10)} | ${m.addP99Ms.toFixed(1).padStart(10)} | ${m.addMaxMs.toFixed(0).padStart(10)} | ${m.addsPerSecond.toFixed(0).padStart(6)} | ${m.records.toFixed(0).padStart(7)} | ${m.segments.toFixed(0).padStart(8)} | ${m.reads.toFixed(0).padStart(5)} | ${m.wrongReads}`,
  );
}
const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'checkpoint-stall.json'), JSON.stringify({ seconds: SECONDS, memtableMiB: MEMTABLE_MIB, addBatch: ADD_BATCH, readers: READERS, runs: RUNS, date: new Date().toISOString(), results }, null, 2));
