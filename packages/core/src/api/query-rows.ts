import { metadataAt, type Hits } from '../search/fanout.js';
import type { Part } from '../storage/part.js';
import type { QueryResult } from './results.js';

/**
 * Sets query `q`'s row of `result` from its hits, nearest first: ids and
 * distances always, and only the fields `result` includes (a vector copy or
 * a metadata decode per hit is not free). Ids and documents are read per
 * part in one call (Part.externalIds / documentsOf), which overlaps the
 * cache misses of the hits' entries. Takes `hits.distances` as the row's
 * distances (not copied): the caller's hits must be made for this result.
 */
export function setHits(result: QueryResult, q: number, hits: Hits): void {
  const { rows, part } = hits;
  result.ids[q] = part !== null ? part.externalIds(rows) : perPart(hits, (p, at) => p.externalIds(at));
  result.distances[q] = hits.distances;
  result.metadatas[q] = result.include.includes('metadatas') ? rows.map((row, i) => metadataAt(hits.partAt(i), row)) : nulls(hits.length);
  if (!result.include.includes('documents')) result.documents[q] = nulls(hits.length);
  else result.documents[q] = part !== null ? part.documentsOf(rows) : perPart(hits, (p, at) => p.documentsOf(at));
  if (result.embeddings) result.embeddings[q] = rows.map((row, i) => Array.from(hits.partAt(i).index.vector(row)));
}

/** Nulls to copy a row of from (filled by push: a packed array, which slice copies in one step). */
const NULL_ROW: null[] = [];
for (let i = 0; i < 64; i++) NULL_ROW.push(null);

/** A new array of `n` nulls. */
function nulls(n: number): null[] {
  if (n <= NULL_ROW.length) return NULL_ROW.slice(0, n);
  const out = NULL_ROW.slice();
  for (let i = NULL_ROW.length; i < n; i++) out.push(null);
  return out;
}

/** `read` of each part's rows among `hits` (one call per part), put back in the hits' order. */
function perPart<T>(hits: Hits, read: (part: Part, rows: number[]) => T[]): T[] {
  const positions = new Map<Part, number[]>();
  for (let i = 0; i < hits.length; i++) {
    const part = hits.partAt(i);
    const at = positions.get(part);
    if (at) at.push(i);
    else positions.set(part, [i]);
  }
  const out = new Array<T>(hits.length);
  for (const [part, at] of positions) {
    const got = read(part, at.map((i) => hits.rows[i]));
    at.forEach((i, j) => (out[i] = got[j]));
  }
  return out;
}
