import { metadataAt, type Hit } from '../search/fanout.js';
import type { Part } from '../storage/part.js';
import type { QueryResult } from './results.js';

/**
 * Appends one query's row of `result` from its hits, nearest first: ids and
 * distances always, and only the fields `result` includes (a vector copy or
 * a metadata decode per hit is not free). Ids and documents are read per
 * part in one call (Part.externalIds / documentsOf), which overlaps the
 * cache misses of the hits' entries.
 */
export function pushHits(result: QueryResult, hits: readonly Hit[]): void {
  const n = hits.length;
  const withMetadata = result.include.includes('metadatas');
  const withDocuments = result.include.includes('documents');
  // One pass over the hits for what every query returns; their rows are mostly all in one part, read with one call.
  const distances: number[] = [];
  const rows: number[] = [];
  const first = n > 0 ? hits[0].part : null;
  let onePart = true;
  for (let i = 0; i < n; i++) {
    const hit = hits[i];
    distances.push(hit.distance);
    rows.push(hit.row);
    if (hit.part !== first) onePart = false;
  }
  result.ids.push(first === null ? [] : onePart ? first.externalIds(rows) : perPart(hits, (part, at) => part.externalIds(at)));
  result.distances.push(distances);
  result.metadatas.push(withMetadata ? hits.map((h) => metadataAt(h.part, h.row)) : nulls(n));
  if (!withDocuments) result.documents.push(nulls(n));
  else result.documents.push(first === null ? [] : onePart ? first.documentsOf(rows) : perPart(hits, (part, at) => part.documentsOf(at)));
  if (result.embeddings) result.embeddings.push(hits.map((h) => Array.from(h.part.index.vector(h.row))));
}

function nulls(n: number): null[] {
  const out: null[] = [];
  for (let i = 0; i < n; i++) out.push(null);
  return out;
}

/** `read` of each part's rows among `hits` (one call per part), put back in the hits' order. */
function perPart<T>(hits: readonly Hit[], read: (part: Part, rows: number[]) => T[]): T[] {
  const positions = new Map<Part, number[]>();
  hits.forEach((hit, i) => {
    const at = positions.get(hit.part);
    if (at) at.push(i);
    else positions.set(hit.part, [i]);
  });
  const out = new Array<T>(hits.length);
  for (const [part, at] of positions) {
    const got = read(part, at.map((i) => hits[i].row));
    at.forEach((i, j) => (out[i] = got[j]));
  }
  return out;
}
