/**
 * `pnpm bench:ann-interleaved`: OmenDB's public API (default options, as
 * `omendb` in bench/ann.ts) and hnswlib-node in one process, on one set,
 * their query passes alternating, so both see the same machine at the same
 * minutes. `pnpm bench:ann` runs each engine in a process of its own, one
 * after the other; on a shared machine its single 1M runs gave QPS ratios
 * from 1.02× to 2.32× for the same code, while each engine's own QPS moved
 * by up to 60 % between runs.
 *
 * Builds both (as bench/ann-engines.ts does; build figures are printed,
 * not compared: the other engine's memory is resident meanwhile), picks for
 * each the smallest efSearch of 16…128 whose recall@10 over the set's
 * queries reaches 0.95, then runs PASSES timed passes of each (the query
 * set repeated for ≥ PASS_SECONDS), the order swapped every pass, after one
 * untimed pass each. Prints QPS per CPU-second per pass and the median of
 * the per-pass ratios. Queries run on one thread, k = 10.
 *
 * Run: pnpm bench:ann-interleaved                   (generated-1m: ≈ 25 min on 2 cores, ≈ 2.5 GB of memory)
 *      SET=generated-100k PASSES=9 pnpm bench:ann-interleaved
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hnswlibEngine, omendbApiEngine, type AnnEngine } from './ann-engines.js';
import { BENCH_HNSW_PARAMS, BENCH_SETS, exactTopK, loadBenchSet, meanRecall } from './ann-sets.js';
import { cpuSince, median, searchRepeatedly } from './ann-stats.js';

const SET = process.env.SET ?? 'generated-1m';
const PASSES = Number(process.env.PASSES ?? 9);
const PASS_SECONDS = Number(process.env.PASS_SECONDS ?? 2);
const K = 10;
const EFS = [16, 24, 32, 48, 64, 96, 128];
const TARGET_RECALL = 0.95;

const spec = BENCH_SETS.find((s) => s.name === SET);
if (spec === undefined) throw new Error(`unknown set ${SET}; sets: ${BENCH_SETS.map((s) => s.name).join(', ')}`);
const set = loadBenchSet(spec);
const { dim } = set;
const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
log(`${SET}: ${set.base.length / dim} × ${dim}, ${spec.metric}, ${set.queryCount} queries (${spec.source}); load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);

const truth = exactTopK(set, K);
const queries = Array.from({ length: set.queryCount }, (_, q) => set.queries.subarray(q * dim, (q + 1) * dim));
const queryArrays = queries.map((q) => Array.from(q));
const engines: AnnEngine[] = [omendbApiEngine({ metric: spec.metric, ...BENCH_HNSW_PARAMS }), hnswlibEngine({ metric: spec.metric, ...BENCH_HNSW_PARAMS })];
const scratch = mkdtempSync(join(tmpdir(), 'omendb-ann-interleaved-'));

async function recall(engine: AnnEngine, ef: number): Promise<number> {
  await engine.setEf(ef);
  const found: ArrayLike<number>[] = [];
  for (let q = 0; q < queries.length; q++) found.push(await engine.search(queries[q], queryArrays[q], K));
  return meanRecall(set, truth, found, K);
}

/** QPS per CPU-second of one pass: the query set repeated for ≥ PASS_SECONDS. */
async function pass(engine: AnnEngine): Promise<number> {
  const cpu = process.cpuUsage();
  const searched = await searchRepeatedly(queries.length, PASS_SECONDS, (q) => engine.search(queries[q], queryArrays[q], K));
  return searched / cpuSince(cpu);
}

try {
  for (const engine of engines) {
    await engine.prepare?.(join(scratch, engine.name));
    const started = performance.now();
    const cpu = process.cpuUsage();
    await engine.build(set.base, dim);
    log(`${engine.name}: built in ${((performance.now() - started) / 1000).toFixed(1)} s, ${cpuSince(cpu).toFixed(1)} CPU-s`);
  }
  const efs: number[] = [];
  for (const engine of engines) {
    let chosen: { ef: number; recall: number } | undefined;
    for (const ef of EFS) {
      chosen = { ef, recall: await recall(engine, ef) };
      if (chosen.recall >= TARGET_RECALL) break;
    }
    if (chosen!.recall < TARGET_RECALL) throw new Error(`${engine.name}: recall@10 ${chosen!.recall.toFixed(3)} at efSearch ${chosen!.ef}, below ${TARGET_RECALL}`);
    efs.push(chosen!.ef);
    log(`${engine.name}: efSearch ${chosen!.ef}, recall@10 ${chosen!.recall.toFixed(3)}`);
  }
  const qps: number[][] = engines.map(() => []);
  for (let p = 0; p <= PASSES; p++) {
    // Swapped every pass: neither engine always runs right after the other.
    const order = p % 2 === 0 ? [0, 1] : [1, 0];
    for (const e of order) {
      await engines[e].setEf(efs[e]);
      const measured = await pass(engines[e]);
      // Pass 0 warms up the JIT and the caches; it is not counted.
      if (p > 0) qps[e].push(measured);
    }
    if (p > 0) log(`pass ${p}: ${engines.map((engine, e) => `${engine.name} ${Math.round(qps[e][p - 1]).toLocaleString('en')}`).join(', ')}; ratio ${(qps[0][p - 1] / qps[1][p - 1]).toFixed(2)}×`);
  }
  const ratios = qps[0].map((value, p) => value / qps[1][p]);
  log(
    `medians of ${PASSES} passes, QPS per CPU-s at recall@10 ≥ ${TARGET_RECALL}: ` +
      engines.map((engine, e) => `${engine.name} ${Math.round(median(qps[e])).toLocaleString('en')}`).join(', ') +
      `; ratio ${median(ratios).toFixed(2)}× (passes ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×)`,
  );
} finally {
  for (const engine of engines) await engine.dispose();
  rmSync(scratch, { recursive: true, force: true });
}
