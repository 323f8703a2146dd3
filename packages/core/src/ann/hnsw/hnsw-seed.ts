import { ValidationError } from '../../errors.js';
import { encodeGraph, type GraphLinks } from '../../format/graph.js';
import type { HnswGraph } from './hnsw-graph.js';
import type { HnswScratch } from './hnsw-scratch.js';
import { mappedArray } from '../../kernels/mapped-array.js';

/**
 * Largest fraction of a seed graph's rows that may be dropped for it to seed
 * a merge. Each dropped row leaves holes in its neighbours' lists that
 * {@link seedLinks} fills from the dropped row's own neighbours, a local
 * repair that keeps the graph navigable while holes are few; past this a
 * rebuild is the safer graph. Recall after seeding a graph with 10 % of its
 * rows dropped: test/index-hnsw-seeded.test.ts.
 */
export const MAX_SEED_DEAD_FRACTION = 0.2;

/**
 * Beam of the layer searches that link a seeded merge's other rows, as a
 * fraction of efConstruction. They search a finished graph (the seed, at
 * least PARALLEL_BUILD_MIN_ROWS rows linked with the full beam, and the
 * rows linked after it), where a narrower beam still reaches the
 * candidates the selection heuristic keeps; a merge re-inserts every row
 * of its smaller segments, so this beam is most of its CPU. Measured with
 * bench/merge-beam.ts on generated-100k split 70k + 30k as the default
 * memtable split it then (M 16, efConstruction 200, batches of 64 as a
 * background merge; two runs of 2 alternating rounds on a shared machine,
 * load average 11 and 15–19): merge CPU (medians) 23.6 → 18.2 s and
 * 27.7 → 19.4 s; recall@10 at efSearch 16 / 32 / 64 over 300 queries
 * 0.922 / 0.967 / 0.986 with the full beam, 0.923 / 0.966 / 0.986 with
 * 0.7; queries per CPU second at efSearch 32 within the noise (8985 vs
 * 8680, 4641 vs 4731). A beam of 100 (0.5) cost recall: 0.922 / 0.965 / 0.985.
 * Again with 1,000 queries (2026-12-07, BEAMS=48,100): beams 48 / 100 / 140
 * took 7.6 / 12.4 / 17.5 CPU-s, recall 0.913 / 0.958 / 0.982, 0.918 /
 * 0.959 / 0.984 and 0.919 / 0.961 / 0.985. A narrow beam's loss grows with
 * merges of merges: in one `bench:ann` run of generated-1m each, a beam of
 * 48 (its rows' searches started from their own graph's neighbours, which
 * at 100k gave what the plain beam of 48 gives) built in 854 CPU-s but
 * recall@10 at efSearch 16 / 64 fell to 0.887 / 0.978 (hnswlib-node 0.918 /
 * 0.985); a beam of 100 kept 0.911 / 0.984 for 1,142 CPU-s (0.7: 1,235 CPU-s
 * and 0.985 at efSearch 64 the day before).
 */
export const MERGE_BEAM_FRACTION = 0.7;

/** The linking beam of a seeded merge built with `efConstruction` (≥ M, so the heuristic still has M candidates). */
export function mergeBeam(efConstruction: number, M: number): number {
  return Math.min(efConstruction, Math.max(M, Math.round(MERGE_BEAM_FRACTION * efConstruction)));
}

/**
 * What seeding reads of a finished graph: a growable HnswGraph, or the
 * compact graph a quantized segment walks (quantized-graph.ts). Its links
 * are int32 blocks [degree, ids…]: node n's at `linkIndex(n, l)` of
 * `linkArray(l)`.
 */
export interface SeedGraph {
  readonly size: number;
  readonly M: number;
  readonly entryPoint: number;
  readonly maxLevel: number;
  /** Dimension and metric code of the rows the graph links. */
  readonly rows: { readonly dimension: number; readonly code: number };
  level(node: number): number;
  linkArray(level: number): Int32Array;
  linkIndex(node: number, level: number): number;
}

/** An index a merge can start its graph from (HnswIndex, QuantizedHnswIndex). */
export interface SeedSource {
  /** Its graph, complete (a paged index loads the rest first), or undefined while rows wait to be linked. */
  seedGraph(): SeedGraph | undefined;
}

/**
 * A graph to start a merged graph from (Lucene 9.9's merge that initialises
 * the merged HNSW graph from the largest segment's): `source`'s rows not
 * flagged in `dead` become rows 0 … live − 1 of the new graph, in order.
 */
export interface GraphSeed {
  source: SeedGraph;
  /** One byte per source row: 1 = dropped (not in the new graph). */
  dead: Uint8Array;
  /**
   * Row of the build's input (storage order) where the seed's live rows
   * start, one after another. The graph is linked with them first (rows
   * [0, live)), then the rows before `at`, then those after: see
   * {@link storageRow}; {@link encodeInStorageOrder} writes it back in
   * storage order.
   */
  at: number;
}

/** Storage row of linked row `i` of a graph seeded with `live` rows stored from `at`. */
export function storageRow(i: number, at: number, live: number): number {
  return i < live ? at + i : i < at + live ? i - live : i;
}

/** Writes `vectors` (storage order, `dim` values a row) into `dest` in linking order: the seed's `live` rows from `at` first. */
export function fillLinkOrder(dest: Uint8Array, vectors: Float32Array, dim: number, at: number, live: number): void {
  const bytes = (from: number, to: number): Uint8Array => new Uint8Array(vectors.buffer, vectors.byteOffset + 4 * dim * from, 4 * dim * (to - from));
  const rows = vectors.length / dim;
  dest.set(bytes(at, at + live));
  dest.set(bytes(0, at), 4 * dim * live);
  dest.set(bytes(at + live, rows), 4 * dim * (at + live));
}

/**
 * Serializes a graph linked in seed order (docs/format/graph.md) in storage
 * order: its links are renumbered in place (the graph is not searched
 * afterwards) and its nodes written by storage row.
 */
export function encodeInStorageOrder(graph: HnswGraph, at: number, live: number, efConstruction: number, seed: number, rngState: number): Uint8Array {
  const n = graph.size;
  const linkRow = mappedArray(Int32Array, n);
  for (let i = 0; i < n; i++) linkRow[storageRow(i, at, live)] = i;
  for (let i = 0; i < n; i++) {
    for (let l = 0, top = graph.level(i); l <= top; l++) {
      const links = graph.linkArray(l);
      const block = graph.linkIndex(i, l);
      for (let j = 1, degree = links[block]; j <= degree; j++) links[block + j] = storageRow(links[block + j], at, live);
    }
  }
  const view: GraphLinks = {
    size: n,
    M: graph.M,
    stride0: graph.stride0,
    rows: graph.rows,
    entryPoint: storageRow(graph.entryPoint, at, live),
    maxLevel: graph.maxLevel,
    level: (node) => graph.level(linkRow[node]),
    maxDegree: (level) => graph.maxDegree(level),
    linkArray: (level) => graph.linkArray(level),
    linkIndex: (node, level) => graph.linkIndex(linkRow[node], level),
  };
  return encodeGraph(view, efConstruction, seed, rngState);
}

/**
 * The seed to use for a build of `rows` rows into `target`, or undefined
 * when more than {@link MAX_SEED_DEAD_FRACTION} of it (or all of it) is
 * dropped: then the build starts from an empty graph. Throws
 * ValidationError when the seed's dimension, metric or M differ from the
 * target's, `dead` is not one byte per source row, or the seed has more
 * live rows than the build.
 */
export function checkSeed(
  source: SeedGraph,
  dead: Uint8Array,
  at: number,
  target: { dimension: number; code: number; M: number },
  rows: number,
): GraphSeed | undefined {
  const seed = { source, dead, at };
  const fail = (message: string): never => {
    throw new ValidationError('invalid build seed', [{ code: 'invalid_seed', path: ['seed'], message }]);
  };
  if (source.rows.dimension !== target.dimension || source.rows.code !== target.code || source.M !== target.M) {
    fail('the seed graph has another dimension, metric or M');
  }
  if (dead.length !== source.size) fail(`${dead.length} dead flags for ${source.size} seed rows`);
  let live = 0;
  for (const d of dead) live += d === 1 ? 0 : 1;
  if (!(Number.isInteger(at) && at >= 0 && at + live <= rows)) fail(`${live} live seed rows from row ${at} in a build of ${rows}`);
  return live === 0 || source.size - live > MAX_SEED_DEAD_FRACTION * source.size ? undefined : seed;
}

/** New row of each source row (−1: dropped), and the live count. */
export function seedRows(seed: GraphSeed): { newRow: Int32Array; live: number } {
  const n = seed.source.size;
  const newRow = mappedArray(Int32Array, n);
  let live = 0;
  for (let row = 0; row < n; row++) newRow[row] = seed.dead[row] === 1 ? -1 : live++;
  return { newRow, live };
}

/** Writes the levels of the seed's live rows, in order, into `levels` [0, live); returns live. */
export function seedLevels(seed: GraphSeed, levels: Uint8Array): number {
  const { source, dead } = seed;
  let live = 0;
  for (let row = 0; row < source.size; row++) if (dead[row] !== 1) levels[live++] = source.level(row);
  return live;
}

/**
 * Copies the seed's links into `target`, whose rows [0, live) hold the
 * seed's live rows with the levels {@link seedLevels} gave (and no links
 * yet), renumbered; sets the target's entry point and top level. Links to
 * dropped rows are removed, and each list that lost some is refilled from
 * the dropped rows' own live neighbours, nearest first, up to the degree
 * it had: the local repair of deletions in FreshDiskANN (Singh et al. 2021)
 * without its re-pruning, which would cost as much as inserting the row
 * again (one distance per candidate here instead of up to one per pair).
 * The entry point stays unless dropped; then it is the first live row of
 * the highest level.
 */
export function seedLinks(target: HnswGraph, seed: GraphSeed, scratch: HnswScratch): void {
  const { source } = seed;
  const { newRow, live } = seedRows(seed);
  if (live === 0) return;
  // stamp[row] === tag: row is already in the list being copied (one tag per list).
  const marks = { stamp: new Int32Array(live), tag: 0 };
  for (let old = 0; old < source.size; old++) {
    const x = newRow[old];
    if (x < 0) continue;
    for (let l = 0, top = source.level(old); l <= top; l++) {
      marks.tag++;
      copyList(target, source, newRow, scratch, marks, old, x, l);
    }
  }
  const entry = newRow[source.entryPoint];
  if (entry >= 0) {
    target.entryPoint = entry;
    target.maxLevel = source.maxLevel;
    return;
  }
  let best = 0;
  for (let x = 1; x < live; x++) if (target.level(x) > target.level(best)) best = x;
  target.entryPoint = best;
  target.maxLevel = target.level(best);
}

/** One list of source row `old` (new row x) at level l, renumbered and repaired. */
function copyList(
  target: HnswGraph,
  source: SeedGraph,
  newRow: Int32Array,
  scratch: HnswScratch,
  marks: { stamp: Int32Array; tag: number },
  old: number,
  x: number,
  l: number,
): void {
  const { stamp, tag } = marks;
  const from = source.linkArray(l);
  const at = source.linkIndex(old, l);
  const degree = from[at];
  const to = target.linkArray(l);
  const dest = target.linkIndex(x, l);
  let kept = 0;
  for (let i = 0; i < degree; i++) {
    const y = newRow[from[at + 1 + i]];
    if (y < 0) continue;
    to[dest + 1 + kept++] = y;
    stamp[y] = tag;
  }
  to[dest] = kept;
  if (kept === degree) return;
  // Candidates: the live neighbours of the dropped neighbours, not x, not already linked.
  stamp[x] = tag;
  const i32 = target.memory.i32;
  const ids = scratch.ids >> 2;
  let count = 0;
  for (let i = 0; i < degree && count < scratch.capacity; i++) {
    const d = from[at + 1 + i];
    if (newRow[d] >= 0) continue;
    const dAt = source.linkIndex(d, l);
    for (let j = 0, dDegree = from[dAt]; j < dDegree && count < scratch.capacity; j++) {
      const z = newRow[from[dAt + 1 + j]];
      if (z < 0 || stamp[z] === tag) continue;
      stamp[z] = tag;
      i32[ids + count++] = z;
    }
  }
  if (count === 0) return;
  const rows = target.rows;
  rows.setQueryRow(x);
  rows.gather(scratch.ids, count, scratch.out);
  const f32 = target.memory.f32;
  const out = scratch.out >> 2;
  // Up to degree − kept nearest candidates, by repeated minimum (a handful of picks).
  const links = target.linkArray(l);
  const base = target.linkIndex(x, l);
  for (let fill = degree - kept; fill > 0 && count > 0; fill--) {
    let m = 0;
    for (let j = 1; j < count; j++) if (f32[out + j] < f32[out + m] || (f32[out + j] === f32[out + m] && i32[ids + j] < i32[ids + m])) m = j;
    links[base + 1 + links[base]++] = i32[ids + m];
    count--;
    i32[ids + m] = i32[ids + count];
    f32[out + m] = f32[out + count];
  }
}
