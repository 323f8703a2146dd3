/**
 * A seeded build guided by the other segments' graphs (HnswIndex.build's
 * `guides`, what a merge passes for the segments besides the largest):
 * their rows are inserted from the rows their own graphs linked them to,
 * with a narrower beam (hnsw-guide.ts). Recall@10 at least the unguided
 * merge's − 0.01 on sift10k and on clustered data with guides before and
 * after the seed and dropped rows; rows in the input's order; a quantized
 * segment's graph guides exactly as the float32 index of the same graph.
 */
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { guideBatch, MergeGuide } from '../src/ann/hnsw/hnsw-guide.js';
import { storageRow } from '../src/ann/hnsw/hnsw-seed.js';
import { buildQuantizedSegment } from '../src/ann/quantized/quantized-build.js';
import { QuantizedHnswIndex } from '../src/ann/quantized/quantized-index.js';
import { originalsFromFloat32 } from '../src/storage/original-vectors.js';
import { hasDataset, loadDataset, recallAtK, referenceDistance } from './helpers/datasets.js';
import { seededRandom } from './helpers/tmp.js';

const SEED = 4117;
const PARAMS = { M: 16, efConstruction: 200, seed: SEED };

/** `n` rows of `dim` values around 64 seeded centres (spread 0.3 around centres in [0, 1)). */
function clustered(n: number, dim: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const centres = Array.from({ length: 64 }, () => Float32Array.from({ length: dim }, () => rand()));
  const out = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const c = centres[Math.floor(rand() * centres.length)];
    for (let i = 0; i < dim; i++) out[r * dim + i] = c[i] + (rand() - 0.5) * 0.3;
  }
  return out;
}

/** Mean recall@10 at efSearch 32 of `index` over `queries`, against the exact top 10 of `base`. */
function recall(index: HnswIndex, base: Float32Array, queries: Float32Array, dim: number): number {
  const rows = base.length / dim;
  let sum = 0;
  const count = queries.length / dim;
  for (let q = 0; q < count; q++) {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    const distance = (row: number): number => referenceDistance('l2', query, base.subarray(row * dim, (row + 1) * dim));
    const exact = Array.from({ length: rows }, (_, r) => ({ r, d: distance(r) }))
      .sort((a, b) => a.d - b.d || a.r - b.r)
      .slice(0, 10)
      .map((x) => x.r);
    const found = index.search(query, 10, { efSearch: 32 }).map((n) => n.row);
    sum += recallAtK(found, Int32Array.from(exact), 10, distance);
  }
  return sum / count;
}

/** A segment's index over rows [from, to) of `base`, with every `dropEvery`-th row also given a dead twin; its dead flags. */
async function segment(base: Float32Array, dim: number, from: number, to: number, dropEvery = 0) {
  const vectors: number[] = [];
  const dead: number[] = [];
  for (let r = from; r < to; r++) {
    if (dropEvery > 0 && r % dropEvery === 0) {
      for (let i = 0; i < dim; i++) vectors.push(base[r * dim + i] + 0.001);
      dead.push(1);
    }
    for (let i = 0; i < dim; i++) vectors.push(base[r * dim + i]);
    dead.push(0);
  }
  const index = await HnswIndex.build({ dimension: dim, metric: 'l2', params: PARAMS }, Float32Array.from(vectors), { schedule: 'batched' });
  return { index, dead: Uint8Array.from(dead), at: from };
}

describe('HnswIndex.build guided by the other segments’ graphs', () => {
  it("MergeGuide: each guided row's list is its live level-0 neighbours in its own graph, renumbered to the linking order", async () => {
    const dim = 8;
    const base = clustered(3000, dim, SEED + 2);
    const before = await segment(base, dim, 0, 800, 5);
    const seed = await segment(base, dim, 800, 2000, 3);
    const after = await segment(base, dim, 2000, 3000, 4);
    const live = 1200;
    const parts = [before, after].map(({ index, dead, at }) => ({ source: index.seedGraph()!, dead, at }));
    const guide = new MergeGuide(parts, seed.at, live);
    // Lists of linked row x, filled batch by batch as the linker does (batches of 100).
    const lists: number[][] = [];
    const batch = guideBatch(100, 16);
    for (let start = 0; start < 3000; start += 100) {
      guide.fill(start, start + 100, batch);
      for (let i = 0; i < 100; i++) lists.push(Array.from(batch.links.subarray(batch.start[i], batch.start[i + 1])));
    }
    // Linked row i holds stored row storageRow(i, 800, live): compare neighbours by their vectors.
    const storedVector = (linked: number): number[] => Array.from(base.subarray(storageRow(linked, 800, live) * dim, (storageRow(linked, 800, live) + 1) * dim));
    for (let i = 0; i < live; i++) expect(lists[i], `seed row ${i}`).toEqual([]);
    let checked = 0;
    for (const part of [before, after]) {
      const graph = part.index.seedGraph()!;
      const links = graph.linkArray(0);
      for (let row = 0, next = 0; row < graph.size; row++) {
        if (part.dead[row] === 1) continue;
        const stored = part.at + next++;
        const linked = stored < 800 ? stored + live : stored;
        expect(storedVector(linked)).toEqual(Array.from(part.index.vector(row)));
        const want = [];
        for (let j = 1, at = graph.linkIndex(row, 0); j <= links[at]; j++) {
          const y = links[at + j];
          if (part.dead[y] === 0) want.push(Array.from(part.index.vector(y)));
        }
        expect(lists[linked].map(storedVector), `stored row ${stored}`).toEqual(want);
        checked++;
      }
    }
    expect(checked).toBe(1800);
    for (const index of [before.index, seed.index, after.index]) index.dispose();
  });

  it.skipIf(!hasDataset('sift10k'))('sift10k, 7k + 3k: recall@10 of the guided merge ≥ the unguided − 0.01', async () => {
    const data = loadDataset('sift10k', 'l2');
    const { dim } = data;
    const base = data.base.data;
    const queries = data.queries.data.subarray(0, 100 * dim);
    const spec = { dimension: dim, metric: 'l2' as const, params: PARAMS };
    const seed = await segment(base, dim, 0, 7000);
    const guide = await segment(base, dim, 7000, 10000);
    const unguided = await HnswIndex.build(spec, base, { seed });
    const guided = await HnswIndex.build(spec, base, { seed, guides: [guide] });
    expect(guided.serializeGraph(), 'the guide shaped the graph').not.toEqual(unguided.serializeGraph());
    const [rg, ru] = [recall(guided, base, queries, dim), recall(unguided, base, queries, dim)];
    expect(rg, `guided ${rg}, unguided ${ru}, seed ${SEED}`).toBeGreaterThanOrEqual(ru - 0.01);
    for (const index of [seed.index, guide.index, unguided, guided]) index.dispose();
  });

  it('clustered 32-d: guides before and after the seed, with dropped rows; rows in input order, recall ≥ unguided − 0.01', async () => {
    const dim = 32;
    const all = clustered(8100, dim, SEED);
    const base = all.subarray(0, 8000 * dim);
    const queries = all.subarray(8000 * dim);
    const spec = { dimension: dim, metric: 'l2' as const, params: PARAMS };
    const before = await segment(base, dim, 0, 1500, 9);
    const seed = await segment(base, dim, 1500, 6000, 11);
    const after = await segment(base, dim, 6000, 8000, 7);
    const unguided = await HnswIndex.build(spec, base, { seed });
    const guided = await HnswIndex.build(spec, base, { seed, guides: [before, after] });
    expect(guided.size).toBe(8000);
    for (const r of [0, 1499, 1500, 5999, 6000, 7999]) expect(Array.from(guided.vector(r)), `row ${r}`).toEqual(Array.from(base.subarray(r * dim, (r + 1) * dim)));
    const [rg, ru] = [recall(guided, base, queries, dim), recall(unguided, base, queries, dim)];
    expect(rg, `guided ${rg}, unguided ${ru}, seed ${SEED}`).toBeGreaterThanOrEqual(ru - 0.01);
    for (const index of [before.index, seed.index, after.index, unguided, guided]) index.dispose();
  });

  it("guides from an sq8 segment's compact graph exactly as from the float32 index of that graph; rejects a guide of another M", async () => {
    const dim = 16;
    const base = clustered(7000, dim, SEED + 1);
    const spec = { dimension: dim, metric: 'l2' as const, params: PARAMS };
    const seed = await segment(base, dim, 0, 5000);
    const floatGuide = await segment(base, dim, 5000, 7000, 5);
    const guideVectors = floatGuide.index.vectors();
    const graph = floatGuide.index.serializeGraph();
    const { quantizer, codes } = buildQuantizedSegment('sq8', guideVectors, dim, 'l2', graph);
    const originals = originalsFromFloat32(guideVectors, dim);
    const codesGuide = QuantizedHnswIndex.open({ ...spec, quantizer, codes, graph, originals, source: { file: '(test)', offset: 0 } });
    const fromFloat = await HnswIndex.build(spec, base, { seed, guides: [floatGuide] });
    const fromCodes = await HnswIndex.build(spec, base, { seed, guides: [{ ...floatGuide, index: codesGuide }] });
    expect(fromCodes.serializeGraph(), `seed ${SEED}`).toEqual(fromFloat.serializeGraph());
    const otherM = { ...spec, params: { ...PARAMS, M: 8 } };
    const seed8 = await HnswIndex.build(otherM, base.subarray(0, 5000 * dim));
    await expect(HnswIndex.build(otherM, base, { seed: { ...seed, index: seed8 }, guides: [floatGuide] })).rejects.toThrow(/guide/);
    for (const index of [seed.index, floatGuide.index, codesGuide, fromFloat, fromCodes, seed8]) index.dispose();
  });
});
