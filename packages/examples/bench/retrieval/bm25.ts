/**
 * The BM25 row of `pnpm bench:retrieval`: SciFact's abstracts (title, a
 * space, abstract, as BEIR indexes them flat) in a collection created with
 * `fullText: true` (no vectors), each test claim ranked by
 * `Collection.fullTextSearch`, scored as the embedders are. Also measured:
 * full-text query latency (p50/p99 over the claims, after a checkpoint),
 * index size per document (postings sections on disk, postings in memory),
 * and `whereDocument: { $contains }` latency with the index and without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OmenDB, type Collection } from '@omendb/core';
import { mean, ndcgAtK, recallAtK } from './metrics.js';
import type { ScifactDoc, ScifactQuery } from './scifact.js';

const ADD_BATCH = 256;
const K = 100;

export interface Bm25Row {
  docs: number;
  /** Keyed by query set. */
  scores: Record<string, { queries: number; ndcg10: number; recall100: number }>;
  /** Whether the ranking of every claim was the same from the memtable and from the sealed segment. */
  sameAfterCheckpoint: boolean;
  indexSeconds: number;
  queryMs: { p50: number; p99: number };
  bytesPerDoc: { disk: number; memory: number; documents: number };
  /** `get({ whereDocument: { $contains } })` over words of the claims, per call. */
  containsMs: { words: number; withIndex: { p50: number; p99: number }; withoutIndex: { p50: number; p99: number } };
}

export async function measureBm25(docs: ScifactDoc[], queries: ScifactQuery[], sets: Record<string, string[]>): Promise<Bm25Row> {
  const dir = mkdtempSync(join(tmpdir(), 'omendb-bm25-'));
  const db = await OmenDB.open(dir, { durability: 'none' });
  try {
    const col = await db.createCollection({ name: 'bm25', dimension: 0, fullText: true });
    const plain = await db.createCollection({ name: 'plain', dimension: 0 });
    let t = performance.now();
    for (let i = 0; i < docs.length; i += ADD_BATCH) {
      const batch = docs.slice(i, i + ADD_BATCH);
      await col.add({ ids: batch.map((d) => d.id), documents: batch.map((d) => d.text) });
    }
    const indexSeconds = (performance.now() - t) / 1000;
    for (let i = 0; i < docs.length; i += ADD_BATCH) {
      const batch = docs.slice(i, i + ADD_BATCH);
      await plain.add({ ids: batch.map((d) => d.id), documents: batch.map((d) => d.text) });
    }
    const fromMemtable = await rank(col, queries);
    await db.checkpoint();
    const latencies: number[] = [];
    const ranked = await rank(col, queries, latencies);
    const sameAfterCheckpoint = queries.every((q) => JSON.stringify(fromMemtable.get(q.id)) === JSON.stringify(ranked.get(q.id)));
    const scores: Bm25Row['scores'] = {};
    for (const [set, ids] of Object.entries(sets)) {
      const per = ids.map((id) => {
        const q = queries.find((x) => x.id === id)!;
        const r = ranked.get(id)!;
        return { ndcg10: ndcgAtK(r, q.relevant, 10), recall100: recallAtK(r, q.relevant, K) };
      });
      scores[set] = { queries: per.length, ndcg10: round(mean(per.map((p) => p.ndcg10)), 4), recall100: round(mean(per.map((p) => p.recall100)), 4) };
    }
    const stats = col.stats();
    const words = containsWords(queries);
    return {
      docs: docs.length,
      scores,
      sameAfterCheckpoint,
      indexSeconds: round(indexSeconds, 2),
      queryMs: percentiles(latencies),
      bytesPerDoc: {
        disk: Math.round((stats.diskComponents.fullText ?? 0) / docs.length),
        memory: Math.round(stats.components.fullText / docs.length),
        documents: Math.round((stats.diskComponents.documents ?? 0) / docs.length),
      },
      containsMs: { words: words.length, withIndex: await containsLatency(col, words), withoutIndex: await containsLatency(plain, words) },
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rank(col: Collection, queries: ScifactQuery[], latencies?: number[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const q of queries) {
    const t = performance.now();
    const r = await col.fullTextSearch({ query: q.text, limit: K });
    latencies?.push(performance.now() - t);
    out.set(q.id, r.ids);
  }
  return out;
}

/** One word of at least 5 letters from each claim, space-delimited as users type it (" word "). */
function containsWords(queries: ScifactQuery[]): string[] {
  const out: string[] = [];
  for (const q of queries) {
    const word = q.text.split(/\s+/).find((w) => /^[a-z]{5,}$/.test(w));
    if (word) out.push(` ${word} `);
  }
  return out;
}

async function containsLatency(col: Collection, words: string[]): Promise<{ p50: number; p99: number }> {
  const ms: number[] = [];
  for (const word of words) {
    const t = performance.now();
    await col.get({ whereDocument: { $contains: word }, include: [] });
    ms.push(performance.now() - t);
  }
  return percentiles(ms);
}

function percentiles(ms: number[]): { p50: number; p99: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: round(at(0.5), 3), p99: round(at(0.99), 3) };
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
