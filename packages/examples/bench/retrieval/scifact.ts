/**
 * BEIR SciFact, read in place from `../shared/data` (never copied into the
 * repository: CC BY-NC 2.0, benchmarks only): the 5,183 abstracts, the test
 * claims that have relevance labels, and the precomputed BGE vectors of both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `../shared/data` of the repository root, found from this file, not the cwd. */
export const DATA_DIR = resolve(fileURLToPath(new URL('../../../../../shared/data', import.meta.url)));

/** One abstract: SciFact `_id`, and the text embedded (title, a space, abstract, as BEIR does). */
export interface ScifactDoc {
  id: string;
  text: string;
}

/** One judged test claim: its id, text and relevant doc ids with their grades (all 1 in SciFact). */
export interface ScifactQuery {
  id: string;
  text: string;
  relevant: Map<string, number>;
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim().length > 0);
}

/** Throws a clear error when the data is absent (it lives outside the repository). */
export function requireScifact(): void {
  for (const f of ['scifact/corpus.jsonl', 'scifact/queries.jsonl', 'scifact/qrels/test.tsv']) {
    if (!existsSync(join(DATA_DIR, f))) throw new Error(`SciFact data missing: ${join(DATA_DIR, f)} (see shared/data/README.md)`);
  }
}

export function loadCorpus(): ScifactDoc[] {
  return lines(join(DATA_DIR, 'scifact', 'corpus.jsonl')).map((line) => {
    const o = JSON.parse(line) as { _id: string; title?: string; text: string };
    return { id: o._id, text: o.title ? `${o.title} ${o.text}` : o.text };
  });
}

/** The claims of `qrels/test.tsv` with a positive label, in file order of first appearance. */
export function loadTestQueries(): ScifactQuery[] {
  const text = new Map(
    lines(join(DATA_DIR, 'scifact', 'queries.jsonl')).map((line) => {
      const o = JSON.parse(line) as { _id: string; text: string };
      return [o._id, o.text] as const;
    }),
  );
  const relevant = new Map<string, Map<string, number>>();
  for (const line of lines(join(DATA_DIR, 'scifact', 'qrels', 'test.tsv')).slice(1)) {
    const [queryId, docId, score] = line.split('\t');
    if (Number(score) <= 0) continue;
    if (!relevant.has(queryId)) relevant.set(queryId, new Map());
    relevant.get(queryId)!.set(docId, Number(score));
  }
  return [...relevant].map(([id, rel]) => {
    const t = text.get(id);
    if (t === undefined) throw new Error(`SciFact query ${id} is in qrels/test.tsv but not in queries.jsonl`);
    return { id, text: t, relevant: rel };
  });
}

/** Texmex `.fvecs`: per record a little-endian int32 dim, then dim float32s. */
function readFvecs(path: string): Float32Array[] {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Float32Array[] = [];
  for (let at = 0; at < buf.byteLength; ) {
    const dim = view.getInt32(at, true);
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) v[i] = view.getFloat32(at + 4 + 4 * i, true);
    out.push(v);
    at += 4 + 4 * dim;
  }
  return out;
}

/**
 * The scifact-bge vectors (BAAI/bge-large-en-v1.5, 1024-d) keyed by SciFact
 * id, through its `corpus.doc_ids.txt` / `query.query_ids.txt` row maps.
 */
export function loadBgeVectors(): { docs: Map<string, Float32Array>; queries: Map<string, Float32Array> } {
  const dir = join(DATA_DIR, 'scifact-bge');
  const byId = (ids: string, fvecs: string) => {
    const rows = readFvecs(join(dir, fvecs));
    return new Map(lines(join(dir, ids)).map((id, row) => [id.trim(), rows[row]] as const));
  };
  return { docs: byId('corpus.doc_ids.txt', 'corpus.fvecs'), queries: byId('query.query_ids.txt', 'query.fvecs') };
}
