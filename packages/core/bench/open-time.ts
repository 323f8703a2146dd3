/**
 * Open time of a checkpointed collection through the public API: OmenDB.open
 * + getCollection + the first query, on ROWS (default 1,000,000) generated
 * 128-d vectors (bench/generated-data.ts: a seeded Gaussian mixture around
 * the real sift10k base vectors, not real data). The collection is built once
 * through the API (durability 'none', batches of 1,000, one memtable so the
 * checkpoint writes one segment), closed, then reopened RUNS times (default
 * 5) in each of two ways, alternating: through the API as shipped, and
 * through the API with segments read in place (the recovery change proposed
 * with Segment.open; see InPlaceVfs below). Medians of wall and CPU seconds.
 * The page cache is warm (the files were just written or read), as for a
 * process restart on the same machine.
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
import { NodeVfs } from '../src/fs/node-vfs.js';
import { OmenDB } from '../src/index.js';
import { Segment } from '../src/storage/segment.js';
import { median } from './ann-stats.js';
import { GENERATED_SIGMA, generateClusteredSet } from './generated-data.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 5);
const NAME = 'generated';
const keep = process.env.OPEN_DIR !== undefined;
const dir = process.env.OPEN_DIR ?? mkdtempSync(join(tmpdir(), 'omendb-open-'));

const set = generateClusteredSet(ROWS, 10);
const dim = set.dim;
const query = set.queries.subarray(0, dim);

async function build(): Promise<{ seconds: number; checkpointSeconds: number }> {
  const db = await OmenDB.open(dir, { durability: 'none', memtableLimitBytes: 2 ** 40 });
  const col = await db.createCollection({ name: NAME, dimension: dim, metric: 'l2' });
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
  console.log(`  build ${built.seconds.toFixed(1)} s (${(ROWS / built.seconds).toFixed(0)} vectors/s), checkpoint ${built.checkpointSeconds.toFixed(2)} s`);
}

/**
 * Opening as recovery would with the one-line change proposed for
 * storage/recovery.ts (owned by another engineer): `Segment.open(vfs, …)`,
 * which reads each section in place, instead of `Segment.load(…,
 * vfs.readFile(file), …)`. Emulated here without editing recovery: the Vfs
 * hands recovery an empty buffer for segment files, and Segment.load, given
 * one, opens the file in place.
 */
class InPlaceVfs extends NodeVfs {
  override readFile(path: string): Uint8Array {
    return path.endsWith('segment.bin') ? new Uint8Array(0) : super.readFile(path);
  }
}
const inPlaceVfs = new InPlaceVfs();
const shippedLoad = Segment.load.bind(Segment);
Segment.load = (id, file, bytes, expected, factory, index) =>
  bytes.byteLength === 0 && index === undefined ? Segment.open(inPlaceVfs, id, file, expected, factory) : shippedLoad(id, file, bytes, expected, factory, index);

const modes = { shipped: new NodeVfs(), inPlace: inPlaceVfs } as const;
const measured = { shipped: { wall: [] as number[], cpu: [] as number[] }, inPlace: { wall: [] as number[], cpu: [] as number[] } };
const firstQueries: number[] = [];
for (let run = 0; run < RUNS; run++) {
  // Alternate the modes so both see the same machine load.
  for (const mode of ['shipped', 'inPlace'] as const) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const db = await OmenDB.open(dir, { vfs: modes[mode] });
    const col = await db.getCollection(NAME);
    const opened = performance.now();
    const result = await col.query({ queryEmbeddings: [query], nResults: 10 });
    const done = performance.now();
    const used = process.cpuUsage(cpu);
    if (result.ids[0].length !== 10) throw new Error('the first query returned fewer than 10 results');
    measured[mode].wall.push((done - started) / 1000);
    measured[mode].cpu.push((used.user + used.system) / 1e6);
    if (mode === 'inPlace') firstQueries.push((done - opened) / 1000);
    await db.close();
  }
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
  /** Through the API as shipped: recovery reads each segment file whole (vfs.readFile), then Segment.load. */
  shipped: { openPlusFirstQuerySeconds: median(measured.shipped.wall), cpuSeconds: median(measured.shipped.cpu), all: measured.shipped.wall },
  /** Through the API with recovery calling Segment.open (sections read in place): projected, see InPlaceVfs. */
  inPlace: { openPlusFirstQuerySeconds: median(measured.inPlace.wall), cpuSeconds: median(measured.inPlace.cpu), all: measured.inPlace.wall },
  firstQuerySeconds: median(firstQueries),
};
for (const mode of ['shipped', 'inPlace'] as const) {
  const r = report[mode];
  console.log(
    `open + first query of ${ROWS} × ${dim} (${mode === 'shipped' ? 'API as shipped: whole-file read' : 'API, segments read in place (projected)'}): ` +
      `median ${r.openPlusFirstQuerySeconds.toFixed(3)} s wall, ${r.cpuSeconds.toFixed(3)} CPU-s over ${RUNS} runs: ${r.all.map((x) => x.toFixed(3)).join(', ')}`,
  );
}
console.log(`first query after opening: ${(report.firstQuerySeconds * 1000).toFixed(1)} ms`);
const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'open-time.json'), JSON.stringify(report, null, 2) + '\n');
if (!keep) rmSync(dir, { recursive: true, force: true });
