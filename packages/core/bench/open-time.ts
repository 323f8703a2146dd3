/**
 * Open time of a checkpointed collection through the public API: OmenDB.open
 * + getCollection + the first query, on ROWS (default 1,000,000) generated
 * 128-d vectors (bench/generated-data.ts: a seeded Gaussian mixture around
 * the real sift10k base vectors, not real data). The collection is built once
 * through the API with the default options (batches of 1,000; 64 MiB
 * memtables checkpoint as they fill and merge in the background; a final
 * checkpoint, then the merges catch up), closed, then reopened RUNS times (default
 * 5): recovery opens each segment section by section (Segment.open: the
 * graph loaded, never rebuilt; an unquantized version-2 segment's vectors
 * load page by page as queries reach them and in the background, a version-1
 * segment's straight into index memory at open).
 * Medians of wall and CPU seconds. The reopens run in this process, which
 * reuses the memory the previous one freed: bench/open-time-fresh.ts times
 * fresh processes, as a restart is.
 * The page cache is warm (the files were just written or read), as for a
 * process restart on the same machine.
 *
 * ONE_MEMTABLE=1 builds with a memtable large enough for every row instead
 * (one segment sealed from the memtable's graph, no merge rebuilding it):
 * the same kind of single-segment collection, in a fraction of the time.
 *
 * EF_CONSTRUCTION sets the graph's efConstruction (default 200): a lower one
 * builds quicker and gives a graph of the same size (M 16), so the same open.
 *
 * Set OPEN_DIR to keep the built database and reuse it on the next run.
 * Writes bench/results/open-time.json.
 *
 * Run: node packages/core/scripts/build-wasm.mjs && npx tsx packages/core/bench/open-time.ts
 *      ROWS=100000 RUNS=9 npx tsx packages/core/bench/open-time.ts
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OmenDB } from '../src/index.js';
import { median } from './ann-stats.js';
import { GENERATED_SIGMA, generateClusteredSet } from './generated-data.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 5);
const NAME = 'generated';
const keep = process.env.OPEN_DIR !== undefined;
const oneMemtable = process.env.ONE_MEMTABLE === '1';
const efConstruction = process.env.EF_CONSTRUCTION === undefined ? undefined : Number(process.env.EF_CONSTRUCTION);
const dir = process.env.OPEN_DIR ?? mkdtempSync(join(tmpdir(), 'omendb-open-'));

const set = generateClusteredSet(ROWS, 10);
const dim = set.dim;
const query = set.queries.subarray(0, dim);

async function build(): Promise<{ seconds: number; checkpointSeconds: number }> {
  const db = await OmenDB.open(dir, oneMemtable ? { memtableLimitBytes: 2 * ROWS * 128 * 4 + (256 << 20) } : {});
  const col = await db.createCollection({ name: NAME, dimension: dim, metric: 'l2', ...(efConstruction ? { hnsw: { efConstruction } } : {}) });
  const started = performance.now();
  for (let start = 0; start < ROWS; start += 1000) {
    const end = Math.min(ROWS, start + 1000);
    const ids: string[] = [];
    const embeddings: Float32Array[] = [];
    for (let r = start; r < end; r++) {
      ids.push(String(r));
      embeddings.push(set.base.subarray(r * dim, (r + 1) * dim));
    }
    await col.add({ ids, embeddings });
    if (end % 100_000 === 0) console.log(`  added ${end} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  const seconds = (performance.now() - started) / 1000;
  const t = performance.now();
  await db.checkpoint();
  await col.waitForMerges();
  const checkpointSeconds = (performance.now() - t) / 1000;
  await db.close();
  return { seconds, checkpointSeconds };
}

let built: { seconds: number; checkpointSeconds: number } | null = null;
const existing = existsSync(join(dir, 'FORMAT')) ? await (async () => {
  const db = await OmenDB.open(dir);
  const count = (await db.listCollections()).length > 0 ? await (await db.getCollection(NAME)).count() : 0;
  await db.close();
  return count;
})() : 0;
if (existing !== ROWS) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`building ${ROWS} × ${dim} (generated) through the API in ${dir}`);
  built = await build();
  console.log(`  build ${built.seconds.toFixed(1)} s (${(ROWS / built.seconds).toFixed(0)} vectors/s), checkpoint + merges catching up ${built.checkpointSeconds.toFixed(2)} s`);
}

const wall: number[] = [];
const cpuSeconds: number[] = [];
const firstQueries: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const db = await OmenDB.open(dir);
  const col = await db.getCollection(NAME);
  const opened = performance.now();
  const result = await col.query({ queryEmbeddings: [query], nResults: 10 });
  const done = performance.now();
  const used = process.cpuUsage(cpu);
  if (result.ids[0].length !== 10) throw new Error('the first query returned fewer than 10 results');
  wall.push((done - started) / 1000);
  cpuSeconds.push((used.user + used.system) / 1e6);
  firstQueries.push((done - opened) / 1000);
  await db.close();
}
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  rows: ROWS,
  dim,
  data: `generated: Gaussian mixture around sift10k base vectors (sigma ${GENERATED_SIGMA}, seed 1)`,
  runs: RUNS,
  build: built,
  openPlusFirstQuerySeconds: median(wall),
  cpuSeconds: median(cpuSeconds),
  all: wall,
  firstQuerySeconds: median(firstQueries),
};
console.log(
  `open + first query of ${ROWS} × ${dim}: median ${report.openPlusFirstQuerySeconds.toFixed(3)} s wall, ${report.cpuSeconds.toFixed(3)} CPU-s ` +
    `over ${RUNS} runs: ${wall.map((x) => x.toFixed(3)).join(', ')}`,
);
console.log(`first query after opening: ${(report.firstQuerySeconds * 1000).toFixed(1)} ms`);
const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'open-time.json'), JSON.stringify(report, null, 2) + '\n');
if (!keep) rmSync(dir, { recursive: true, force: true });
