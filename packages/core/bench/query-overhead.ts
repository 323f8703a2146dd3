/**
 * What does `Collection.query` cost beyond the index search it wraps? Loads
 * a set into a collection (ids, embeddings, a small metadata object and a
 * document per row), checkpoints it so every row is in one sealed segment,
 * then times, per query embedding and in CPU microseconds of this process:
 *
 * - `index`: the segment's HnswIndex.search alone (bench-only reach into the store);
 *   with several parts (`--defaults`), each part's index searched for k, unmerged;
 * - `query []`: `collection.query({ queryEmbeddings: [q], nResults: k, efSearch, include: [] })`
 *   with q a Float32Array, as bench/ann-engines.ts calls it;
 * - `query [] number[]`: the same with q a number[];
 * - `query default`: the default include (metadatas, documents, distances).
 *
 * The difference to `index` is the API's overhead per query. k = 10; each
 * mode runs the query set repeated for ≥ 0.3 s, modes alternating within a
 * run; figures are medians of RUNS runs (default 5) after one warm-up run.
 * With `index` among the modes, each other mode's time over the index's in
 * the same run is also given per run (median and quartiles): on a shared
 * machine the speed drifts between runs, and a run's own ratio cancels it.
 *
 * `generated-100k` (seeded Gaussian mixture around sift10k, 200 queries;
 * bench/generated-data.ts) is built as one memtable (`memtableLimitBytes`
 * 1 GiB, labelled so) so that it seals into the one segment compared.
 * `--defaults` opens with the default options instead, as a new user does
 * (64 MiB memtable: several segments at 100k, merged in the background), and
 * measures once `waitForMerges` resolved; the parts left are printed.
 *
 * Run: npx tsx packages/core/bench/query-overhead.ts [--ef 16] [--sets sift10k,glove25,generated-100k] [--modes index,'query []'] [--defaults]
 * Profile: node --cpu-prof --import tsx packages/core/bench/query-overhead.ts --modes 'query []'
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OmenDB, type Collection } from '../src/index.js';
import type { Part } from '../src/storage/part.js';
import type { CollectionStore } from '../src/storage/collection-store.js';
import type { Metric } from '../src/types.js';
import { loadDataset, type DatasetName } from '../test/helpers/datasets.js';
import { median, percentile } from './ann-stats.js';
import { generateClusteredSet } from './generated-data.js';

const K = 10;
const MIN_SECONDS = 0.3;
const RUNS = Number(process.env.RUNS ?? 5);
const SET_METRICS: Record<string, Metric> = { sift10k: 'l2', glove25: 'cosine', 'scifact-bge': 'ip', 'generated-100k': 'l2' };
const GENERATED: Record<string, number> = { 'generated-100k': 100_000 };

const { values: flags } = parseArgs({
  options: {
    ef: { type: 'string', default: '16' },
    sets: { type: 'string', default: 'sift10k,glove25' },
    modes: { type: 'string' },
    defaults: { type: 'boolean', default: false },
  },
});
const efSearch = Number(flags.ef);

const ALL_MODES = ['index', 'query []', 'query [] number[]', 'query default'] as const;
type Mode = (typeof ALL_MODES)[number];
const MODES = (flags.modes?.split(',') ?? ALL_MODES) as Mode[];
for (const mode of MODES) if (!ALL_MODES.includes(mode)) throw new Error(`unknown mode ${JSON.stringify(mode)}; modes: ${ALL_MODES.join(', ')}`);

/** CPU microseconds (user + system) of this process since `since`. */
function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

type SetName = DatasetName | 'generated-100k';

/** A real set, or a generated one in the same shape. */
function loadSet(name: SetName, metric: Metric) {
  if (!(name in GENERATED)) return loadDataset(name as DatasetName, metric);
  const g = generateClusteredSet(GENERATED[name], 200);
  return { dim: g.dim, base: { data: g.base, count: g.baseCount }, queries: { data: g.queries, count: g.queryCount } };
}

async function loadCollection(db: OmenDB, name: SetName, metric: Metric) {
  const ds = loadSet(name, metric);
  const col = await db.createCollection({ name, metric });
  const { dim } = ds;
  for (let start = 0; start < ds.base.count; start += 1000) {
    const end = Math.min(ds.base.count, start + 1000);
    const ids: string[] = [];
    const embeddings: Float32Array[] = [];
    const metadatas = [];
    const documents: string[] = [];
    for (let r = start; r < end; r++) {
      ids.push(String(r));
      embeddings.push(ds.base.data.subarray(r * dim, (r + 1) * dim));
      metadatas.push({ row: r, parity: r % 2 === 0 ? 'even' : 'odd' });
      documents.push(`document of row ${r}`);
    }
    await col.add({ ids, embeddings, metadatas, documents });
  }
  await db.checkpoint();
  if (flags.defaults) await col.waitForMerges();
  return { ds, col };
}

/** The parts holding rows: bench-only reach past the public API. */
function partsOf(col: Collection): Part[] {
  const parts = (col as unknown as { store: CollectionStore }).store.state.parts.filter((p) => p.rows > 0);
  if (!flags.defaults && parts.length !== 1) throw new Error(`expected one segment and an empty memtable, got ${parts.length} parts`);
  return parts;
}

/** Each part's top k, merged by distance (ties by part order, as the stable merge of search/fanout.ts), as ids. */
function indexIds(parts: Part[], query: Float32Array): string[] {
  const hits = parts.flatMap((part) => part.index.search(query, K, { efSearch }).map((n) => ({ part, row: n.row, distance: n.distance })));
  return hits
    .sort((a, b) => a.distance - b.distance)
    .slice(0, K)
    .map((h) => h.part.externalId(h.row));
}

interface Measured {
  /** Median CPU µs per query of each mode. */
  medians: Record<Mode, number>;
  /** Each mode's time over the index's in the same run, one fraction per run (with `index` among the modes). */
  paired: Partial<Record<Mode, number[]>>;
}

async function measure(name: SetName): Promise<Measured> {
  const metric = SET_METRICS[name];
  const dir = mkdtempSync(join(tmpdir(), 'omendb-query-overhead-'));
  // The default options: the real sets (≤ 11k rows) fit one 64 MiB memtable, so one checkpoint gives one segment;
  // a generated set is given a 1 GiB memtable for the same one segment.
  const db = await OmenDB.open(dir, name in GENERATED && !flags.defaults ? { memtableLimitBytes: 2 ** 30 } : {});
  try {
    const { ds, col } = await loadCollection(db, name, metric);
    const parts = partsOf(col);
    const indexes = parts.map((p) => p.index);
    if (flags.defaults) console.log(`${name}: ${parts.length} part(s) after merges caught up, rows ${parts.map((p) => p.rows).join(' + ')}`);
    const dim = ds.dim;
    const queries = Array.from({ length: ds.queries.count }, (_, q) => ds.queries.data.subarray(q * dim, (q + 1) * dim));
    const queryArrays = queries.map((q) => Array.from(q));
    const run: Record<Mode, (q: number) => unknown> = {
      index: (q) => {
        for (const index of indexes) index.search(queries[q], K, { efSearch });
      },
      'query []': (q) => col.query({ queryEmbeddings: [queries[q]], nResults: K, efSearch, include: [] }),
      'query [] number[]': (q) => col.query({ queryEmbeddings: [queryArrays[q]], nResults: K, efSearch, include: [] }),
      'query default': (q) => col.query({ queryEmbeddings: [queries[q]], nResults: K, efSearch }),
    };
    // Same answers through both paths, or the comparison means nothing.
    for (let q = 0; q < queries.length; q++) {
      const expected = indexIds(parts, queries[q]);
      const ids = (await col.query({ queryEmbeddings: [queries[q]], nResults: K, efSearch, include: [] })).ids[0];
      if (expected.join() !== ids.join()) throw new Error(`${name} query ${q}: index ${expected.join()} ≠ query ${ids.join()}`);
    }
    const samples = Object.fromEntries(MODES.map((m) => [m, [] as number[]])) as Record<Mode, number[]>;
    for (let r = 0; r <= RUNS; r++) {
      for (const mode of MODES) {
        const search = run[mode];
        let searched = 0;
        const started = performance.now();
        const cpu = process.cpuUsage();
        do {
          for (let q = 0; q < queries.length; q++) await search(q);
          searched += queries.length;
        } while (performance.now() - started < MIN_SECONDS * 1000);
        // Run 0 warms up the JIT and caches; it is not counted.
        if (r > 0) samples[mode].push(cpuMicros(cpu) / searched);
      }
    }
    const medians = Object.fromEntries(MODES.map((m) => [m, median(samples[m])])) as Partial<Record<Mode, number>> as Record<Mode, number>;
    // Each run's modes ran back to back, so a run's ratio to its own index time cancels the machine's slower stretches.
    const paired = Object.fromEntries(
      MODES.filter((m) => m !== 'index' && samples.index !== undefined).map((m) => [m, samples[m].map((t, r) => t / samples.index[r] - 1)]),
    );
    return { medians, paired };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`k = ${K}, efSearch = ${efSearch}, ${flags.defaults ? 'default options' : 'one segment'}, median of ${RUNS} runs; CPU µs per query (QPS per CPU-s, × of index)`);
for (const name of flags.sets.split(',') as SetName[]) {
  const { medians: m, paired } = await measure(name);
  const vsIndex = (mode: Mode) => (m.index === undefined ? '' : `, ${(m.index / m[mode]).toFixed(2)}×`);
  const cells = MODES.map((mode) => `${mode} ${m[mode].toFixed(1)} µs (${Math.round(1e6 / m[mode]).toLocaleString('en')}${vsIndex(mode)})`);
  console.log(`${name}: ${cells.join(' | ')}`);
  for (const [mode, over] of Object.entries(paired)) {
    const pct = (f: number) => `${(100 * f).toFixed(1)} %`;
    console.log(`  ${mode} over index, per run: median ${pct(median(over))}, quartiles ${pct(percentile(over, 0.25))} / ${pct(percentile(over, 0.75))}`);
  }
}
