/**
 * Readers in other processes (docs/format/readers.md), two figures:
 *
 * 1. Catch-up delay: the writer (this process) adds one record at a time
 *    under 'sync' and notes when each add resolved; a reader child polls
 *    `count()` with `readConsistencyIntervalMs` 0, then 100, and notes when
 *    each record became visible. Delay = visible − acknowledged (negative:
 *    the reader saw the record while its fdatasync was still running).
 * 2. Reader query latency: a reader child runs HNSW queries (nResults 10)
 *    for SECONDS beside an idle writer, then beside a busy one (upserts of
 *    100 records per call, a checkpoint every 50 calls, so the reader also
 *    reloads segments), catching up with `db.refresh()` every 100 ms (what
 *    `readConsistencyIntervalMs: 100` does before a read). Query time and
 *    catch-up time are reported apart: a catch-up applies the writer's new
 *    records to the reader's memtable index, the same work the writer did.
 *
 * Data: sift10k (real, 128-d, l2): the first 5,000 base vectors loaded and
 * checkpointed first, the next ones written during the runs; queries from
 * its query set. Timestamps: performance.timeOrigin + now() in both processes.
 *
 * Run: pnpm --filter @omendb/core bench:readers   (ADDS=200 SECONDS=10)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { OmenDB } from '../dist/index.js';
import { loadDataset } from '../test/helpers/datasets.js';
import { seededRandom } from '../test/helpers/tmp.js';
import { median, percentile } from './ann-stats.js';

const ADDS = Number(process.env.ADDS ?? 200);
const SECONDS = Number(process.env.SECONDS ?? 10);
const PRELOAD = 5000;
const now = () => performance.timeOrigin + performance.now();
const data = loadDataset('sift10k', 'l2');
const { dim } = data;
const row = (i: number) => data.base.data.subarray(i * dim, (i + 1) * dim);

if (process.argv[2] === 'reader') await reader(process.argv[3], process.argv[4], Number(process.argv[5]));
else await main();

/** Child: `visibility <intervalMs>` prints `SEEN <count> <t>`; `query` prints the latencies as JSON. */
async function reader(dir: string, mode: string, arg: number): Promise<void> {
  const db = await OmenDB.open(dir, { readOnly: true, ...(mode === 'query' ? {} : { readConsistencyIntervalMs: arg }) });
  const col = await db.getCollection('sift');
  process.stdout.write('READY\n');
  if (mode === 'visibility') {
    let last = await col.count();
    for (;;) {
      const n = await col.count();
      if (n !== last) {
        process.stdout.write(`SEEN ${n} ${now()}\n`);
        last = n;
        if (n >= PRELOAD + ADDS) break;
      }
    }
  } else {
    const latencies: number[] = [];
    const catchUps: number[] = [];
    const end = now() + arg * 1000;
    let caughtUp = now();
    for (let q = 0; now() < end; q = (q + 1) % data.queries.count) {
      if (now() - caughtUp >= 100) {
        caughtUp = now();
        await db.refresh();
        catchUps.push(now() - caughtUp);
      }
      const t = now();
      await col.query({ queryEmbeddings: [data.queries.data.subarray(q * dim, (q + 1) * dim)], nResults: 10, include: [] });
      latencies.push(now() - t);
    }
    process.stdout.write(`${JSON.stringify({ latencies, catchUps })}\n`);
  }
  await db.close();
}

function startReader(dir: string, mode: string, arg: number): { ready: Promise<void>; done: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'reader', dir, mode, String(arg)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let resolveReady: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  child.stdout!.on('data', (d) => {
    out += d;
    if (out.includes('READY')) resolveReady();
  });
  return { ready, done: new Promise((resolve) => child.on('close', () => resolve(out))) };
}

async function main(): Promise<void> {
  const random = seededRandom(7);
  const results: Record<string, unknown> = {};
  for (const intervalMs of [0, 100]) {
    const dir = mkdtempSync(join(tmpdir(), 'omendb-bench-readers-'));
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'sift', dimension: dim, embeddingFunction: null });
    for (let i = 0; i < PRELOAD; i += 500) await col.add({ ids: Array.from({ length: 500 }, (_, k) => `r${i + k}`), embeddings: Array.from({ length: 500 }, (_, k) => row(i + k)) });
    await db.checkpoint();
    const r = startReader(dir, 'visibility', intervalMs);
    await r.ready;
    const acked: number[] = [];
    for (let i = 0; i < ADDS; i++) {
      await col.add({ ids: [`r${PRELOAD + i}`], embeddings: [row(PRELOAD + i)] });
      acked.push(now());
      await new Promise((res) => setTimeout(res, 10 + random() * 40));
    }
    const seen = new Map<number, number>();
    for (const m of (await r.done).matchAll(/SEEN (\d+) ([\d.]+)/g)) seen.set(Number(m[1]), Number(m[2]));
    // A record is visible once the count reaches it (the reader may skip counts when several land in one catch-up).
    const delays = acked.map((t, i) => {
      let first = Infinity;
      for (const [n, at] of seen) if (n >= PRELOAD + i + 1) first = Math.min(first, at);
      return first - t;
    });
    results[`catchUpDelayMs_interval${intervalMs}`] = { n: delays.length, p50: round(median(delays)), p95: round(percentile(delays, 0.95)), max: round(Math.max(...delays)) };
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const dir = mkdtempSync(join(tmpdir(), 'omendb-bench-readers-'));
  const db = await OmenDB.open(dir);
  const col = await db.createCollection({ name: 'sift', dimension: dim, embeddingFunction: null });
  for (let i = 0; i < PRELOAD; i += 500) await col.add({ ids: Array.from({ length: 500 }, (_, k) => `r${i + k}`), embeddings: Array.from({ length: 500 }, (_, k) => row(i + k)) });
  await db.checkpoint();
  for (const busy of [false, true]) {
    const r = startReader(dir, 'query', SECONDS);
    await r.ready;
    let calls = 0;
    const started = now();
    const writing = (async () => {
      if (!busy) return;
      const end = started + SECONDS * 1000;
      for (let c = 0; now() < end; c++) {
        const at = (c * 100) % (data.base.count - 100);
        await col.upsert({ ids: Array.from({ length: 100 }, (_, k) => `r${at + k}`), embeddings: Array.from({ length: 100 }, (_, k) => row(at + k)) });
        calls++;
        if (c % 50 === 49) await db.checkpoint();
      }
    })();
    const { latencies, catchUps } = JSON.parse((await r.done).trim().split('\n').pop()!) as { latencies: number[]; catchUps: number[] };
    await writing;
    const label = busy ? 'busyWriter' : 'idleWriter';
    results[`readerQueryMs_${label}`] = {
      n: latencies.length,
      p50: round(median(latencies)),
      p95: round(percentile(latencies, 0.95)),
      p99: round(percentile(latencies, 0.99)),
      max: round(Math.max(...latencies)),
    };
    results[`readerCatchUpMs_${label}`] = {
      n: catchUps.length,
      p50: round(median(catchUps)),
      p95: round(percentile(catchUps, 0.95)),
      p99: round(percentile(catchUps, 0.99)),
      max: round(Math.max(...catchUps)),
    };
    if (busy) results.writerRecordsPerSecond = { n: Math.round((calls * 100) / SECONDS) };
  }
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(results, null, 2));
  console.table(results);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
