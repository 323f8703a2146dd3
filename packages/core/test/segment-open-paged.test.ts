/**
 * A version-2 segment opens without waiting for its vectors (openStoredPaged
 * over PagedVectors): queries issued at once, during the background load and
 * after it return exactly what an eagerly loaded index returns (same rows, same
 * float32 distances); a damaged vectors page is a CorruptionError before any
 * result computed from it is returned; disposing mid-load closes the file.
 * Real data: the first ROWS sift10k base vectors, its first QUERIES queries.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { openStoredPaged } from '../src/ann/hnsw/hnsw-open.js';
import { CorruptionError } from '../src/errors.js';
import { OmenDB } from '../src/index.js';
import { PAGE_BYTES } from '../src/format/page-checksums.js';
import { decodeSegmentTable, SectionKind, segmentBytes, type SectionEntry } from '../src/format/segment-file.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { sectionsInFile } from '../src/storage/segment-sections.js';
import { Segment } from '../src/storage/segment.js';
import type { Metric } from '../src/types.js';
import { loadDataset } from './helpers/datasets.js';
import { DIST_INDEX } from './helpers/dist.js';
import { tempDir } from './helpers/tmp.js';

const ROWS = 3000;
const QUERIES = 40;
const PARAMS = { M: 12, efConstruction: 48, seed: 17 };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const sift = loadDataset('sift10k', 'l2');
const dim = sift.dim;
const base = sift.base.data.subarray(0, ROWS * dim);
const queries = Array.from({ length: QUERIES }, (_, i) => sift.queries.data.slice(i * dim, (i + 1) * dim));

/** A NodeVfs that counts the descriptors it holds open. */
class CountingVfs extends NodeVfs {
  openFds = 0;
  override open(path: string, flags: Parameters<NodeVfs['open']>[1]): number {
    const fd = super.open(path, flags);
    this.openFds++;
    return fd;
  }
  override close(fd: number): void {
    this.openFds--;
    super.close(fd);
  }
}

/** Builds an index over `base`, writes it as a segment file; returns the file and the eagerly opened index. */
async function segmentFile(metric: Metric): Promise<{ file: string; eager: HnswIndex }> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const built = await HnswIndex.build({ dimension: dim, metric, params: PARAMS }, base, { schedule: 'sequential' });
  const graph = built.serializeGraph();
  built.dispose();
  const ids = Array.from({ length: ROWS }, (_, i) => `r${i}`);
  const bytes = segmentBytes(Segment.encode({ ids, metadata: ids.map(() => null), documents: ids.map(() => null), vectors: base, graph }, dim, metric));
  const file = join(dir, 'segment.bin');
  writeFileSync(file, bytes);
  const eager = HnswIndex.open({ dimension: dim, metric }, base, graph, { file, offset: 0 });
  cleanups.push(() => eager.dispose());
  return { file, eager };
}

/** Opens `file` as a paged index through `vfs`. */
function openPaged(file: string, metric: Metric, vfs: NodeVfs = new NodeVfs()): HnswIndex {
  const fd = vfs.open(file, 'r');
  try {
    const sections = sectionsInFile(vfs, fd, file);
    const entry = (kind: SectionKind) => sections.entries.get(kind) as SectionEntry;
    const graph = entry(SectionKind.Graph);
    const index = openStoredPaged(
      { dimension: dim, metric },
      ROWS,
      sections.paged!(entry(SectionKind.Vectors), entry(SectionKind.PageChecksums)),
      sections.read(graph),
      { file, offset: graph.offset },
    );
    sections.done?.();
    cleanups.push(() => index.dispose());
    return index;
  } finally {
    vfs.close(fd);
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** A turn that lets due timers fire first: the background load steps on a timer (≈ 1 ms), which 50 immediates can outrun. */
const timerTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

function expectSame(paged: HnswIndex, eager: HnswIndex, query: Float32Array, label: string, accept?: (row: number) => boolean): void {
  const got = paged.search(query, 10, { accept });
  const want = eager.search(query, 10, { accept });
  expect(got.map((n) => n.row), label).toEqual(want.map((n) => n.row));
  expect(got.map((n) => n.distance), label).toEqual(want.map((n) => n.distance));
}

describe('paged segment open', () => {
  it.each(['l2', 'cosine', 'ip'] as const)('answers %s queries exactly as an eager open, at once, during the load and after it', async (metric) => {
    const { file, eager } = await segmentFile(metric);
    const paged = openPaged(file, metric);
    expect(paged.loaded).toBe(false);
    // No turn has passed: nothing was loaded in the background, each query loads what it reaches.
    queries.forEach((q, i) => expectSame(paged, eager, q, `${metric} query ${i} at once`));
    expect(paged.loaded).toBe(false);
    let turns = 0;
    while (!paged.loaded) {
      await turn();
      turns++;
      expectSame(paged, eager, queries[turns % QUERIES], `${metric} during the load, turn ${turns}`);
    }
    expect(turns).toBeGreaterThan(1);
    queries.forEach((q, i) => expectSame(paged, eager, q, `${metric} query ${i} after the load`));
    const bytesOf = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    expect(bytesOf(paged.vectors()).equals(bytesOf(eager.vectors())), `${metric} vectors`).toBe(true);
    expect(paged.memoryBytes()).toEqual(eager.memoryBytes());
    // Filtered walks too (one that falls back to an exact scan loads every row first).
    const filtered = openPaged(file, metric);
    for (const [i, accept] of [(row: number) => row % 2 === 0, (row: number) => row % 50 === 0].entries()) {
      queries.slice(0, 5).forEach((q, j) => expectSame(filtered, eager, q, `${metric} filter ${i} query ${j} at once`, accept));
    }
  });

  it('completes the background load while the process waits idle, in a process of its own', async () => {
    // Vitest's own messages turn this process's event loop, so the idle case needs a child: it opens the
    // collection, then waits on one timer as a server waits for its next request. The load must not depend on
    // other events waking the loop.
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    // 3000 rows of 1024 float32 (12 MiB, 12 steps): more than the turns an open and a query give the loop.
    const wide = 1024;
    let state = 7;
    const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
    const embeddings = Array.from({ length: ROWS }, () => Float32Array.from({ length: wide }, next));
    const db = await OmenDB.open(dir, { durability: 'none' });
    const col = await db.createCollection({ name: 'c', dimension: wide, hnsw: { M: 8, efConstruction: 16 } });
    await col.add({ ids: embeddings.map((_, i) => `r${i}`), embeddings });
    await db.checkpoint();
    await db.close();
    const child = [
      `import { OmenDB } from ${JSON.stringify(DIST_INDEX)};`,
      `const db = await OmenDB.open(${JSON.stringify(dir)});`,
      `const col = await db.getCollection('c');`,
      // Bench-style reach past the API: the one segment's index.
      `const index = col.store.state.parts.find((p) => p.rows > 0).index;`,
      `const before = index.loaded;`,
      // One timer at a time; a busy machine gets more time, but the loop wakes at most 5 times, fewer than the 12 steps.
      `for (const ms of [500, 1000, 2000, 4000, 8000]) {`,
      `  await new Promise((resolve) => setTimeout(resolve, ms));`,
      `  if (index.loaded) break;`,
      `}`,
      `console.log(JSON.stringify({ before, after: index.loaded }));`,
      `await db.close();`,
    ].join('\n');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ before: false, after: true });
  });

  it('reports a damaged vectors page as a CorruptionError at the first query that reaches it, before any result, and after', async () => {
    const { file, eager } = await segmentFile('l2');
    const bytes = new Uint8Array(readFileSync(file));
    const vectors = decodeSegmentTable(bytes, bytes.byteLength, file).sections.find((s) => s.kind === SectionKind.Vectors)!;
    const row = 1234;
    const at = vectors.offset + row * dim * 4 + 5;
    bytes[at] ^= 0x40;
    writeFileSync(file, bytes);
    const page = Math.floor((at - vectors.offset) / PAGE_BYTES);
    const paged = openPaged(file, 'l2');
    const own = base.slice(row * dim, (row + 1) * dim);
    const failure = (() => {
      try {
        return paged.search(own, 10);
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(CorruptionError);
    expect((failure as CorruptionError).file).toBe(file);
    expect((failure as CorruptionError).offset).toBe(vectors.offset + page * PAGE_BYTES);
    // Every later use of the index fails too, whether or not it reaches the page.
    expect(() => paged.search(queries[0], 10)).toThrow(CorruptionError);
    expect(() => paged.loadAll()).toThrow(CorruptionError);
    expect(eager.search(own, 1)[0].row).toBe(row);
  });

  it('reports a damaged page no query reached when the background load reaches it', async () => {
    const { file } = await segmentFile('l2');
    const bytes = new Uint8Array(readFileSync(file));
    const vectors = decodeSegmentTable(bytes, bytes.byteLength, file).sections.find((s) => s.kind === SectionKind.Vectors)!;
    bytes[vectors.offset + vectors.lengthBytes - 3] ^= 0x01;
    writeFileSync(file, bytes);
    const paged = openPaged(file, 'l2');
    for (let i = 0; i < 50 && !paged.loaded; i++) await timerTurn();
    expect(paged.loaded).toBe(false);
    expect(() => paged.search(queries[0], 10)).toThrow(CorruptionError);
  });

  it('closes the file when disposed during the load, and when the load completes', async () => {
    const { file } = await segmentFile('l2');
    const vfs = new CountingVfs();
    const early = openPaged(file, 'l2', vfs);
    early.search(queries[0], 10);
    expect(vfs.openFds).toBe(1);
    early.dispose();
    expect(vfs.openFds).toBe(0);
    await turn();
    await turn();
    const full = openPaged(file, 'l2', vfs);
    expect(vfs.openFds).toBe(1);
    while (!full.loaded) await turn();
    expect(vfs.openFds).toBe(0);
  });

  it('through the API: a compaction at once after the open merges the rows the load has not reached yet, bit for bit', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const half = ROWS / 2;
    const embeddings = Array.from({ length: ROWS }, (_, i) => Array.from(base.subarray(i * dim, (i + 1) * dim)));
    const db = await OmenDB.open(dir, { durability: 'none' });
    const col = await db.createCollection({ name: 'c', dimension: dim, hnsw: { M: 12, efConstruction: 48 } });
    // Two checkpoints: two segments for the compaction to merge.
    await col.add({ ids: embeddings.slice(0, half).map((_, i) => `r${i}`), embeddings: embeddings.slice(0, half) });
    await db.checkpoint();
    await col.add({ ids: embeddings.slice(half).map((_, i) => `r${half + i}`), embeddings: embeddings.slice(half) });
    await db.checkpoint();
    await db.close();
    const reopened = await OmenDB.open(dir);
    const col2 = await reopened.getCollection('c');
    await col2.compact();
    const ids = [0, 1, half - 1, half, ROWS - 1].map((i) => `r${i}`);
    const got = await col2.get({ ids, include: ['embeddings'] });
    expect(got.ids).toEqual(ids);
    expect(got.embeddings).toEqual([0, 1, half - 1, half, ROWS - 1].map((i) => embeddings[i].map(Math.fround)));
    await reopened.close();
  });

  it('through the API: a query at once equals the one before the close, and closing mid-load closes every file', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const embeddings = Array.from({ length: ROWS }, (_, i) => Array.from(base.subarray(i * dim, (i + 1) * dim)));
    const asked = queries.slice(0, 8).map((q) => Array.from(q));
    const db = await OmenDB.open(dir, { durability: 'none' });
    const col = await db.createCollection({ name: 'c', dimension: dim, hnsw: { M: 12, efConstruction: 48 } });
    await col.add({ ids: embeddings.map((_, i) => `r${i}`), embeddings });
    await db.checkpoint();
    const before = await col.query({ queryEmbeddings: asked, nResults: 10 });
    await db.close();
    const vfs = new CountingVfs();
    const reopened = await OmenDB.open(dir, { vfs });
    const col2 = await reopened.getCollection('c');
    const after = await col2.query({ queryEmbeddings: asked, nResults: 10 });
    expect(after.ids).toEqual(before.ids);
    expect(after.distances).toEqual(before.distances);
    // A row's vector read before any load reached it: its pages are loaded and checked for the call.
    const got = await col2.get({ ids: ['r2999', 'r7'], include: ['embeddings'] });
    expect(got.embeddings).toEqual([embeddings[2999].map(Math.fround), embeddings[7].map(Math.fround)]);
    await reopened.close();
    expect(vfs.openFds).toBe(0);
  });
});
