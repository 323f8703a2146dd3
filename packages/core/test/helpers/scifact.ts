/**
 * SciFact relevance judgements for the BGE embeddings in ../shared/data
 * (scifact/qrels/test.tsv, mapped to rows through scifact-bge's id files),
 * and nDCG@k (Järvelin & Kekäläinen 2002, linear gains as BEIR scores it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './datasets.js';

/** Test claims with judgements: their query row in scifact-bge and the relevant corpus rows with grades. */
export interface ScifactJudgements {
  queries: { row: number; relevant: Map<number, number> }[];
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
}

/** The judged test claims that scifact-bge embeds. */
export function loadScifactTest(): ScifactJudgements {
  const docRow = new Map(lines(join(DATA_DIR, 'scifact-bge', 'corpus.doc_ids.txt')).map((id, row) => [id.trim(), row]));
  const queryRow = new Map(lines(join(DATA_DIR, 'scifact-bge', 'query.query_ids.txt')).map((id, row) => [id.trim(), row]));
  const byQuery = new Map<number, Map<number, number>>();
  for (const line of lines(join(DATA_DIR, 'scifact', 'qrels', 'test.tsv')).slice(1)) {
    const [queryId, docId, score] = line.split('\t');
    const q = queryRow.get(queryId);
    const d = docRow.get(docId);
    if (q === undefined || d === undefined || Number(score) <= 0) continue;
    if (!byQuery.has(q)) byQuery.set(q, new Map());
    byQuery.get(q)!.set(d, Number(score));
  }
  return { queries: [...byQuery].map(([row, relevant]) => ({ row, relevant })) };
}

/** nDCG@k of a ranking (corpus rows, best first) against graded judgements. */
export function ndcgAtK(ranked: readonly number[], relevant: Map<number, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((row, i) => {
    dcg += (relevant.get(row) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}
