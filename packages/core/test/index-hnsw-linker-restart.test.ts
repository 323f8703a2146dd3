import { describe, expect, it, vi } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import type { HnswGraph } from '../src/ann/hnsw/hnsw-graph.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';

/**
 * A linker's worker thread marks visited rows with tags in a region of its
 * own; a worker started again (after LINKER_IDLE_MS without a batch) counts
 * its tags from 1 again. Rows still carrying the old worker's tags must not
 * read as visited, or its searches skip them and the graph is no longer the
 * one the batches give.
 */
describe('batched linking with a worker started again', () => {
  it('gives the graph of one thread, byte for byte, whatever tags the worker before it left (seed 23)', async () => {
    const dim = 8;
    const random = new SeededRandom(23);
    const rows = 3000;
    const vectors = Float32Array.from({ length: rows * dim }, () => random.next());
    const row = (r: number) => vectors.subarray(r * dim, (r + 1) * dim);
    const params = { M: 8, efConstruction: 48 };
    const built = await HnswIndex.build({ dimension: dim, metric: 'l2', params }, vectors, { schedule: 'batched', threads: 1 });
    const grown = new HnswIndex(dim, 'l2', params, { linking: { threads: 2 } });
    let next = 0;
    const add = (to: number) => {
      for (; next < to; next++) grown.add(row(next));
    };
    // Outcomes, not clocks: wait for the worker to be ready, then to have quit (idle), then ready again.
    const threadsBecome = (n: number, addUpTo = next) =>
      vi.waitFor(
        () => {
          if (next < addUpTo) add(Math.min(addUpTo, next + 16));
          expect(grown.linkingThreads, `rows added: ${next}`).toBe(n);
        },
        { timeout: 60_000, interval: 50 },
      );
    add(2000);
    await threadsBecome(2);
    add(2120);
    await threadsBecome(1);
    // What a worker whose first search visited every row and which quit leaves (a natural run leaves such
    // tags on some rows only, so it shows the fault in some runs only): the next worker's first tag.
    const graph = (grown as unknown as { graph: HnswGraph }).graph;
    const visited = graph.threadRegions(1).visited >> 2;
    graph.memory.i32.fill(1, visited, visited + graph.size);
    await threadsBecome(2, rows);
    add(rows);
    grown.finishLinking();
    built.add(row(0).map((x) => x + 0.5));
    grown.add(row(0).map((x) => x + 0.5));
    expect(Buffer.from(grown.serializeGraph()).equals(Buffer.from(built.serializeGraph()))).toBe(true);
    grown.dispose();
    built.dispose();
  }, 120_000);
});
