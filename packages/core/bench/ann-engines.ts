/**
 * The graph engines bench/ann.ts compares, behind one shape (see
 * {@link AnnEngine}): OmenDB through its public API (float32, and with each
 * quantizer), OmenDB's HnswIndex alone, hnswlib-node and usearch. All get M = 16 (usearch: connectivity),
 * efConstruction = 200 (usearch: expansion_add) and search on one thread;
 * OmenDB's API links its memtable on two threads where the machine has
 * them (as an application gets it), every other engine builds on one.
 */
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import usearch from 'usearch';
// The API engines load the built package, as applications do (`pnpm bench:ann` builds it first):
// its linking worker then starts from dist, not from source through tsx (≈ 0.3 s of CPU more per start).
import { OmenDB, type Collection, type QuantizationSpec } from '../dist/index.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import type { Metric } from '../src/types.js';

/** One engine under test. Rows are numbered 0…n−1 in insertion order. */
export interface AnnEngine {
  readonly name: string;
  /** 'graph' engines are swept over efSearch; 'exact' ones have one operating point. */
  readonly kind: 'graph' | 'exact';
  /** Untimed set-up before {@link build}, given a scratch directory of its own. */
  prepare?(dir: string): Promise<void>;
  /** Inserts every row (n × dim, row-major); timed by the caller. */
  build(rows: Float32Array, dim: number): Promise<void>;
  setEf(ef: number): Promise<void> | void;
  /** Rows of the k nearest, nearest first. */
  search(query: Float32Array, queryArray: number[], k: number): ArrayLike<number> | Promise<ArrayLike<number>>;
  /** Writes the built index under `dir` and drops it from memory (untimed); absent when the engine cannot persist. */
  persist?(dir: string): Promise<void>;
  /** Reopens what {@link persist} wrote; timed with the first query that follows. */
  load?(dir: string): Promise<void>;
  /** OmenDB's `stats()` after the build: memory by component (bytes), for the memory table. */
  stats?(): EngineStats;
  /** Why the engine has no persistence, for the report. */
  readonly persistNote?: string;
  dispose(): Promise<void> | void;
}

/** What an OmenDB engine's `stats()` reports, in bytes. */
export interface EngineStats {
  memoryBytes: number;
  mappedBytes: number;
  components: Record<string, number>;
  quantization: QuantizationSpec;
}

export interface EngineSpec {
  metric: Metric;
  M: number;
  efConstruction: number;
  seed: number;
}

/** Batch size of every engine's inserts (OmenDB's API takes them per call, as an app would). */
export const BATCH_ROWS = 1000;

/**
 * OmenDB through the public API with the options a user gets by default:
 * OmenDB.open(dir) (durability 'sync', 64 MiB memtable, background merges),
 * createCollection, add in batches of {@link BATCH_ROWS}, query with
 * `include: []`. Sets above one memtable checkpoint automatically during the
 * build into several segments, which merge in the background; the build
 * ends with a checkpoint of the last memtable and waits for the merges to
 * catch up (timed: a database's build is not done until it is on disk in
 * the shape queries will see). Persisting is `close()`.
 *
 * With `quantization`, the engine is `omendb-<kind>`: each segment also
 * trains its quantizer and writes its codes.
 *
 * `singleSegment` (engine `omendb-1seg`, a labelled extra, not the default):
 * the memtable limit raised above the set, so the build is one memtable
 * sealed into one segment by the final checkpoint, with no merge.
 */
export function omendbApiEngine(spec: EngineSpec, quantization: QuantizationSpec = 'none', singleSegment = false): AnnEngine {
  let db: OmenDB | undefined;
  let col: Collection | undefined;
  let home = '';
  let ef = 64;
  const open = async () => {
    db = await OmenDB.open(home, singleSegment ? { memtableLimitBytes: 2 ** 40 } : {});
    return db;
  };
  return {
    name: (quantization === 'none' ? 'omendb' : `omendb-${typeof quantization === 'string' ? quantization : 'pq'}`) + (singleSegment ? '-1seg' : ''),
    kind: 'graph',
    async prepare(dir) {
      home = join(dir, 'omendb');
      col = await (await open()).createCollection({
        name: 'bench',
        metric: spec.metric,
        hnsw: { M: spec.M, efConstruction: spec.efConstruction },
        quantization,
      });
    },
    async build(rows, dim) {
      await addAll(col!, rows, dim);
      await db!.checkpoint();
      await col!.waitForMerges();
    },
    setEf(value) {
      ef = value;
    },
    async search(query, _queryArray, k) {
      const result = await col!.query({ queryEmbeddings: [query], nResults: k, efSearch: ef, include: [] });
      return result.ids[0].map(Number);
    },
    stats() {
      const s = col!.stats();
      return { memoryBytes: s.memoryBytes, mappedBytes: s.mappedBytes, components: s.components, quantization: s.quantization };
    },
    async persist() {
      await db!.close();
      db = undefined;
      col = undefined;
    },
    async load() {
      col = await (await open()).getCollection('bench');
    },
    async dispose() {
      await db?.close();
    },
  };
}

/**
 * PQ subvectors for a dimension: the divisor of `dim` nearest d / 8 (8
 * values per subvector, 1 byte per code: 1/32 of float32, as binary), e.g.
 * 128 → 16, 1024 → 128, 25 → 5.
 */
export function pqSubvectors(dim: number): number {
  let best = 1;
  for (let m = 1; m <= dim; m++) if (dim % m === 0 && Math.abs(m - dim / 8) < Math.abs(best - dim / 8)) best = m;
  return best;
}

/** Adds `rows` to an OmenDB collection in batches; the API engine's build. */
export async function addAll(col: Collection, rows: Float32Array, dim: number): Promise<void> {
  const n = rows.length / dim;
  for (let start = 0; start < n; start += BATCH_ROWS) {
    const end = Math.min(n, start + BATCH_ROWS);
    const ids: string[] = [];
    const embeddings: Float32Array[] = [];
    for (let r = start; r < end; r++) {
      ids.push(String(r));
      embeddings.push(rows.subarray(r * dim, (r + 1) * dim));
    }
    await col.add({ ids, embeddings });
  }
}

/** OmenDB's HnswIndex alone (WebAssembly SIMD), no storage around it, built by sequential `add` on one thread. */
export function omendbIndexEngine(spec: EngineSpec): AnnEngine {
  let index: HnswIndex | undefined;
  let ef = 64;
  return {
    name: 'omendb-hnsw',
    kind: 'graph',
    persistNote: 'the index alone has no files; see omendb (API)',
    async build(rows, dim) {
      index = new HnswIndex(dim, spec.metric, { M: spec.M, efConstruction: spec.efConstruction, seed: spec.seed }, {
        initialCapacity: rows.length / dim,
      });
      for (let row = 0; row < rows.length / dim; row++) index.add(rows.subarray(row * dim, (row + 1) * dim));
    },
    setEf(value) {
      ef = value;
    },
    search(query, _queryArray, k) {
      const found = index!.search(query, k, { efSearch: ef });
      const rows = new Int32Array(found.length);
      for (let i = 0; i < found.length; i++) rows[i] = found[i].row;
      return rows;
    },
    dispose() {
      index?.dispose();
    },
  };
}

/**
 * hnswlib-node (C++ hnswlib 0.8 behind N-API). Its API takes number[]: each
 * row is copied into one reused array just before `addPoint` (which copies
 * it into the index), so the build allocates nothing on the JS heap. Rows
 * converted up front (≈ 1.1 KB of JS heap per 128-d row) made the memory
 * baseline swing: V8 shrank that large heap by ≈ 30 MB at a moment of its
 * own choosing, before or during the build, and at 100k the RSS delta read
 * 228 or 722 B/vector depending on when.
 */
export function hnswlibEngine(spec: EngineSpec): AnnEngine {
  const space = spec.metric === 'l2' ? 'l2' : spec.metric === 'ip' ? 'ip' : 'cosine';
  let index: InstanceType<typeof hnswlib.HierarchicalNSW> | undefined;
  let dim = 0;
  return {
    name: 'hnswlib-node',
    kind: 'graph',
    async build(rows, d) {
      dim = d;
      const n = rows.length / dim;
      index = new hnswlib.HierarchicalNSW(space, dim);
      index.initIndex(n, spec.M, spec.efConstruction, spec.seed);
      const row: number[] = new Array<number>(dim).fill(0);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < dim; j++) row[j] = rows[r * dim + j];
        index.addPoint(row, r);
      }
    },
    setEf(value) {
      index!.setEf(value);
    },
    search(_query, queryArray, k) {
      return index!.searchKnn(queryArray, k).neighbors;
    },
    async persist(dir) {
      await index!.writeIndex(join(dir, 'hnswlib.bin'));
      index = undefined;
    },
    async load(dir) {
      index = new hnswlib.HierarchicalNSW(space, dim);
      await index.readIndex(join(dir, 'hnswlib.bin'));
    },
    dispose() {
      index = undefined;
    },
  };
}

/**
 * usearch (C++ behind N-API), f32, one thread. Its search expansion is fixed
 * when an index is constructed, so each efSearch step saves the index once
 * and loads it into an index constructed with that expansion (outside the timing).
 */
export function usearchEngine(spec: EngineSpec): AnnEngine {
  const metric = spec.metric === 'l2' ? usearch.MetricKind.L2sq : spec.metric === 'ip' ? usearch.MetricKind.IP : usearch.MetricKind.Cos;
  let dim = 0;
  let index: InstanceType<typeof usearch.Index> | undefined;
  let ef = 64;
  const make = (expansion: number) =>
    new usearch.Index({
      dimensions: dim,
      metric,
      quantization: usearch.ScalarKind.F32,
      connectivity: spec.M,
      expansion_add: spec.efConstruction,
      expansion_search: expansion,
      multi: false,
    });
  let scratch = '';
  const file = () => join(scratch, 'usearch-sweep.bin');
  let saved = false;
  const toRows = (found: { keys: BigUint64Array }) => Array.from(found.keys, Number);
  return {
    name: 'usearch',
    kind: 'graph',
    async prepare(dir) {
      scratch = dir;
    },
    async build(rows, d) {
      dim = d;
      index = make(ef);
      const n = rows.length / dim;
      const keys = new BigUint64Array(n);
      for (let i = 0; i < n; i++) keys[i] = BigInt(i);
      for (let start = 0; start < n; start += BATCH_ROWS) {
        const end = Math.min(n, start + BATCH_ROWS);
        index.add(keys.subarray(start, end), rows.subarray(start * dim, end * dim), 1);
      }
    },
    setEf(value) {
      if (value === ef) return;
      if (!saved) {
        index!.save(file());
        saved = true;
      }
      ef = value;
      index = make(ef);
      index.load(file());
    },
    search(query, _queryArray, k) {
      return toRows(index!.search(query, k, 1) as { keys: BigUint64Array });
    },
    async persist(dir) {
      index!.save(join(dir, 'usearch-persisted.bin'));
      index = undefined;
    },
    async load(dir) {
      index = make(ef);
      index.load(join(dir, 'usearch-persisted.bin'));
    },
    dispose() {
      index = undefined;
    },
  };
}
