/**
 * Retrieval quality and memory of each quantizer on scifact-bge (5,183 ×
 * 1024, cosine, M = 16, efConstruction = 200, efSearch 64): recall@10 of
 * the default query against exact search of the same collection (all 500
 * queries), nDCG@10 on the judged SciFact test claims (scifact/qrels/test.tsv
 * through the id maps: 138 of them are embedded) against exact search's, and
 * `stats()` bytes per vector after the checkpoint. QPS is left to
 * `pnpm bench:ann`, which times every engine side by side.
 *
 * Run: npx tsx packages/core/bench/quantization-quality.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Collection, OmenDB, type QuantizationSpec } from '../src/index.js';
import { loadDataset } from '../test/helpers/datasets.js';
import { loadScifactTest, ndcgAtK } from '../test/helpers/scifact.js';

const K = 10;
const data = loadDataset('scifact-bge', 'ip');
const judged = loadScifactTest().queries;
const query = (q: number) => data.queries.data.subarray(q * data.dim, (q + 1) * data.dim);
const specs: [string, QuantizationSpec][] = [
  ['float32', 'none'],
  ['sq8', 'sq8'],
  ['binary', 'binary'],
  ['pq (m = 128)', { type: 'pq', subvectors: 128, bits: 8 }],
];

async function top(col: Collection, q: number, exact: boolean): Promise<number[]> {
  const r = await col.query({ queryEmbeddings: [query(q)], nResults: K, include: [], exact });
  return r.ids[0].map(Number);
}

const root = mkdtempSync(join(tmpdir(), 'omendb-quality-'));
const rows: string[] = [];
let floatResident = 0;
for (const [label, quantization] of specs) {
  const db = await OmenDB.open(join(root, label.replace(/\W+/g, '-')), );
  const col = await db.createCollection({ name: 'scifact', dimension: data.dim, metric: 'cosine', quantization });
  for (let start = 0; start < data.base.count; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, data.base.count - start) }, (_, i) => String(start + i));
    await col.add({ ids, embeddings: ids.map((id) => data.base.data.subarray(Number(id) * data.dim, (Number(id) + 1) * data.dim)) });
  }
  await db.checkpoint();
  await col.waitForMerges();
  let hits = 0;
  for (let q = 0; q < data.queries.count; q++) {
    const exact = new Set(await top(col, q, true));
    for (const row of await top(col, q, false)) if (exact.has(row)) hits++;
  }
  let ndcg = 0;
  let ndcgExact = 0;
  for (const { row, relevant } of judged) {
    ndcg += ndcgAtK(await top(col, row, false), relevant, K);
    ndcgExact += ndcgAtK(await top(col, row, true), relevant, K);
  }
  const s = col.stats();
  const c = s.components;
  const resident = (c.vectors + c.codes + c.graph + c.ids) / s.count;
  if (quantization === 'none') floatResident = resident;
  rows.push(
    `| ${label} | ${(hits / (data.queries.count * K)).toFixed(3)} | ${(ndcg / judged.length).toFixed(4)} | ${(ndcgExact / judged.length).toFixed(4)} | ` +
      `${resident.toFixed(0)} | ${(resident / floatResident).toFixed(3)} | ${(c.codebook / s.count).toFixed(0)} | ${(s.mappedBytes / s.count).toFixed(0)} |`,
  );
  await db.close();
}
rmSync(root, { recursive: true, force: true });
console.log('| quantization | recall@10 vs exact | nDCG@10 | nDCG@10 exact | resident B/vector (codes or vectors + graph + ids) | × float32 | codebook B/vector | mapped B/vector |');
console.log('|---|--:|--:|--:|--:|--:|--:|--:|');
for (const row of rows) console.log(row);
