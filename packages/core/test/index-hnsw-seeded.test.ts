/**
 * A build seeded by an existing graph (HnswIndex.build's `seed`, what a
 * merge does with its largest segment): recall@10 at least the rebuilt
 * graph's − 0.01, and with the merge beam the full beam's − 0.005; rows in
 * the input's order, dropped seed rows repaired; a quantized segment's
 * graph seeds exactly as the float32 index of the same graph.
 */
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { buildQuantizedSegment } from '../src/ann/quantized/quantized-build.js';
import { QuantizedHnswIndex } from '../src/ann/quantized/quantized-index.js';
import { originalsFromFloat32 } from '../src/storage/original-vectors.js';
import { hasDataset, loadDataset, recallAtK, referenceDistance } from './helpers/datasets.js';
import { seededRandom } from './helpers/tmp.js';

const SEED = 9176;
const PARAMS = { M: 16, efConstruction: 64, seed: SEED };

interface RecallSet {
  dim: number;
  base: Float32Array;
  queries: Float32Array;
  /** Exact top-10 per query, over `base`. */
  truth: Int32Array[];
}

/** `n` rows around 64 seeded centres (spread 0.3 around centres in [0, 1)), and `q` queries drawn the same way. */
function clustered(n: number, q: number, dim: number, seed: number): RecallSet {
  const rand = seededRandom(seed);
  const centres = Array.from({ length: 64 }, () => Float32Array.from({ length: dim }, () => rand()));
  const draw = (count: number): Float32Array => {
    const out = new Float32Array(count * dim);
    for (let r = 0; r < count; r++) {
      const c = centres[Math.floor(rand() * centres.length)];
      for (let i = 0; i < dim; i++) out[r * dim + i] = c[i] + (rand() - 0.5) * 0.3;
    }
    return out;
  };
  const base = draw(n);
  const queries = draw(q);
  return { dim, base, queries, truth: exactTop10(base, queries, dim) };
}

function exactTop10(base: Float32Array, queries: Float32Array, dim: number): Int32Array[] {
  const n = base.length / dim;
  const truth: Int32Array[] = [];
  for (let qi = 0; qi < queries.length / dim; qi++) {
    const query = queries.subarray(qi * dim, (qi + 1) * dim);
    const d = Array.from({ length: n }, (_, r) => ({ r, d: referenceDistance('l2', query, base.subarray(r * dim, (r + 1) * dim)) }));
    d.sort((a, b) => a.d - b.d || a.r - b.r);
    truth.push(Int32Array.from(d.slice(0, 10), (x) => x.r));
  }
  return truth;
}

function recall(index: HnswIndex, set: RecallSet, nQueries = set.truth.length): number {
  const { dim, base, queries, truth } = set;
  let sum = 0;
  for (let qi = 0; qi < nQueries; qi++) {
    const query = queries.subarray(qi * dim, (qi + 1) * dim);
    const found = index.search(query, 10, { efSearch: 32 }).map((n) => n.row);
    sum += recallAtK(found, truth[qi], 10, (row) => referenceDistance('l2', query, base.subarray(row * dim, (row + 1) * dim)));
  }
  return sum / nQueries;
}

/**
 * The set split in three runs of rows as a merge gathers them: the seed
 * index is built over the middle run (rows [at, at + seedRows)) plus
 * `dropped` extra rows interleaved and flagged dead, as deletes in the
 * largest segment leave it; then the seeded build and a rebuild over all rows.
 */
async function seededAndRebuilt(set: RecallSet, at: number, seedRows: number, dropEvery: number) {
  const { dim, base } = set;
  const rows = base.length / dim;
  const seedVectors: number[] = [];
  const dead: number[] = [];
  const rand = seededRandom(SEED + 1);
  for (let r = at; r < at + seedRows; r++) {
    if (dropEvery > 0 && r % dropEvery === 0) {
      // A row the merge dropped: a nearby point, so its links mattered to its neighbours.
      for (let i = 0; i < dim; i++) seedVectors.push(base[r * dim + i] + (rand() - 0.5) * 0.01);
      dead.push(1);
    }
    for (let i = 0; i < dim; i++) seedVectors.push(base[r * dim + i]);
    dead.push(0);
  }
  const spec = { dimension: dim, metric: 'l2' as const, params: PARAMS };
  const seedIndex = await HnswIndex.build(spec, Float32Array.from(seedVectors));
  const seeded = await HnswIndex.build(spec, base, { seed: { index: seedIndex, dead: Uint8Array.from(dead), at } });
  const rebuilt = await HnswIndex.build(spec, base);
  seedIndex.dispose();
  expect(seeded.size).toBe(rows);
  for (const r of [0, at - 1, at, at + seedRows - 1, at + seedRows, rows - 1].filter((x) => x >= 0 && x < rows)) {
    expect(Array.from(seeded.vector(r)), `row ${r}, seed ${SEED}`).toEqual(Array.from(base.subarray(r * dim, (r + 1) * dim)));
  }
  return { seeded, rebuilt };
}

describe('HnswIndex.build seeded by a graph', () => {
  it.skipIf(!hasDataset('sift10k'))('sift10k: recall@10 of the seeded graph ≥ the rebuilt − 0.01, seed in the middle with 10 % dropped', async () => {
    const data = loadDataset('sift10k', 'l2');
    const nQueries = Math.min(200, data.queries.count);
    const set: RecallSet = {
      dim: data.dim,
      base: data.base.data,
      queries: data.queries.data.subarray(0, nQueries * data.dim),
      truth: Array.from({ length: nQueries }, (_, q) => data.groundTruth.data.subarray(q * 100, q * 100 + 10)),
    };
    const { seeded, rebuilt } = await seededAndRebuilt(set, 3000, 5000, 10);
    const [rs, rr] = [recall(seeded, set), recall(rebuilt, set)];
    expect(rs, `seeded ${rs}, rebuilt ${rr}, seed ${SEED}`).toBeGreaterThanOrEqual(rr - 0.01);
    seeded.dispose();
    rebuilt.dispose();
  });

  it.skipIf(!hasDataset('sift10k'))('sift10k: the merge beam links a 7k + 3k merge at the full beam\'s recall@10 (± 0.005, efSearch 32)', async () => {
    const data = loadDataset('sift10k', 'l2');
    const { dim } = data;
    const nQueries = Math.min(100, data.queries.count);
    const set: RecallSet = {
      dim,
      base: data.base.data,
      queries: data.queries.data.subarray(0, nQueries * dim),
      truth: Array.from({ length: nQueries }, (_, q) => data.groundTruth.data.subarray(q * 100, q * 100 + 10)),
    };
    // The defaults the beam fraction was measured with (efConstruction 200), the seed as a first memtable's segment.
    const spec = { dimension: dim, metric: 'l2' as const, params: { M: 16, efConstruction: 200, seed: SEED } };
    const seedRows = 7000;
    const seedIndex = await HnswIndex.build(spec, set.base.subarray(0, seedRows * dim));
    const seed = { index: seedIndex, dead: new Uint8Array(seedRows), at: 0 };
    const merged = await HnswIndex.build(spec, set.base, { seed });
    const full = await HnswIndex.build(spec, set.base, { seed, beam: 200 });
    const [rm, rf] = [recall(merged, set), recall(full, set)];
    expect(rm, `merge beam ${rm}, full beam ${rf}, seed ${SEED}`).toBeGreaterThanOrEqual(rf - 0.005);
    for (const index of [seedIndex, merged, full]) index.dispose();
  });

  it('clustered 32-d: recall@10 of the seeded graph ≥ the rebuilt − 0.01, seed first and last', async () => {
    const set = clustered(4000, 100, 32, SEED);
    for (const at of [0, 1500]) {
      const { seeded, rebuilt } = await seededAndRebuilt(set, at, 2500, at === 0 ? 0 : 7);
      const [rs, rr] = [recall(seeded, set), recall(rebuilt, set)];
      expect(rs, `at ${at}: seeded ${rs}, rebuilt ${rr}, seed ${SEED}`).toBeGreaterThanOrEqual(rr - 0.01);
      seeded.dispose();
      rebuilt.dispose();
    }
  });

  it.each(['sq8', 'binary'] as const)("seeds from a %s segment's compact graph exactly as from the float32 index of that graph, dead rows too", async (kind) => {
    const dim = 16;
    const set = clustered(3000, 1, dim, SEED + 3);
    const spec = { dimension: dim, metric: 'l2' as const, params: PARAMS };
    const seedRows = 2000;
    const seedVectors = set.base.subarray(0, seedRows * dim);
    const floatSeed = await HnswIndex.build(spec, seedVectors);
    const graph = floatSeed.serializeGraph();
    const { quantizer, codes } = buildQuantizedSegment(kind, seedVectors, dim, 'l2', graph);
    const originals = originalsFromFloat32(seedVectors, dim);
    const codesSeed = QuantizedHnswIndex.open({ ...spec, quantizer, codes, graph, originals, source: { file: '(test)', offset: 0 } });
    const dead = new Uint8Array(seedRows);
    for (let r = 0; r < seedRows; r += 13) dead[r] = 1;
    dead[floatSeed.seedGraph()!.entryPoint] = 1; // the entry point dropped too: the seed picks another
    // The build's input as a merge gathers it: 500 other rows, the seed's live rows, the other 500.
    const at = 500;
    const input = new Float32Array((3000 - dead.reduce((a, b) => a + b, 0)) * dim);
    input.set(set.base.subarray(seedRows * dim, (seedRows + at) * dim));
    let row = at;
    for (let r = 0; r < seedRows; r++) if (dead[r] === 0) input.set(seedVectors.subarray(r * dim, (r + 1) * dim), dim * row++);
    input.set(set.base.subarray((seedRows + at) * dim), dim * row);
    const fromFloat = await HnswIndex.build(spec, input, { seed: { index: floatSeed, dead, at } });
    const fromCodes = await HnswIndex.build(spec, input, { seed: { index: codesSeed, dead, at } });
    const rebuilt = await HnswIndex.build(spec, input, { schedule: 'batched' });
    expect(fromCodes.serializeGraph(), `seed ${SEED}`).toEqual(fromFloat.serializeGraph());
    expect(fromCodes.serializeGraph(), 'a seeded graph, not a rebuild').not.toEqual(rebuilt.serializeGraph());
    for (const index of [floatSeed, codesSeed, fromFloat, fromCodes, rebuilt]) index.dispose();
  });

  it('rebuilds when more than a fifth of the seed is dropped, and rejects a seed of another M', async () => {
    const set = clustered(600, 1, 8, SEED + 2);
    const spec = { dimension: 8, metric: 'l2' as const, params: PARAMS };
    const seedIndex = await HnswIndex.build(spec, set.base.subarray(0, 400 * 8));
    const dead = new Uint8Array(400).fill(1, 0, 100);
    const rows = set.base.subarray(100 * 8);
    const seeded = await HnswIndex.build(spec, rows, { seed: { index: seedIndex, dead, at: 0 } });
    const plain = await HnswIndex.build(spec, rows, { schedule: 'batched' });
    expect(seeded.serializeGraph(), `seed ${SEED}`).toEqual(plain.serializeGraph());
    await expect(HnswIndex.build({ ...spec, params: { ...PARAMS, M: 8 } }, rows, { seed: { index: seedIndex, dead, at: 0 } })).rejects.toThrow(/seed/);
    await expect(HnswIndex.build(spec, rows, { beam: 0 })).rejects.toThrow(/invalid build options/);
    for (const index of [seedIndex, seeded, plain]) index.dispose();
  });
});
