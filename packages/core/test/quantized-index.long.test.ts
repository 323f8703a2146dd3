import { describe, expect, it } from 'vitest';
import { CorruptionError, DimensionMismatchError, ValidationError } from '../src/errors.js';
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { buildQuantizedSegment } from '../src/ann/quantized/quantized-build.js';
import { QuantizedHnswIndex } from '../src/ann/quantized/quantized-index.js';
import { originalsFromBytes, originalsFromFloat32 } from '../src/storage/original-vectors.js';
import { defaultOversampling } from '../src/ann/quantized/quantized-oversampling.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import type { QuantizationSpec } from '../src/quantize/quantizer.js';
import { loadQuantizer } from '../src/quantize/train.js';
import type { Metric } from '../src/types.js';
import { type DatasetName, hasDataset, loadDataset, recallAtK, referenceDistance } from './helpers/datasets.js';

const K = 10;
const SEED = 42;
const GRAPH = { file: 'segments/3/graph', offset: 8192 };
const CODES = { file: 'segments/3/codes', offset: 65536 };

type Spec = Exclude<QuantizationSpec, 'none'>;

/** Kinds under test, with the recall slack the issue allows against float32 HNSW. */
function kinds(dim: number): { label: string; spec: Spec; slack: number }[] {
  return [
    { label: 'sq8', spec: 'sq8', slack: 0.01 },
    { label: 'binary', spec: 'binary', slack: 0.03 },
    { label: `pq m=${dim / 8}`, spec: { type: 'pq', subvectors: dim / 8, bits: 8 }, slack: 0.03 },
  ];
}

/** A set with its float32 HNSW (M = 16), serialized graph and exact top-10 (FlatIndex, the set's own metric). */
interface Prepared {
  dim: number;
  metric: Metric;
  base: Float32Array;
  queries: Float32Array[];
  exact: FlatIndex;
  truth: Int32Array[];
  float: HnswIndex;
  graph: Uint8Array;
  segments: Map<string, ReturnType<typeof buildQuantizedSegment>>;
}

const prepared = new Map<DatasetName, Prepared>();

function prepare(name: DatasetName): Prepared {
  if (!prepared.has(name)) {
    // scifact-bge ships inner-product truth; the collection is cosine, so truth comes from FlatIndex.
    const data = loadDataset(name, name === 'sift10k' ? 'l2' : 'ip');
    const metric: Metric = name === 'sift10k' ? 'l2' : 'cosine';
    const { dim } = data;
    const base = data.base.data;
    const queries = Array.from({ length: data.queries.count }, (_, q) => data.queries.data.subarray(q * dim, (q + 1) * dim));
    const exact = FlatIndex.fromVectors(dim, metric, base);
    const truth = queries.map((q) => Int32Array.from(exact.search(q, K).map((r) => r.row)));
    const float = new HnswIndex(dim, metric, { M: 16, seed: SEED }, { initialCapacity: data.base.count });
    for (let r = 0; r < data.base.count; r++) float.add(base.subarray(r * dim, (r + 1) * dim));
    prepared.set(name, { dim, metric, base, queries, exact, truth, float, graph: float.serializeGraph(), segments: new Map() });
  }
  return prepared.get(name)!;
}

function open(p: Prepared, label: string, spec: Spec): QuantizedHnswIndex {
  if (!p.segments.has(label)) p.segments.set(label, buildQuantizedSegment(spec, p.base, p.dim, p.metric, p.graph));
  const { quantizer, codes } = p.segments.get(label)!;
  return QuantizedHnswIndex.open({ dimension: p.dim, metric: p.metric, quantizer, codes, graph: p.graph, originals: originalsFromFloat32(p.base, p.dim), source: GRAPH });
}

/** Mean recall@10 of `search` over `queries` (indexes into p.queries) against `truthOf`. */
function recall(p: Prepared, queries: number[], search: (q: Float32Array) => number[], truthOf: (q: number) => Int32Array): number {
  let sum = 0;
  for (const q of queries) {
    const query = p.queries[q];
    const distance = (row: number) => referenceDistance(p.metric, query, p.base.subarray(row * p.dim, (row + 1) * p.dim));
    sum += recallAtK(search(query), truthOf(q), K, distance);
  }
  return sum / queries.length;
}

const all = (p: Prepared) => p.queries.map((_, q) => q);

describe.each(['scifact-bge', 'sift10k'] as DatasetName[])('QuantizedHnswIndex on %s (M = 16, efSearch 64, default oversampling)', (set) => {
  const cases = kinds(set === 'sift10k' ? 128 : 1024);
  it.skipIf(!hasDataset(set)).each(cases)('$label: recall@10 ≥ float32 HNSW − $slack; rescored distances equal FlatIndex bit for bit', ({ label, spec, slack }) => {
    const p = prepare(set);
    const index = open(p, label, spec);
    const floatRecall = recall(p, all(p), (q) => p.float.search(q, K).map((r) => r.row), (q) => p.truth[q]);
    const quantizedRecall = recall(p, all(p), (q) => index.search(q, K).map((r) => r.row), (q) => p.truth[q]);
    expect(quantizedRecall, `${set} ${label} at ${index.oversampling}× vs float32 ${floatRecall.toFixed(3)} (seed ${SEED})`).toBeGreaterThanOrEqual(floatRecall - slack);
    // A row both return carries the very same float32 distance.
    let shared = 0;
    for (const query of p.queries.slice(0, 50)) {
      const exact = new Map(p.exact.search(query, K).map((r) => [r.row, r.distance]));
      for (const r of index.search(query, K)) {
        if (!exact.has(r.row)) continue;
        expect(r.distance).toBe(exact.get(r.row));
        shared++;
      }
    }
    expect(shared).toBeGreaterThan(400);
    index.dispose();
  });

  it.skipIf(!hasDataset(set)).each(cases)('$label: filtered search at 1 % and 50 % selectivity, recall@10 ≥ 0.95 vs exact filtered', ({ label, spec }) => {
    const p = prepare(set);
    const index = open(p, label, spec);
    const n = p.base.length / p.dim;
    const queries = all(p).slice(0, 100);
    for (const selectivity of [0.01, 0.5]) {
      const random = new SeededRandom(SEED);
      const mask = Uint8Array.from({ length: n }, () => (random.next() < selectivity ? 1 : 0));
      const accept = (row: number) => mask[row] === 1;
      const truth = queries.map((q) => Int32Array.from(p.exact.search(p.queries[q], K, { accept }).map((r) => r.row)));
      const found = (q: Float32Array) => {
        const rows = index.search(q, K, { accept }).map((r) => r.row);
        expect(rows.every(accept)).toBe(true);
        return rows;
      };
      const r = recall(p, queries, found, (q) => truth[queries.indexOf(q)]);
      expect(r, `${set} ${label} at selectivity ${selectivity} (seed ${SEED})`).toBeGreaterThanOrEqual(0.95);
    }
    index.dispose();
  });
});

describe('QuantizedHnswIndex on scifact-bge: resident memory vs the float32 HnswIndex', () => {
  it.skipIf(!hasDataset('scifact-bge'))('sq8 ≤ 0.30× in all; binary ≤ 0.10× in all; pq ≤ 0.10× per vector (codebook aside)', () => {
    const p = prepare('scifact-bge');
    const f = p.float.memoryBytes();
    const floatBytes = f.vectors + f.graph;
    for (const { label, spec } of kinds(p.dim)) {
      const index = open(p, label, spec);
      const m = index.memoryBytes();
      expect(m.vectors).toBe(0);
      const total = m.vectors + m.graph + m.codes + m.codebook;
      // PQ's codebook and its kernel tables are a fixed cost per segment, ≈ 200 B per vector at scifact's 5,183 rows.
      const resident = label.startsWith('pq') ? total - m.codebook : total;
      const bound = label === 'sq8' ? 0.3 : 0.1;
      expect(resident / floatBytes, `${label}: ${m.codes} code + ${m.graph} graph bytes vs ${floatBytes}`).toBeLessThanOrEqual(bound);
      expect(m.codes).toBeGreaterThanOrEqual(p.segments.get(label)!.codes.length);
      index.dispose();
    }
  });
});

/** Seeded Gaussian-ish vectors, small enough to build in milliseconds. */
function synthetic(n: number, dim: number, seed = SEED): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: n * dim }, () => random.next() + random.next() + random.next() - 1.5);
}

function small(metric: Metric = 'cosine', spec: Spec = 'sq8') {
  const dim = 16;
  const base = synthetic(400, dim);
  const float = new HnswIndex(dim, metric, { M: 4, efConstruction: 32, seed: 7 }, { initialCapacity: 400 });
  for (let r = 0; r < 400; r++) float.add(base.subarray(r * dim, (r + 1) * dim));
  const graph = float.serializeGraph();
  const built = buildQuantizedSegment(spec, base, dim, metric, graph);
  const parts = { dimension: dim, metric, quantizer: built.quantizer, codes: built.codes, graph, originals: originalsFromFloat32(base, dim), source: GRAPH, codesSource: CODES };
  return { dim, base, float, graph, built, parts, index: QuantizedHnswIndex.open(parts) };
}

function corruption(action: () => unknown): CorruptionError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptionError);
    return error as CorruptionError;
  }
  throw new Error('expected a CorruptionError');
}

describe('QuantizedHnswIndex contract', () => {
  it('vector(row) and the originals are bit-identical; add throws; exact equals FlatIndex', () => {
    const { dim, base, index, parts } = small();
    for (const row of [0, 17, 399]) expect(index.vector(row)).toEqual(base.subarray(row * dim, (row + 1) * dim));
    expect(() => index.vector(400)).toThrow(RangeError);
    expect(() => index.add(new Float32Array(dim))).toThrow(/immutable/);
    // Originals read from bytes at an odd offset (an mmap need not be aligned).
    const bytes = new Uint8Array(base.byteLength + 3);
    bytes.set(new Uint8Array(base.buffer, base.byteOffset, base.byteLength), 3);
    const fromBytes = QuantizedHnswIndex.open({ ...parts, originals: originalsFromBytes(bytes.subarray(3), dim) });
    expect(Buffer.from(fromBytes.vector(123).buffer)).toEqual(Buffer.from(base.slice(123 * dim, 124 * dim).buffer));
    const flat = FlatIndex.fromVectors(dim, 'cosine', base);
    const accept = (row: number) => row % 3 === 0;
    for (const query of [synthetic(1, dim, 1), synthetic(1, dim, 2)]) {
      expect(index.search(query, 25, { exact: true })).toEqual(flat.search(query, 25));
      expect(fromBytes.search(query, 7, { exact: true, accept })).toEqual(flat.search(query, 7, { accept }));
      expect(index.search(query, 7, { exact: true, accept, orderedAccept: true })).toEqual(flat.search(query, 7, { accept }));
    }
    expect(defaultOversampling('binary', 128)).toBe(32);
    expect(index.oversampling).toBe(2);
  });

  it('returns every accepted row when fewer than k pass, none when none pass; checks its inputs', () => {
    const { dim, index } = small('l2', 'binary');
    const query = synthetic(1, dim, 3);
    const few = index.search(query, 10, { accept: (row) => row < 4 });
    expect(few.map((r) => r.row).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    expect(index.search(query, 10, { accept: () => false })).toEqual([]);
    expect(index.search(query, 1000).length).toBe(400);
    expect(index.search(query, 0)).toEqual([]);
    expect(() => index.search(new Float32Array(dim + 1), 10)).toThrow(DimensionMismatchError);
    expect(() => index.search(query, 10, { efSearch: 0 })).toThrow(ValidationError);
    index.dispose();
    expect(index.memoryBytes().codes).toBe(0);
    expect(index.memoryBytes().codebook).toBe(index.quantizer.memoryBytes());
  });

  it('buildQuantizedSegment: codes of every row, a codebook that reloads to the same results, seeded by the graph', () => {
    const { dim, base, graph, built, parts, index } = small('l2', { type: 'pq', subvectors: 4, bits: 8 });
    expect(built.codes).toEqual(built.quantizer.encode(base));
    expect(built.codebook).toEqual(built.quantizer.serialize());
    const again = buildQuantizedSegment({ type: 'pq', subvectors: 4, bits: 8 }, base, dim, 'l2', graph);
    expect(again.codebook).toEqual(built.codebook);
    const reloaded = QuantizedHnswIndex.open({ ...parts, quantizer: loadQuantizer(built.codebook, CODES, { dimension: dim, metric: 'l2' }) });
    const query = synthetic(1, dim, 4);
    expect(reloaded.search(query, 10)).toEqual(index.search(query, 10));
    expect(() => buildQuantizedSegment('sq8', base.subarray(dim), dim, 'l2', graph)).toThrow(ValidationError);
    expect(() => buildQuantizedSegment('sq8', base, dim, 'cosine', graph)).toThrow(ValidationError);
  });

  it('corrupt graph, codes or originals → CorruptionError at the right file and offset', () => {
    const { graph, parts } = small();
    const view = new DataView(graph.buffer, graph.byteOffset, graph.byteLength);
    const at = (bytes: Uint8Array) => corruption(() => QuantizedHnswIndex.open({ ...parts, graph: bytes }));
    const badMagic = graph.slice();
    badMagic[0] ^= 1;
    expect(at(badMagic).offset).toBe(GRAPH.offset);
    expect(at(graph.subarray(0, graph.length - 4)).file).toBe(GRAPH.file);
    // The first list is node 0's level-0 list: its degree, then its neighbours.
    const links = 48 + Math.ceil(400 / 4) * 4;
    const degree = view.getUint32(links, true);
    expect(degree).toBeGreaterThan(0);
    const outOfRange = graph.slice();
    new DataView(outOfRange.buffer).setUint32(links + 4, 400, true);
    expect(at(outOfRange).offset).toBe(GRAPH.offset + links + 4);
    const selfLink = graph.slice();
    new DataView(selfLink.buffer).setUint32(links + 4, 0, true);
    expect(at(selfLink).offset).toBe(GRAPH.offset + links + 4);
    const tooMany = graph.slice();
    new DataView(tooMany.buffer).setUint32(links, 9, true);
    expect(at(tooMany).offset).toBe(GRAPH.offset + links);
    const shortCodes = corruption(() => QuantizedHnswIndex.open({ ...parts, codes: parts.codes.subarray(1) }));
    expect([shortCodes.file, shortCodes.offset]).toEqual([CODES.file, CODES.offset]);
    const fewerRows = corruption(() => QuantizedHnswIndex.open({ ...parts, originals: originalsFromFloat32(synthetic(399, 16), 16) }));
    expect(fewerRows.file).toBe(GRAPH.file);
  });
});
