import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import { buildChildTree, type ChildTree } from './fixtures/reliability-spawn.js';
import { expectNoProcessWarnings } from './helpers/no-process-warnings.js';

// The children import the engine from the transpiled tree: plain node, no tsx (~2 CPU-s a child).
let tree: ChildTree;
let HNSW_SOURCE = '';
let children = 0;
beforeAll(async () => {
  tree = await buildChildTree();
  HNSW_SOURCE = join(tree.root, 'src', 'ann', 'hnsw', 'hnsw.js');
}, 120_000);
afterAll(() => tree?.cleanup());

/** Runs `script` (an ES module) in a new process, which must print `stdout` and exit by itself without a warning. */
function expectExitsByItself(script: string, stdout: string): void {
  // A file, not `-e`: worker threads inherit the process's flags, and `--input-type` is refused for a worker's file.
  const file = join(tree.root, `child-${++children}.mjs`);
  writeFileSync(file, script);
  const run = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).not.toMatch(/Warning/);
  expect(run.signal, 'killed by the timeout: something kept the process alive').toBeNull();
  expect(run.status).toBe(0);
  expect(run.stdout.trim()).toBe(stdout);
}

expectNoProcessWarnings();

describe('HnswIndex.build', () => {
  const dim = 24;
  const random = new SeededRandom(77);
  const vectors = Float32Array.from({ length: 1500 * dim }, () => random.next() * 2 - 1);

  it('with batches of one row gives the graph of add, byte for byte (ip)', async () => {
    const added = new HnswIndex(dim, 'ip', { M: 8, efConstruction: 64 });
    for (let row = 0; row < 1500; row++) added.add(vectors.subarray(row * dim, (row + 1) * dim));
    const built = await HnswIndex.build({ dimension: dim, metric: 'ip', params: { M: 8, efConstruction: 64 } }, vectors, {
      schedule: 'batched',
      threads: 2,
      maxBatchRows: 1,
    });
    expect(Buffer.from(built.serializeGraph()).equals(Buffer.from(added.serializeGraph()))).toBe(true);
    // The level generator resumes where add's would: the next add gives the same graph too.
    const next = vectors.subarray(0, dim).map((x) => -x);
    added.add(next);
    built.add(next);
    expect(Buffer.from(built.serializeGraph()).equals(Buffer.from(added.serializeGraph()))).toBe(true);
  });

  it('below PARALLEL_BUILD_MIN_ROWS builds with add (same bytes)', async () => {
    const added = new HnswIndex(dim, 'l2');
    for (let row = 0; row < 1500; row++) added.add(vectors.subarray(row * dim, (row + 1) * dim));
    const built = await HnswIndex.build({ dimension: dim, metric: 'l2' }, vectors);
    expect(Buffer.from(built.serializeGraph()).equals(Buffer.from(added.serializeGraph()))).toBe(true);
  });

  it('rejects a length that is not whole rows and bad options', async () => {
    await expect(HnswIndex.build({ dimension: dim, metric: 'l2' }, vectors.subarray(1))).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(HnswIndex.build({ dimension: dim, metric: 'l2' }, vectors, { threads: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('leaves no worker behind: a process that builds on two threads exits by itself', () => {
    const script = `
      import { HnswIndex } from ${JSON.stringify(HNSW_SOURCE)};
      const v = Float32Array.from({ length: 3000 * 8 }, (_, i) => Math.sin(i));
      const index = await HnswIndex.build({ dimension: 8, metric: 'l2' }, v, { schedule: 'batched', threads: 2 });
      console.log(index.size);`;
    expectExitsByItself(script, '3000');
  });
});

describe('batched linking (HnswIndex with `linking`)', () => {
  const dim = 16;
  const random = new SeededRandom(91);
  // Clustered rows, so the graph search finds what the exact scan does.
  const centres = Float32Array.from({ length: 40 * dim }, () => random.next() * 10);
  const rows = 6000;
  const vectors = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(random.next() * 40);
    for (let j = 0; j < dim; j++) vectors[r * dim + j] = centres[c * dim + j] + random.next() - 0.5;
  }
  const row = (r: number) => vectors.subarray(r * dim, (r + 1) * dim);

  it.each([1, 2])('grown by add on %i thread(s), gives the batched build graph byte for byte', async (threads) => {
    const built = await HnswIndex.build({ dimension: dim, metric: 'cosine' }, vectors, { schedule: 'batched', threads: 1 });
    const grown = new HnswIndex(dim, 'cosine', {}, { linking: { threads } });
    for (let r = 0; r < rows; r++) grown.add(row(r));
    expect(grown.pendingRows).toBeGreaterThan(0);
    grown.finishLinking();
    expect(grown.pendingRows).toBe(0);
    expect(Buffer.from(grown.serializeGraph()).equals(Buffer.from(built.serializeGraph()))).toBe(true);
    // After finishLinking, add inserts at once, as an index without linking does.
    const next = row(5).map((x) => -x);
    built.add(next);
    grown.add(next);
    expect(grown.pendingRows).toBe(0);
    expect(Buffer.from(grown.serializeGraph()).equals(Buffer.from(built.serializeGraph()))).toBe(true);
    grown.dispose();
    built.dispose();
  });

  it('searches the rows waiting for their batch exactly, filtered or not', () => {
    const index = new HnswIndex(dim, 'l2', {}, { linking: { threads: 2 } });
    for (let r = 0; r < rows; r++) index.add(row(r));
    const pending = index.pendingRows;
    expect(pending).toBeGreaterThan(10);
    const first = rows - pending;
    for (const r of [first, rows - 1]) {
      const top = index.search(row(r), 1)[0];
      expect(top).toEqual({ row: r, distance: 0 });
    }
    // Only waiting rows pass the filter: they come back, nearest first, as the exact scan gives them.
    const accept = (r: number) => r >= first;
    const got = index.search(row(0), 10, { accept });
    expect(got).toEqual(index.search(row(0), 10, { accept, exact: true }));
    expect(got.every((n) => n.row >= first)).toBe(true);
    // With ef covering the graph, the merged answer is the exact one.
    let same = 0;
    for (let q = 0; q < 50; q++) {
      const query = row(q * 97).map((x) => x + 0.25);
      const graph = index.search(query, 10, { efSearch: 400 }).map((n) => n.row);
      const exact = index.search(query, 10, { exact: true }).map((n) => n.row);
      same += graph.filter((r) => exact.includes(r)).length;
    }
    expect(same / 500).toBeGreaterThanOrEqual(0.99);
    index.dispose();
  });

  it('stops its worker after LINKER_IDLE_MS without a batch, and starts it again for the next', async () => {
    const built = await HnswIndex.build({ dimension: dim, metric: 'l2' }, vectors, { schedule: 'batched', threads: 1 });
    const grown = new HnswIndex(dim, 'l2', {}, { linking: { threads: 2 } });
    const add = (from: number, to: number) => {
      for (let r = from; r < to; r++) grown.add(row(r));
    };
    // Outcomes, not clocks: workers start and get ready however long a busy machine makes that take, and
    // stop once batches stop coming; waitFor's timeout only bounds a hang. Workers restart on a batch
    // shared after the old ones have exited, so the second start adds a few rows at each look.
    let next = 0;
    const threadsBecome = (n: number, addUpTo = next) =>
      vi.waitFor(
        () => {
          if (next < addUpTo) add(next, (next = Math.min(addUpTo, next + 16)));
          expect(grown.linkingThreads, `rows added: ${next}`).toBe(n);
        },
        { timeout: 60_000, interval: 50 },
      );
    add(0, (next = rows / 4));
    await threadsBecome(2);
    add(next, (next = rows / 2));
    await threadsBecome(1);
    await threadsBecome(2, rows);
    add(next, rows);
    expect(Buffer.from(grown.serializeGraph()).equals(Buffer.from(built.serializeGraph()))).toBe(true);
    grown.dispose();
    built.dispose();
  });

  it('rejects linking options that are not integers ≥ 1', () => {
    expect(() => new HnswIndex(dim, 'l2', {}, { linking: { threads: 0 } })).toThrow(/invalid linking options/);
    expect(() => new HnswIndex(dim, 'l2', {}, { linking: { threads: 2, maxBatchRows: 1.5 } })).toThrow(/invalid linking options/);
  });

  it('leaves no worker behind: a process that grows a linked index and never disposes it exits by itself', () => {
    const script = `
      import { HnswIndex } from ${JSON.stringify(HNSW_SOURCE)};
      const index = new HnswIndex(8, 'l2', {}, { linking: { threads: 2 } });
      const v = new Float32Array(8);
      const wait = (ms) => new Promise((r) => setTimeout(r, ms));
      for (let r = 0; r < 4000; r++) {
        for (let j = 0; j < 8; j++) v[j] = Math.sin(r * 8 + j);
        index.add(v);
        if (r % 500 === 0) await wait(20);
      }
      console.log(index.size);`;
    expectExitsByItself(script, '4000');
  });
});
