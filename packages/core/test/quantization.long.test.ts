/**
 * Quantized collections end to end on scifact-bge (5,183 × 1024, cosine):
 * sealed segments hold codes and a codebook, searches run on the codes and
 * rescore with the float32 vectors read from the segment file, and every
 * quantizer is held to the recall, nDCG and memory targets of the
 * quantization design. Builds one collection per quantizer (≈ 5 s each).
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Collection, CorruptionError, OmenDB, type QuantizationSpec, ValidationError, type Where } from '../src/index.js';
import { decodeSegment, SectionKind } from '../src/format/segment-file.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { QuantizedHnswIndex } from '../src/ann/quantized/quantized-index.js';
import { defaultOversampling } from '../src/ann/quantized/quantized-oversampling.js';
import type { QuantizerKind } from '../src/quantize/quantizer.js';
import { loadQuantizer } from '../src/quantize/train.js';
import { type Dataset, hasDataset, loadDataset } from './helpers/datasets.js';
import { loadScifactTest, ndcgAtK } from './helpers/scifact.js';
import { tempDir } from './helpers/tmp.js';

const K = 10;
const SPECS: { label: QuantizerKind; spec: QuantizationSpec; recallSlack: number; residentBound: number; codeBytes: number }[] = [
  { label: 'sq8', spec: 'sq8', recallSlack: 0.01, residentBound: 0.3, codeBytes: 1024 },
  { label: 'binary', spec: 'binary', recallSlack: 0.03, residentBound: 0.1, codeBytes: 128 },
  { label: 'pq', spec: { type: 'pq', subvectors: 128, bits: 8 }, recallSlack: 0.03, residentBound: 0.1, codeBytes: 128 },
];

let root: { dir: string; cleanup: () => void };
let data: Dataset;
let judged: ReturnType<typeof loadScifactTest>['queries'];
/** Per judged query: the exact top-k rows of the float32 collection, and its recall at the default efSearch. */
let exactTop: number[][];
let floatRecall: number;
let floatResident: number;

function vectorOf(i: number): Float32Array {
  return data.base.data.subarray(i * data.dim, (i + 1) * data.dim);
}

function queryOf(q: number): Float32Array {
  return data.queries.data.subarray(q * data.dim, (q + 1) * data.dim);
}

async function load(dir: string, quantization?: QuantizationSpec, vfs?: NodeVfs): Promise<{ db: OmenDB; col: Collection }> {
  const db = await OmenDB.open(dir, { durability: 'none', vfs });
  const col = await db.createCollection({ name: 'scifact', dimension: data.dim, metric: 'cosine', quantization });
  for (let start = 0; start < data.base.count; start += 1000) {
    const n = Math.min(1000, data.base.count - start);
    const ids = Array.from({ length: n }, (_, i) => String(start + i));
    await col.add({ ids, embeddings: ids.map((_, i) => vectorOf(start + i)), metadatas: ids.map((_, i) => ({ shard: (start + i) % 4 })) });
  }
  await db.checkpoint();
  return { db, col };
}

async function topRows(col: Collection, options: { exact?: boolean; where?: Where } = {}): Promise<number[][]> {
  const out: number[][] = [];
  for (const { row } of judged) {
    const r = await col.query({ queryEmbeddings: [queryOf(row)], nResults: K, include: [], ...options });
    out.push(r.ids[0].map(Number));
  }
  return out;
}

function recall(found: number[][], truth: number[][]): number {
  let hits = 0;
  found.forEach((rows, q) => {
    const t = new Set(truth[q]);
    for (const r of rows) if (t.has(r)) hits++;
  });
  return hits / (truth.length * K);
}

function ndcg(found: number[][]): number {
  return found.reduce((sum, rows, q) => sum + ndcgAtK(rows, judged[q].relevant, K), 0) / found.length;
}

/** Resident bytes per vector that grow with the rows: codes (or float32 vectors) + graph + ids. */
function residentPerVector(col: Collection): number {
  const c = col.stats().components;
  return (c.vectors + c.codes + c.graph + c.ids) / col.stats().count;
}

/** The one segment file of the collection under `dir`, decoded. */
function segmentFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name === 'segment.bin') files.push(join(entry.parentPath, entry.name));
  }
  return files.sort();
}

const skip = !hasDataset('scifact-bge');

beforeAll(async () => {
  if (skip) return;
  root = tempDir();
  data = loadDataset('scifact-bge', 'ip');
  judged = loadScifactTest().queries;
  const { db, col } = await load(join(root.dir, 'float'));
  exactTop = await topRows(col, { exact: true });
  floatRecall = recall(await topRows(col), exactTop);
  floatResident = residentPerVector(col);
  await db.close();
}, 120_000);

afterAll(() => root?.cleanup());

describe.skipIf(skip)('createCollection quantization options', () => {
  it('rejects invalid specs, rescore without quantization, and PQ subvectors that do not divide the dimension', async () => {
    const db = await OmenDB.open(join(root.dir, 'options'), { durability: 'none' });
    const bad = [
      { name: 'a', quantization: 'int4' },
      { name: 'b', quantization: { type: 'pq', subvectors: 3, bits: 8 }, dimension: 8 },
      { name: 'c', quantization: { type: 'pq', subvectors: 2, bits: 4 } },
      { name: 'd', rescore: { oversampling: 4 } },
      { name: 'e', quantization: 'sq8', rescore: { oversampling: 0.5 } },
      { name: 'f', quantization: 'sq8', rescore: { oversampling: 4, extra: 1 } },
    ];
    for (const args of bad) await expect(db.createCollection(args as never), JSON.stringify(args)).rejects.toThrow(ValidationError);
    expect(await db.listCollections()).toEqual([]);
    // Without a dimension, the first add fixes it and must suit the subvectors.
    const col = await db.createCollection({ name: 'pq', quantization: { type: 'pq', subvectors: 3, bits: 8 } });
    await expect(col.add({ ids: ['x'], embeddings: [[1, 2, 3, 4]] })).rejects.toThrow(/does not divide the dimension 4/);
    await col.add({ ids: ['y'], embeddings: [[1, 2, 3, 4, 5, 6]] });
    expect(col.stats().quantization).toEqual({ type: 'pq', subvectors: 3, bits: 8 });
    await db.close();
  });
});

describe.skipIf(skip).each(SPECS)('quantization $label on scifact-bge', ({ label, spec, recallSlack, residentBound, codeBytes }) => {
  const dir = () => join(root.dir, label);
  let found: number[][];

  beforeAll(async () => {
    const { db, col } = await load(dir(), spec);
    found = await topRows(col);
    await db.close();
  }, 120_000);

  it(`recall@10 vs exact within ${recallSlack} of the float32 index, nDCG@10 within 0.01 of exact search`, () => {
    const r = recall(found, exactTop);
    expect(r, `${label} recall ${r}, float32 ${floatRecall}`).toBeGreaterThanOrEqual(floatRecall - recallSlack);
    expect(Math.abs(ndcg(found) - ndcg(exactTop)), `${label} nDCG ${ndcg(found)}, exact ${ndcg(exactTop)}`).toBeLessThanOrEqual(0.01);
  });

  it('writes codes for every row, the training rows included, next to a codebook that reloads', () => {
    const [file] = segmentFiles(dir());
    const { header, sections } = decodeSegment(readFileSync(file), file);
    const codes = sections.get(SectionKind.Codes)!;
    const codebook = sections.get(SectionKind.Codebook)!;
    expect(codes.bytes.byteLength).toBe(header.rows * codeBytes);
    expect(sections.get(SectionKind.Vectors)!.bytes.byteLength).toBe(header.rows * data.dim * 4);
    const quantizer = loadQuantizer(codebook.bytes, { file, offset: codebook.offset }, { dimension: data.dim, metric: 'cosine' });
    expect(quantizer.codeBytes).toBe(codeBytes);
    // Rows were added in order, so row r of the segment is vector r of the set.
    expect(Buffer.from(quantizer.encode(data.base.data)).equals(Buffer.from(codes.bytes))).toBe(true);
  });

  it(`holds no float32 vectors in memory: resident bytes per vector ≤ ${residentBound}× the float32 index's`, async () => {
    const db = await OmenDB.open(dir(), { durability: 'none' });
    const col = await db.getCollection('scifact');
    const stats = col.stats();
    expect(stats.components.vectors).toBe(0);
    expect(stats.components.codes).toBeGreaterThanOrEqual(stats.count * codeBytes);
    expect(stats.components.codebook).toBeGreaterThan(0);
    expect(stats.mappedBytes).toBeGreaterThan(stats.count * data.dim * 4);
    const ratio = residentPerVector(col) / floatResident;
    expect(ratio, `${label}: ${residentPerVector(col)} vs ${floatResident} bytes per vector`).toBeLessThanOrEqual(residentBound);
    await db.close();
  });

  it('reopens to identical results; get returns the vectors bit-identical, mapped or read with positional reads', async () => {
    const queries = judged.slice(0, 20).map(({ row }) => queryOf(row));
    const answers = async (vfs?: NodeVfs) => {
      const db = await OmenDB.open(dir(), { durability: 'none', vfs });
      const col = await db.getCollection('scifact');
      const results = [];
      for (const q of queries) results.push(await col.query({ queryEmbeddings: [q], nResults: K, include: ['distances'] }));
      const got = await col.get({ ids: ['0', '2500', String(data.base.count - 1)], include: ['embeddings'] });
      const mapped = col.stats().mappedBytes;
      await db.close();
      return { results, got, mapped };
    };
    const first = await answers();
    const second = await answers();
    const unmapped = new NodeVfs();
    Object.defineProperty(unmapped, 'mapReadOnly', { value: undefined });
    const positional = await answers(unmapped);
    expect(second.results).toEqual(first.results);
    expect(positional.results).toEqual(first.results);
    expect(first.mapped).toBeGreaterThan(0);
    expect(positional.mapped).toBe(0);
    for (const { got } of [first, positional]) {
      got.ids.forEach((id, i) => {
        const stored = Float32Array.from(got.embeddings![i]);
        expect(Buffer.from(stored.buffer).equals(Buffer.from(vectorOf(Number(id)).slice().buffer)), `row ${id}`).toBe(true);
      });
    }
    expect(first.results.map((r) => r.ids[0].map(Number))).toEqual(found.slice(0, 20));
  });

  it('answers filtered queries on the codes, with the measured default oversampling', async () => {
    const db = await OmenDB.open(dir(), { durability: 'none' });
    const col = await db.getCollection('scifact');
    expect(oversamplingOf(col)).toEqual([defaultOversampling(label, data.dim)]);
    const filtered = await topRows(col, { where: { shard: 1 } });
    const exact = await topRows(col, { where: { shard: 1 }, exact: true });
    for (const rows of filtered) for (const r of rows) expect(r % 4).toBe(1);
    expect(recall(filtered, exact)).toBeGreaterThanOrEqual(0.95);
    await db.close();
  });

  it('detects a damaged codes or codebook section at open', async () => {
    for (const kind of [SectionKind.Codes, SectionKind.Codebook]) {
      const copy = join(root.dir, `${label}-damaged-${kind}`);
      cpSync(dir(), copy, { recursive: true });
      const [file] = segmentFiles(copy);
      const bytes = readFileSync(file);
      const entry = decodeSegment(bytes, file).sections.get(kind)!;
      bytes[entry.offset + Math.floor(entry.bytes.byteLength / 2)] ^= 0x04;
      writeFileSync(file, bytes);
      const opened = OmenDB.open(copy, { durability: 'none' });
      await expect(opened).rejects.toBeInstanceOf(CorruptionError);
      await expect(opened).rejects.toMatchObject({ file, offset: entry.offset });
    }
  });
});

describe.skipIf(skip)('quantized segments over time', () => {
  it('a new segment trains its own codebook; compaction retrains on every live row', async () => {
    const dir = join(root.dir, 'compaction');
    const db = await OmenDB.open(dir, { durability: 'none' });
    const col = await db.createCollection({ name: 'c', dimension: data.dim, metric: 'cosine', quantization: 'sq8', rescore: { oversampling: 3 } });
    const half = 2500;
    const add = async (from: number, to: number) => {
      const ids = Array.from({ length: to - from }, (_, i) => String(from + i));
      await col.add({ ids, embeddings: ids.map((id) => vectorOf(Number(id))) });
    };
    await add(0, half);
    await db.checkpoint();
    await add(half, data.base.count);
    await db.checkpoint();
    await col.delete({ ids: ['0', '1', '2'] });
    const codebooks = () =>
      segmentFiles(dir).map((file) => {
        const { sections } = decodeSegment(readFileSync(file), file);
        return { codes: sections.get(SectionKind.Codes)!.bytes, codebook: Buffer.from(sections.get(SectionKind.Codebook)!.bytes) };
      });
    const before = codebooks();
    expect(before).toHaveLength(2);
    expect(before[0].codebook.equals(before[1].codebook)).toBe(false);
    // The memtable stays float32 until sealed; queries see both.
    await col.add({ ids: ['new'], embeddings: [vectorOf(7)] });
    const hit = await col.query({ queryEmbeddings: [vectorOf(7)], nResults: 2, include: ['distances'] });
    expect(new Set(hit.ids[0])).toEqual(new Set(['7', 'new']));
    await col.compact();
    const after = codebooks();
    expect(after).toHaveLength(1);
    const live = Array.from({ length: data.base.count - 3 }, (_, i) => i + 3);
    const file = segmentFiles(dir)[0];
    const codebook = decodeSegment(readFileSync(file), file).sections.get(SectionKind.Codebook)!;
    const quantizer = loadQuantizer(codebook.bytes, { file, offset: codebook.offset });
    const rows = new Float32Array([...live.flatMap((r) => Array.from(vectorOf(r))), ...vectorOf(7)]);
    expect(Buffer.from(quantizer.encode(rows)).equals(Buffer.from(after[0].codes))).toBe(true);
    expect(after[0].codebook.equals(before[0].codebook) || after[0].codebook.equals(before[1].codebook)).toBe(false);
    expect(col.stats().count).toBe(data.base.count - 3 + 1);
    // rescore.oversampling reaches the segments' indexes, across compaction and reopen.
    expect(oversamplingOf(col)).toEqual([3]);
    await db.close();
    const reopened = await OmenDB.open(dir, { durability: 'none' });
    expect(oversamplingOf(await reopened.getCollection('c'))).toEqual([3]);
    await reopened.close();
  });
});

/** The oversampling of each segment's index (internal state, read for the test). */
function oversamplingOf(col: Collection): number[] {
  const store = (col as unknown as { store: { state: { segments: { index: unknown }[] } } }).store;
  return store.state.segments.map((s) => (s.index as QuantizedHnswIndex).oversampling);
}
