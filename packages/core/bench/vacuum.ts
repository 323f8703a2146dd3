/**
 * What deleted rows cost queries, and what the merge policy's rewrite of a
 * segment without them (`deletedThreshold`, storage/merge-policy.ts
 * pickVacuum) gives back. Per share of rows deleted:
 * 1. a collection of ROWS generated rows (seeded Gaussian mixture around
 *    sift10k, labelled generated; bench/generated-data.ts) with default
 *    options and merges off, compacted into one segment;
 * 2. every row whose hash falls under the share deleted, then a checkpoint
 *    (the tombstones in the manifest);
 * 3. CPU µs per query and recall@10 against exact search over the live rows
 *    (`exact: true`), at the collection's default efSearch, one query at a
 *    time through the public API: "before";
 * 4. reopened with the default options: the merge policy rewrites the
 *    segment at open; its wall time until `waitForMerges` resolves;
 * 5. the same measures: "after".
 * Medians of 5 passes over the query set after one warm-up pass.
 *
 * Run: npx tsx packages/core/bench/vacuum.ts [--rows 100000] [--shares 0.2,0.5,0.9]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OmenDB, type Collection } from '../src/index.js';
import { median } from './ann-stats.js';
import { generateClusteredSet } from './generated-data.js';

const K = 10;
const PASSES = 5;

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    shares: { type: 'string', default: '0.2,0.5,0.9' },
  },
});
const rows = Number(flags.rows);
const set = generateClusteredSet(rows, 200);
const queries = Array.from({ length: set.queryCount }, (_, q) => set.queries.subarray(q * set.dim, (q + 1) * set.dim));

/** A row's place in [0, 1), spread evenly over the rows (golden-ratio sequence), so a share deletes rows all over the graph. */
const hash = (row: number) => (row * 0.6180339887498949) % 1;

interface Measured {
  microsPerQuery: number;
  recall: number;
}

async function measure(col: Collection): Promise<Measured> {
  const exact = await col.query({ queryEmbeddings: queries, nResults: K, exact: true, include: [] });
  let found = 0;
  const times: number[] = [];
  for (let pass = 0; pass <= PASSES; pass++) {
    const cpu = process.cpuUsage();
    for (let q = 0; q < queries.length; q++) {
      const ids = (await col.query({ queryEmbeddings: [queries[q]], nResults: K, include: [] })).ids[0];
      if (pass === 0) found += ids.filter((id) => exact.ids[q].includes(id)).length;
    }
    const used = process.cpuUsage(cpu);
    if (pass > 0) times.push((used.user + used.system) / queries.length);
  }
  return { microsPerQuery: median(times), recall: found / (queries.length * K) };
}

console.log(`${rows.toLocaleString('en')} × ${set.dim} generated rows (Gaussian mixture around sift10k), k ${K}, default efSearch, CPU µs per query (median of ${PASSES} passes)`);
for (const share of flags.shares.split(',').map(Number)) {
  const dir = mkdtempSync(join(tmpdir(), 'omendb-vacuum-'));
  try {
    let db = await OmenDB.open(dir, { mergePolicy: false });
    let col = await db.createCollection({ name: 'c', metric: 'l2' });
    for (let start = 0; start < rows; start += 1000) {
      const ids: string[] = [];
      const embeddings: Float32Array[] = [];
      for (let r = start; r < Math.min(rows, start + 1000); r++) {
        ids.push(String(r));
        embeddings.push(set.base.subarray(r * set.dim, (r + 1) * set.dim));
      }
      await col.add({ ids, embeddings });
    }
    await col.compact();
    const deleted: string[] = [];
    for (let r = 0; r < rows; r++) if (hash(r) < share) deleted.push(String(r));
    for (let i = 0; i < deleted.length; i += 10_000) await col.delete({ ids: deleted.slice(i, i + 10_000) });
    await db.checkpoint();
    const before = await measure(col);
    await db.close();
    const started = performance.now();
    db = await OmenDB.open(dir);
    col = await db.getCollection('c');
    await col.waitForMerges();
    const rewriteSeconds = (performance.now() - started) / 1000;
    const segments = col.stats().segments;
    const after = await measure(col);
    await db.close();
    const cell = (m: Measured) => `${m.microsPerQuery.toFixed(1)} µs, recall ${m.recall.toFixed(3)}`;
    console.log(
      `deleted ${(100 * share).toFixed(0)} % (${deleted.length.toLocaleString('en')} rows): before ${cell(before)} | ` +
        `rewrite ${rewriteSeconds.toFixed(1)} s (open to caught up, ${segments} segment) | after ${cell(after)} | ` +
        `${(before.microsPerQuery / after.microsPerQuery).toFixed(2)}× faster`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
