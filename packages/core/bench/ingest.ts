/**
 * Engine-level figures on sift10k (10,000 × 128, l2): ingest rate in batches
 * of 1,000 under each durability, checkpoint time, open time (reopen + first
 * query) of the checkpointed collection, disk bytes against the raw float32
 * bytes, and concurrent single-record writers under 'sync' (group commit).
 * Medians over RUNS runs (default 3). Prints a table and writes
 * bench/results/ingest.json.
 *
 * Run: pnpm --filter @omendb/core bench:ingest   (RUNS=5 for more runs)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The built package, as applications load it (`pnpm bench:ingest` builds it first): the memtable's linking worker starts from dist.
import { OmenDB, type Durability } from '../dist/index.js';
import { loadDataset } from '../test/helpers/datasets.js';
import { median } from './ann-stats.js';

const RUNS = Number(process.env.RUNS ?? 3);
const data = loadDataset('sift10k', 'l2');
const { dim } = data;
const rows = Array.from({ length: data.base.count }, (_, r) => data.base.data.subarray(r * dim, (r + 1) * dim));

async function ingest(durability: Durability) {
  const dir = mkdtempSync(join(tmpdir(), 'omendb-bench-'));
  const db = await OmenDB.open(dir, { durability });
  const col = await db.createCollection({ name: 'sift', dimension: dim });
  let t = performance.now();
  for (let start = 0; start < rows.length; start += 1000) {
    const batch = rows.slice(start, start + 1000);
    await col.add({ ids: batch.map((_, i) => String(start + i)), embeddings: batch });
  }
  const ingestSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await db.checkpoint();
  const checkpointSeconds = (performance.now() - t) / 1000;
  const stats = col.stats();
  await db.close();
  t = performance.now();
  const reopened = await OmenDB.open(dir, { durability });
  await (await reopened.getCollection('sift')).query({ queryEmbeddings: [data.queries.data.subarray(0, dim)], nResults: 10 });
  const openSeconds = (performance.now() - t) / 1000;
  await reopened.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    vectorsPerSecond: rows.length / ingestSeconds,
    checkpointSeconds,
    openSeconds,
    diskBytes: stats.diskBytes,
    diskWithoutGraph: stats.diskBytes - stats.diskComponents.graph,
    rawBytes: rows.length * dim * 4,
  };
}

/** `writers` concurrent loops, each adding one record per call, under 'sync'. */
async function concurrentSingles(writers: number, perWriter: number) {
  const dir = mkdtempSync(join(tmpdir(), 'omendb-bench-'));
  const db = await OmenDB.open(dir, { durability: 'sync' });
  const col = await db.createCollection({ name: 'gc', dimension: dim });
  const t = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        const r = (w * perWriter + i) % rows.length;
        await col.add({ ids: [`${w}-${i}`], embeddings: [rows[r]] });
      }
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return (writers * perWriter) / seconds;
}

const results: Record<string, unknown> = {};
for (const durability of ['sync', 'os', 'none'] as const) {
  const runs: Awaited<ReturnType<typeof ingest>>[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(await ingest(durability));
  const m = (f: (x: (typeof runs)[number]) => number) => median(runs.map(f));
  results[durability] = {
    vectorsPerSecond: m((x) => x.vectorsPerSecond),
    checkpointSeconds: m((x) => x.checkpointSeconds),
    openSeconds: m((x) => x.openSeconds),
    diskBytes: runs[0].diskBytes,
    diskOverRaw: runs[0].diskBytes / runs[0].rawBytes,
    diskWithoutGraphOverRaw: runs[0].diskWithoutGraph / runs[0].rawBytes,
  };
}
const singles: Record<string, number> = {};
for (const writers of [1, 16]) {
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(await concurrentSingles(writers, writers === 1 ? 500 : 100));
  singles[`writers${writers}`] = median(runs);
}
results.singleRecordCommitsPerSecond = singles;

console.log('sift10k, 10,000 × 128, batches of 1,000; medians of', RUNS, 'runs');
console.log('durability | vectors/s | checkpoint s | open+first query s | disk / raw (without graph)');
for (const d of ['sync', 'os', 'none'] as const) {
  const r = results[d] as Record<string, number>;
  console.log(`${d.padEnd(10)} | ${r.vectorsPerSecond.toFixed(0).padStart(9)} | ${r.checkpointSeconds.toFixed(3).padStart(12)} | ${r.openSeconds.toFixed(3).padStart(18)} | ${r.diskOverRaw.toFixed(3)} (${r.diskWithoutGraphOverRaw.toFixed(3)})`);
}
console.log(`single-record adds under 'sync': 1 writer ${singles.writers1.toFixed(0)} commits/s, 16 concurrent writers ${singles.writers16.toFixed(0)} commits/s`);
const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'ingest.json'), JSON.stringify({ runs: RUNS, date: new Date().toISOString(), results }, null, 2));
