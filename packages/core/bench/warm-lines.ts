/**
 * How much of each float32 row the WebAssembly walk should touch before
 * scoring (assembly/walk.ts `warm`, kernels.ts `warmRows`): CPU per search
 * with every 64-byte line of each unvisited neighbour's row touched,
 * against the first line only (both also touch the last byte), on one
 * graph per dimension, in one process, passes alternating.
 *
 * Data (generated, labelled so): 128-d is generated-100k (bench/generated-data.ts);
 * the other dimensions are a Gaussian mixture around scifact-bge's base
 * rows cut to their first d values (cosine), σ = 0.0072·√(1024 / d) per
 * value, ROWS_OTHER rows (default 50,000: 100–200 MB of rows, past the
 * caches, as `warmRows` asks), 300 queries from the same mixture with
 * another seed. M 16, efConstruction 200, efSearch EF (default 32), k 10.
 * Per dimension: PASSES (9) pairs of passes of ≥ 0.3 s each, CPU
 * microseconds per query (process.cpuUsage), the median of the per-pair
 * ratios all lines ÷ first line. Results are identical (checked per set).
 *
 * Run: npx tsx packages/core/bench/warm-lines.ts   (DIMS=128,256,384,512,768,1024 ROWS_OTHER=50000 PASSES=9 EF=32)
 */
import { loadavg } from 'node:os';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import type { HnswGraph } from '../src/ann/hnsw/hnsw-graph.js';
import type { GraphKernels } from '../src/kernels/kernels.js';
import { loadDataset } from '../test/helpers/datasets.js';
import { BENCH_HNSW_PARAMS } from './ann-sets.js';
import { median } from './ann-stats.js';
import { generateClusteredSet, mixtureRows } from './generated-data.js';

const DIMS = (process.env.DIMS ?? '128,256,384,512,768,1024').split(',').map(Number);
const ROWS_OTHER = Number(process.env.ROWS_OTHER ?? 50_000);
const PASSES = Number(process.env.PASSES ?? 9);
const EF = Number(process.env.EF ?? 32);
const K = 10;

/** Rows and queries for `dim`, with their metric. */
function dataFor(dim: number): { base: Float32Array; queries: Float32Array; metric: 'l2' | 'cosine'; label: string } {
  if (dim === 128) {
    const set = generateClusteredSet(100_000, 300);
    return { base: set.base, queries: set.queries, metric: 'l2', label: 'generated-100k' };
  }
  const scifact = loadDataset('scifact-bge', 'ip').base;
  const centers = new Float32Array(scifact.count * dim);
  for (let r = 0; r < scifact.count; r++) centers.set(scifact.data.subarray(r * scifact.dim, r * scifact.dim + dim), r * dim);
  const sigma = 0.0072 * Math.sqrt(1024 / dim);
  return {
    base: mixtureRows(centers, dim, ROWS_OTHER, 7, sigma),
    queries: mixtureRows(centers, dim, 300, 8, sigma),
    metric: 'cosine',
    label: `generated ${ROWS_OTHER} × ${dim} around scifact-bge`,
  };
}

/** The graph's own scorer, with `warm` bytes per row forced. */
function forceWarm(index: HnswIndex, warm: number): void {
  const graph = (index as unknown as { graph: HnswGraph }).graph;
  const rows = graph.rows;
  graph.useScorer = (walk: GraphKernels) =>
    walk.useFloatScorer(rows.code, rows.queryPtr, rows.queryInverseNorm, rows.offset(0), rows.offset(1), rows.dimension, warm);
}

/** CPU microseconds per query of one pass over `queries`, repeated for ≥ 0.3 s. */
function pass(index: HnswIndex, queries: Float32Array, dim: number): number {
  const count = queries.length / dim;
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  let searched = 0;
  do {
    for (let q = 0; q < count; q++) index.search(queries.subarray(q * dim, (q + 1) * dim), K, { efSearch: EF });
    searched += count;
  } while (performance.now() - w0 < 300);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / searched;
}

for (const dim of DIMS) {
  const { base, queries, metric, label } = dataFor(dim);
  const index = await HnswIndex.build({ dimension: dim, metric, params: BENCH_HNSW_PARAMS }, base);
  const rowBytes = dim * 4;
  const variants = [64, rowBytes];
  const answers = variants.map((warm) => {
    forceWarm(index, warm);
    return Array.from({ length: queries.length / dim }, (_, q) => index.search(queries.subarray(q * dim, (q + 1) * dim), K, { efSearch: EF }));
  });
  const identical = JSON.stringify(answers[0]) === JSON.stringify(answers[1]);
  const us: number[][] = [[], []];
  const ratios: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    const got: number[] = [];
    for (const v of p % 2 === 0 ? [0, 1] : [1, 0]) {
      forceWarm(index, variants[v]);
      got[v] = pass(index, queries, dim);
      us[v].push(got[v]);
    }
    ratios.push(got[1] / got[0]);
  }
  index.dispose();
  console.log(
    JSON.stringify({
      set: label,
      dim,
      metric,
      efSearch: EF,
      firstLineUs: +median(us[0]).toFixed(1),
      allLinesUs: +median(us[1]).toFixed(1),
      allOverFirst: +median(ratios).toFixed(3),
      identical,
      load: loadavg()[0],
    }),
  );
}
