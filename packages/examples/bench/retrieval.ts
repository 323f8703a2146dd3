/**
 * `pnpm bench:retrieval`: retrieval quality of the embedders on real labelled
 * data. BEIR SciFact (Wadden et al. 2020; Thakur et al. 2021): 5,183
 * abstracts and the 300 test claims with relevance labels. Each embedder's
 * vectors go into an OmenDB collection (cosine); each claim is searched
 * exactly (`exact: true`) and through the HNSW index of the checkpointed
 * segment (default options); nDCG@10 and recall@100 are averaged over the
 * claims. scifact-bge embeds only 138 of the test claims, so every embedder
 * is also scored on those 138, where the three rows compare directly.
 *
 * Prints a table and, last, one JSON object. A script, not a test: embedding
 * the abstracts with the default model takes minutes on one core.
 *
 * A BM25 row (bench/retrieval/bm25.ts) ranks the same claims with the
 * full-text index (`fullText: true`, `Collection.fullTextSearch`), to
 * compare with BEIR's BM25 (nDCG@10 0.665 on SciFact), and measures its
 * query latency, index size per document and `$contains` latency.
 *
 * Sparse rows (bench/retrieval/sparse.ts) run Chroma's sparse-vector recipe
 * embedded: chroma-bm25 into a `SparseVectorIndexConfig` key, ranked by
 * `Knn` on that key, and `Rrf` of it with the bge dense vectors.
 *
 * `EMBEDDERS=default,hashing,bge,bm25,sparse` (default all five) picks the rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OmenDB } from '@omendb/core';
import { createProgress } from '../src/cli/progress.js';
import { measureBm25, type Bm25Row } from './retrieval/bm25.js';
import { measureSparse, type SparseRow } from './retrieval/sparse.js';
import { EMBEDDERS, type BenchEmbedder } from './retrieval/embedders.js';
import { mean, ndcgAtK, recallAtK } from './retrieval/metrics.js';
import { loadBgeVectors, loadCorpus, loadTestQueries, requireScifact, type ScifactDoc, type ScifactQuery } from './retrieval/scifact.js';

const ADD_BATCH = 256;
const K = 100;

interface Scores {
  queries: number;
  ndcg10: number;
  recall100: number;
}

interface Row {
  embedder: string;
  describe: string;
  dimension: number;
  docs: number;
  embedDocsSeconds: number;
  docsPerSecond: number;
  embedQueriesSeconds: number;
  /** Keyed by query set, then by search mode. */
  scores: Record<string, { exact: Scores; hnsw: Scores }>;
}

type PerQuery = Map<string, { ndcg10: number; recall100: number }>;

async function search(db: OmenDB, name: string, vectors: Array<number[] | Float32Array | undefined>, queries: ScifactQuery[], exact: boolean): Promise<PerQuery> {
  const col = await db.getCollection(name);
  const out: PerQuery = new Map();
  for (const [i, q] of queries.entries()) {
    const v = vectors[i];
    if (v === undefined) continue;
    const r = await col.query({ queryEmbeddings: [v], nResults: K, include: ['distances'], exact });
    out.set(q.id, { ndcg10: ndcgAtK(r.ids[0], q.relevant, 10), recall100: recallAtK(r.ids[0], q.relevant, K) });
  }
  return out;
}

/** Averages over the queries of `set` that were searched; null when not all of them were. */
function average(perQuery: PerQuery, set: readonly string[]): Scores | null {
  const hits = set.map((id) => perQuery.get(id));
  if (hits.some((h) => h === undefined)) return null;
  const got = hits as Array<{ ndcg10: number; recall100: number }>;
  return { queries: got.length, ndcg10: round(mean(got.map((h) => h.ndcg10)), 4), recall100: round(mean(got.map((h) => h.recall100)), 4) };
}

async function measure(e: BenchEmbedder, docs: ScifactDoc[], queries: ScifactQuery[], sets: Record<string, string[]>): Promise<Row> {
  const progress = createProgress(`Embedding abstracts (${e.name})`, docs.length, { unit: 'docs', stream: process.stderr, plainLines: 10 });
  let t = performance.now();
  const docVectors = await e.embedDocs(docs, (n) => progress.increment(n));
  progress.stop();
  const embedDocsSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const queryVectors = await e.embedQueries(queries);
  const embedQueriesSeconds = (performance.now() - t) / 1000;

  const dir = mkdtempSync(join(tmpdir(), 'omendb-retrieval-'));
  const db = await OmenDB.open(dir, { durability: 'none' });
  try {
    const col = await db.createCollection({ name: e.name, metric: 'cosine' });
    for (let i = 0; i < docs.length; i += ADD_BATCH) {
      await col.add({ ids: docs.slice(i, i + ADD_BATCH).map((d) => d.id), embeddings: docVectors.slice(i, i + ADD_BATCH) });
    }
    // Seal the memtable into a segment, so the non-exact search goes through its HNSW graph.
    await db.checkpoint();
    const exact = await search(db, e.name, queryVectors, queries, true);
    const hnsw = await search(db, e.name, queryVectors, queries, false);
    const scores: Row['scores'] = {};
    for (const [set, ids] of Object.entries(sets)) {
      const x = average(exact, ids);
      const h = average(hnsw, ids);
      if (x !== null && h !== null) scores[set] = { exact: x, hnsw: h };
    }
    return {
      embedder: e.name,
      describe: e.describe,
      dimension: docVectors[0].length,
      docs: docs.length,
      embedDocsSeconds: round(embedDocsSeconds, 2),
      docsPerSecond: round(docs.length / embedDocsSeconds, 1),
      embedQueriesSeconds: round(embedQueriesSeconds, 2),
      scores,
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

function table(rows: Row[], sets: Record<string, string[]>): string {
  const lines = [
    '| embedder | dim | claims | nDCG@10 exact | nDCG@10 HNSW | recall@100 exact | recall@100 HNSW | embed 5,183 abstracts |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const set of Object.keys(sets)) {
    for (const r of rows) {
      const s = r.scores[set];
      if (s === undefined) continue;
      lines.push(
        `| ${r.embedder} | ${r.dimension} | ${set} (${s.exact.queries}) | ${s.exact.ndcg10.toFixed(3)} | ${s.hnsw.ndcg10.toFixed(3)} | ` +
          `${s.exact.recall100.toFixed(3)} | ${s.hnsw.recall100.toFixed(3)} | ${r.embedDocsSeconds.toFixed(1)} s (${r.docsPerSecond}/s) |`,
      );
    }
  }
  return lines.join('\n');
}

/** BEIR's BM25 figure for SciFact (Elasticsearch, english analyzer; Thakur et al. 2021): nDCG@10. */
const BEIR_BM25_NDCG10 = 0.665;

function bm25Table(r: Bm25Row): string {
  const lines = ['| BM25 (fullText) | claims | nDCG@10 | vs BEIR 0.665 | recall@100 |', '|---|---|---|---|---|'];
  for (const [set, s] of Object.entries(r.scores)) {
    const delta = (s.ndcg10 - BEIR_BM25_NDCG10).toFixed(3);
    lines.push(`| k1 1.2, b 0.75 | ${set} (${s.queries}) | ${s.ndcg10.toFixed(3)} | ${delta.startsWith('-') ? delta : `+${delta}`} | ${s.recall100.toFixed(3)} |`);
  }
  lines.push(
    '',
    `full-text query p50 ${r.queryMs.p50} ms, p99 ${r.queryMs.p99} ms; index ${r.bytesPerDoc.disk} B/doc on disk, ${r.bytesPerDoc.memory} B/doc in memory ` +
      `(documents ${r.bytesPerDoc.documents} B/doc); indexing ${r.docs} docs ${r.indexSeconds} s; same ranking from memtable and segment: ${r.sameAfterCheckpoint}`,
    `$contains (${r.containsMs.words} words of the claims): with the index p50 ${r.containsMs.withIndex.p50} ms, p99 ${r.containsMs.withIndex.p99} ms; ` +
      `without p50 ${r.containsMs.withoutIndex.p50} ms, p99 ${r.containsMs.withoutIndex.p99} ms`,
  );
  return lines.join('\n');
}

function sparseTable(r: SparseRow): string {
  const lines = ['| sparse (Schema + chroma-bm25) | claims | nDCG@10 | recall@100 |', '|---|---|---|---|'];
  const label = { sparse: 'Knn on sparse key (BM25)', dense: 'Knn dense (bge), same claims', rrf: 'Rrf(dense bge, sparse), k 60' } as const;
  for (const [set, modes] of Object.entries(r.scores)) {
    for (const mode of ['sparse', 'dense', 'rrf'] as const) {
      const s = modes[mode];
      if (s) lines.push(`| ${label[mode]} | ${set} (${s.queries}) | ${s.ndcg10.toFixed(3)} | ${s.recall100.toFixed(3)} |`);
    }
  }
  lines.push('', `sparse Knn search p50 ${r.queryMs.p50} ms, p99 ${r.queryMs.p99} ms (query embedding included); sparse index ${r.bytesPerDoc.disk} B/doc on disk, ${r.bytesPerDoc.memory} B/doc in memory; indexing ${r.docs} docs ${r.indexSeconds} s (embedding included); same ranking from memtable and segment: ${r.sameAfterCheckpoint}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  requireScifact();
  const picked = (process.env.EMBEDDERS ?? 'default,hashing,bge,bm25,sparse').split(',').map((s) => s.trim()).filter(Boolean);
  const withBm25 = picked.includes('bm25');
  const withSparse = picked.includes('sparse');
  const names = picked.filter((n) => n !== 'bm25' && n !== 'sparse');
  for (const n of names) if (!(n in EMBEDDERS)) throw new Error(`unknown embedder '${n}' in EMBEDDERS; known: ${Object.keys(EMBEDDERS).join(', ')}`);
  const docs = loadCorpus();
  const queries = loadTestQueries();
  const bgeQueries = loadBgeVectors().queries;
  const sets = { test: queries.map((q) => q.id), 'test∩bge': queries.filter((q) => bgeQueries.has(q.id)).map((q) => q.id) };
  process.stderr.write(`SciFact: ${docs.length} abstracts, ${queries.length} judged test claims (${sets['test∩bge'].length} of them in scifact-bge)\n`);
  const rows: Row[] = [];
  for (const n of names) {
    const row = await measure(EMBEDDERS[n](), docs, queries, sets);
    rows.push(row);
    process.stderr.write(`${n}: ${JSON.stringify(row.scores)}\n`);
  }
  const bm25 = withBm25 ? await measureBm25(docs, queries, sets) : undefined;
  if (bm25) process.stderr.write(`bm25: ${JSON.stringify(bm25.scores)}\n`);
  const sparse = withSparse ? await measureSparse(docs, queries, sets) : undefined;
  if (sparse) process.stderr.write(`sparse: ${JSON.stringify(sparse.scores)}\n`);
  if (rows.length > 0) process.stdout.write(`${table(rows, sets)}\n\n`);
  if (bm25) process.stdout.write(`${bm25Table(bm25)}\n\n`);
  if (sparse) process.stdout.write(`${sparseTable(sparse)}\n\n`);
  process.stdout.write(`${JSON.stringify({ data: 'BEIR SciFact, qrels/test.tsv', metric: 'cosine', k: K, rows, bm25, sparse }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
