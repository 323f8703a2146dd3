/**
 * OmenStore vs LangGraph's InMemoryStore, same data, same process run:
 * puts/s (batches of 100 put operations, as LangGraph's batched store sends
 * them) and semantic search latency p50/p99 (limit 10), at 10k and 100k
 * memories, plus OmenStore's recall@10 against InMemoryStore's exact
 * (brute-force) answers. CPU time per put and per search (process.cpuUsage,
 * all threads) is printed beside the wall-clock figures: on a shared
 * machine it is the steadier measure of what an operation costs.
 *
 * Data: the SIFT10k base (128-d, real) for 10k; beyond it, seeded clustered
 * vectors (Gaussian around real SIFT base vectors), labelled "generated".
 * Queries: the 100 SIFT10k queries. Vectors reach the stores through an
 * embeddings table (text → vector), so embedding costs nothing here.
 *
 * Usage: pnpm --filter @omendb/langgraph bench [scales…]   (default 10000 100000)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Embeddings } from '@langchain/core/embeddings';
import { InMemoryStore, type BaseStore, type PutOperation } from '@langchain/langgraph-checkpoint';
import { OmenStore } from '../src/index.js';

const DATA = fileURLToPath(new URL('../../../../shared/data/sift10k/', import.meta.url));
const BATCH = 100;
const K = 10;

/** Reads a texmex .fvecs file into rows. */
function readFvecs(path: string): Float32Array[] {
  const buf = readFileSync(path);
  const rows: Float32Array[] = [];
  for (let at = 0; at < buf.byteLength; ) {
    const dim = buf.readInt32LE(at);
    rows.push(new Float32Array(buf.buffer.slice(buf.byteOffset + at + 4, buf.byteOffset + at + 4 + dim * 4)));
    at += 4 + dim * 4;
  }
  return rows;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

/** `n` vectors: the real base first, then seeded Gaussian points around random base vectors. */
function dataset(base: Float32Array[], n: number, seed = 7): number[][] {
  const random = seeded(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (i < base.length) out.push(Array.from(base[i]));
    else out.push(Array.from(base[Math.floor(random() * base.length)], (x) => Math.max(0, x + 8 * gauss())));
  }
  return out;
}

/** Text → vector lookups standing in for an embedding model. */
class TableEmbeddings extends Embeddings {
  constructor(private readonly table: Map<string, number[]>) {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.table.get(t)!);
  }
  async embedQuery(text: string): Promise<number[]> {
    return this.table.get(text)!;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Wall time and CPU time (all threads of the process: user + system) of `fn`, in ms. */
async function timed(fn: () => Promise<void>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function measure(store: BaseStore, n: number, queries: string[]) {
  const puts = await timed(async () => {
    for (let i = 0; i < n; i += BATCH) {
      const ops: PutOperation[] = [];
      for (let j = i; j < Math.min(n, i + BATCH); j++) ops.push({ namespace: ['bench', `u${j % 10}`], key: `m${j}`, value: { text: `doc-${j}` } });
      await store.batch(ops);
    }
  });
  const latencies: number[] = [];
  const results: string[][] = [];
  const searches = await timed(async () => {
    for (const q of queries) {
      const s = performance.now();
      const hits = await store.search(['bench'], { query: q, limit: K });
      latencies.push(performance.now() - s);
      results.push(hits.map((h) => h.key));
    }
  });
  latencies.sort((a, b) => a - b);
  return {
    putsPerSecond: Math.round(n / (puts.wallMs / 1000)),
    cpuUsPerPut: round((puts.cpuMs * 1000) / n),
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    cpuMsPerSearch: round(searches.cpuMs / queries.length),
    results,
  };
}

type Measured = Awaited<ReturnType<typeof measure>>;

/** OmenStore settings compared in one run: the defaults, and cheaper graph construction. */
const OMEN_VARIANTS: { label: string; hnsw?: { efConstruction: number } }[] = [
  { label: 'OmenStore (durability sync, efConstruction 200: default)' },
  { label: 'OmenStore (durability sync, efConstruction 100)', hnsw: { efConstruction: 100 } },
];

async function main() {
  const scales = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const base = readFvecs(join(DATA, 'base.fvecs'));
  const queryVectors = readFvecs(join(DATA, 'query.fvecs')).map((q) => Array.from(q));
  const report = [];
  for (const n of scales.length > 0 ? scales : [10_000, 100_000]) {
    const vectors = dataset(base, n);
    const table = new Map<string, number[]>(vectors.map((v, i) => [`doc-${i}`, v]));
    queryVectors.forEach((q, i) => table.set(`query-${i}`, q));
    const queries = queryVectors.map((_, i) => `query-${i}`);
    const index = { embeddings: new TableEmbeddings(table), dims: base[0].length, fields: ['text'] };

    const memory = await measure(new InMemoryStore({ index }), n, queries);
    const rows: { store: string; m: Measured; recall: number | null }[] = [{ store: 'InMemoryStore', m: memory, recall: null }];
    for (const variant of OMEN_VARIANTS) {
      const dir = mkdtempSync(join(tmpdir(), 'omendb-langgraph-bench-'));
      const omenStore = new OmenStore({ path: dir, index, hnsw: variant.hnsw });
      const omen = await measure(omenStore, n, queries);
      await omenStore.stop();
      rmSync(dir, { recursive: true, force: true });
      let overlap = 0;
      omen.results.forEach((r, i) => (overlap += r.filter((k) => memory.results[i].includes(k)).length));
      rows.push({ store: variant.label, m: omen, recall: round(overlap / (queries.length * K)) });
    }
    report.push({
      memories: n,
      data: n <= base.length ? 'sift10k base (real)' : `sift10k base + ${n - base.length} generated (clustered, seed 7)`,
      dims: base[0].length,
      stores: rows.map(({ store, m, recall }) => ({
        store,
        putsPerSecond: m.putsPerSecond,
        cpuUsPerPut: m.cpuUsPerPut,
        p50Ms: m.p50Ms,
        p99Ms: m.p99Ms,
        cpuMsPerSearch: m.cpuMsPerSearch,
        searchSpeedupP50: round(memory.p50Ms / m.p50Ms),
        searchSpeedupP99: round(memory.p99Ms / m.p99Ms),
        recallAt10VsExact: recall ?? 1,
      })),
    });
  }
  console.log(JSON.stringify(report, null, 2));
  console.log('| memories | store | puts/s | CPU µs/put | search p50 ms | search p99 ms | CPU ms/search | speed-up p50 / p99 vs InMemoryStore | recall@10 |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of report) {
    for (const s of r.stores) {
      console.log(`| ${r.memories} | ${s.store} | ${s.putsPerSecond} | ${s.cpuUsPerPut} | ${s.p50Ms} | ${s.p99Ms} | ${s.cpuMsPerSearch} | ${s.searchSpeedupP50}× / ${s.searchSpeedupP99}× | ${s.recallAt10VsExact} |`);
    }
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

await main();
