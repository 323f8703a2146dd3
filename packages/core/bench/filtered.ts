/**
 * Filtered search at selectivity 0.1 %, 1 %, 10 %, 50 % and 100 %: ms per
 * query and recall@10 against exact filtered search, before and after the
 * planner (src/search/planner.ts), in the same process on the same
 * collection.
 *
 * Data: sift10k (real, 10,000 × 128, l2, 100 queries) and, with
 * SETS=generated-100k, 100,000 generated rows (Gaussian mixture around
 * sift10k, bench/generated-data.ts). Each row gets metadata `{ r }` with r a
 * seeded pseudo-random integer in 0…999, independent of the vector, and the
 * filter `{ r: { $lt: T } }` passes T/1000 of the rows. The collection has
 * the default options and is checkpointed, with its background merges caught
 * up, so rows are in segments with their graphs.
 *
 * - before: the search path without a planner, as it was (each source walks
 *   its graph with a per-row filter callback, no memo, exact scan past n/4
 *   visits), re-created here over the collection's internal state;
 * - after, direct: the planner's search (CollectionSearch) over the same
 *   internal state, one query per search, without the API around it;
 * - after: `collection.query` with one query embedding per call;
 * - after, batched: one `collection.query` call with all query embeddings
 *   (the filter's per-row answers are shared across them).
 *
 * Medians over RUNS repetitions (default 5) of the whole query set; wall and
 * CPU milliseconds per query. Writes bench/results/filtered.json.
 *
 * Run: node packages/core/scripts/build-wasm.mjs && npx tsx packages/core/bench/filtered.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OmenDB } from '../src/index.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import { CollectionSearch, type RowFilter, passes } from '../src/search/fanout.js';
import { compileWhere } from '../src/search/filter/index.js';
import type { CollectionState } from '../src/storage/collection-state.js';
import type { CollectionStore } from '../src/storage/collection-store.js';
import { median } from './ann-stats.js';
import { BENCH_SETS, loadBenchSet } from './ann-sets.js';

const RUNS = Number(process.env.RUNS ?? 5);
const SETS = process.env.SETS?.split(',') ?? ['sift10k'];
const QUERIES = Number(process.env.QUERIES ?? 100);
const THRESHOLDS = [1, 10, 100, 500, 1000];
const K = 10;
const EF = 64;

/** The search path before the planner: a plain per-row filter callback into every source's index. */
function searchBefore(state: CollectionState, query: Float32Array, filter: RowFilter): { key: string; distance: number }[] {
  const hits: { key: string; distance: number }[] = [];
  for (const segment of state.segments) {
    const accept = (row: number) => segment.isLive(row) && passes(segment, row, filter);
    for (const n of segment.index.search(query, K, { efSearch: EF, accept })) hits.push({ key: segment.externalId(n.row), distance: n.distance });
  }
  hits.sort((a, b) => a.distance - b.distance);
  return hits.slice(0, K);
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function runSet(name: string) {
  const spec = BENCH_SETS.find((s) => s.name === name)!;
  const set = loadBenchSet(spec);
  const { dim } = set;
  const dir = mkdtempSync(join(tmpdir(), 'omendb-filtered-'));
  // The default options; after the checkpoint the background merges catch up (one segment at these sizes).
  const db = await OmenDB.open(dir);
  const col = await db.createCollection({ name: 'f', dimension: dim, metric: spec.metric });
  const random = new SeededRandom(7);
  const r = Int32Array.from({ length: set.rows }, () => Math.floor(random.next() * 1000));
  for (let start = 0; start < set.rows; start += 1000) {
    const end = Math.min(set.rows, start + 1000);
    const ids: string[] = [];
    const embeddings: Float32Array[] = [];
    for (let row = start; row < end; row++) {
      ids.push(String(row));
      embeddings.push(set.base.subarray(row * dim, (row + 1) * dim));
    }
    await col.add({ ids, embeddings, metadatas: ids.map((_, i) => ({ r: r[start + i] })) });
  }
  await db.checkpoint();
  await col.waitForMerges();
  const state = (col as unknown as { store: CollectionStore }).store.state;
  const nq = Math.min(QUERIES, set.queryCount);
  const queries = Array.from({ length: nq }, (_, q) => set.queries.subarray(q * dim, (q + 1) * dim));
  const rows = [];
  for (const threshold of THRESHOLDS) {
    const where = { r: { $lt: threshold } };
    const filter: RowFilter = { where: compileWhere(where) };
    const truth = await col.query({ queryEmbeddings: queries, nResults: K, where, exact: true, include: [] });
    const recallOf = (found: string[][]) =>
      found.reduce((sum, ids, q) => sum + ids.filter((id) => truth.ids[q].includes(id)).length / Math.max(1, truth.ids[q].length), 0) / nq;
    const timings = { before: [] as number[], beforeCpu: [] as number[], direct: [] as number[], directCpu: [] as number[], after: [] as number[], afterCpu: [] as number[], batched: [] as number[], batchedCpu: [] as number[] };
    let recall = { before: 0, direct: 0, after: 0, batched: 0 };
    for (let run = 0; run < RUNS; run++) {
      let wall = performance.now();
      let cpu = process.cpuUsage();
      const before = queries.map((q) => searchBefore(state, q, filter).map((h) => h.key));
      timings.before.push((performance.now() - wall) / nq);
      timings.beforeCpu.push(cpuMs(cpu) / nq);
      wall = performance.now();
      cpu = process.cpuUsage();
      const direct = queries.map((q) => {
        const hits = new CollectionSearch(state, filter).search(q, K, { efSearch: EF });
        return hits.rows.map((row, i) => hits.partAt(i).externalId(row));
      });
      timings.direct.push((performance.now() - wall) / nq);
      timings.directCpu.push(cpuMs(cpu) / nq);
      wall = performance.now();
      cpu = process.cpuUsage();
      const after: string[][] = [];
      for (const q of queries) after.push((await col.query({ queryEmbeddings: [q], nResults: K, where, efSearch: EF, include: [] })).ids[0]);
      timings.after.push((performance.now() - wall) / nq);
      timings.afterCpu.push(cpuMs(cpu) / nq);
      wall = performance.now();
      cpu = process.cpuUsage();
      const batched = (await col.query({ queryEmbeddings: queries, nResults: K, where, efSearch: EF, include: [] })).ids;
      timings.batched.push((performance.now() - wall) / nq);
      timings.batchedCpu.push(cpuMs(cpu) / nq);
      recall = { before: recallOf(before), direct: recallOf(direct), after: recallOf(after), batched: recallOf(batched) };
    }
    const row = {
      selectivity: threshold / 1000,
      passing: r.filter((x) => x < threshold).length,
      msPerQuery: { before: median(timings.before), afterDirect: median(timings.direct), after: median(timings.after), afterBatched: median(timings.batched) },
      cpuMsPerQuery: { before: median(timings.beforeCpu), afterDirect: median(timings.directCpu), after: median(timings.afterCpu), afterBatched: median(timings.batchedCpu) },
      recallAt10: recall,
    };
    rows.push(row);
    console.log(
      `${name} ${(row.selectivity * 100).toString().padStart(5)} % (${row.passing} rows) | ms/query wall before ${row.msPerQuery.before.toFixed(3)} after ${row.msPerQuery.after.toFixed(3)} batched ${row.msPerQuery.afterBatched.toFixed(3)}` +
        ` | CPU before ${row.cpuMsPerQuery.before.toFixed(3)} direct ${row.cpuMsPerQuery.afterDirect.toFixed(3)} after ${row.cpuMsPerQuery.after.toFixed(3)} batched ${row.cpuMsPerQuery.afterBatched.toFixed(3)}` +
        ` | recall@10 before ${recall.before.toFixed(3)} after ${recall.after.toFixed(3)} batched ${recall.batched.toFixed(3)}`,
    );
  }
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return { set: name, source: spec.source, rows: set.rows, dim, queries: nq, k: K, efSearch: EF, results: rows };
}

const results = [];
for (const name of SETS) results.push(await runSet(name));
const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'filtered.json'),
  JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, loadAverage: loadavg(), runs: RUNS, sets: results }, null, 2) + '\n',
);
