/**
 * A small real corpus for adapter tests: judged SciFact test claims with
 * their BGE query vectors, and the abstracts they judge relevant plus the
 * first abstracts of the corpus as distractors, with their BGE vectors
 * (scifact + scifact-bge in ../shared/data, read in place, never copied).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './datasets.js';

/** One abstract: SciFact `_id`, its title, title + abstract as text, and its 1024-d BGE vector. */
export interface SubsetDoc {
  id: string;
  title: string;
  text: string;
  embedding: number[];
}

/** One judged test claim: id, text, 1024-d BGE vector, and the ids of its relevant abstracts. */
export interface SubsetClaim {
  id: string;
  text: string;
  embedding: number[];
  relevant: string[];
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim().length > 0);
}

/** Rows of a `.fvecs` file by index, read out of one buffer (records are 4 + 4·dim bytes). */
function fvecsRows(path: string): (row: number) => number[] {
  const bytes = readFileSync(path);
  const dim = bytes.readInt32LE(0);
  const recordBytes = 4 + 4 * dim;
  return (row) => Array.from({ length: dim }, (_, i) => bytes.readFloatLE(row * recordBytes + 4 + 4 * i));
}

/**
 * The first `claimCount` judged test claims (qrels/test.tsv order) that
 * scifact-bge embeds, and the abstracts they judge relevant plus the first
 * `fillerCount` abstracts of the corpus, in corpus order.
 */
export function loadScifactSubset(claimCount: number, fillerCount: number): { docs: SubsetDoc[]; claims: SubsetClaim[] } {
  const bge = join(DATA_DIR, 'scifact-bge');
  const docRow = new Map(lines(join(bge, 'corpus.doc_ids.txt')).map((id, row) => [id.trim(), row]));
  const queryRow = new Map(lines(join(bge, 'query.query_ids.txt')).map((id, row) => [id.trim(), row]));
  const relevant = new Map<string, string[]>();
  for (const line of lines(join(DATA_DIR, 'scifact', 'qrels', 'test.tsv')).slice(1)) {
    const [queryId, docId, score] = line.split('\t');
    if (Number(score) <= 0 || !queryRow.has(queryId) || !docRow.has(docId)) continue;
    if (!relevant.has(queryId)) {
      if (relevant.size === claimCount) continue;
      relevant.set(queryId, []);
    }
    relevant.get(queryId)!.push(docId);
  }
  const queryText = new Map(lines(join(DATA_DIR, 'scifact', 'queries.jsonl')).map((l) => {
    const o = JSON.parse(l) as { _id: string; text: string };
    return [o._id, o.text] as const;
  }));
  const queryVector = fvecsRows(join(bge, 'query.fvecs'));
  const claims = [...relevant].map(([id, rel]) => ({ id, text: queryText.get(id)!, embedding: queryVector(queryRow.get(id)!), relevant: rel }));
  const wanted = new Set(claims.flatMap((c) => c.relevant));
  const docVector = fvecsRows(join(bge, 'corpus.fvecs'));
  const docs: SubsetDoc[] = [];
  let fillers = 0;
  for (const line of lines(join(DATA_DIR, 'scifact', 'corpus.jsonl'))) {
    const o = JSON.parse(line) as { _id: string; title: string; text: string };
    const row = docRow.get(o._id);
    if (row === undefined) continue;
    const take = wanted.has(o._id) || fillers < fillerCount;
    if (!take) continue;
    if (!wanted.has(o._id)) fillers++;
    docs.push({ id: o._id, title: o.title, text: `${o.title} ${o.text}`, embedding: docVector(row) });
  }
  return { docs, claims };
}
