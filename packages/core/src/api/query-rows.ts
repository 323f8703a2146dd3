import { metadataAt, type Hit } from '../search/fanout.js';
import type { Part } from '../storage/part.js';
import type { Metadata } from '../types.js';
import type { QueryResult } from './results.js';

/**
 * Appends one query's row of `result` from its hits, nearest first: ids and
 * distances always, and only the fields `result` includes (a vector copy or
 * a metadata decode per hit is not free). Ids and documents are read per
 * part in one call (Part.externalIds / documentsOf), which overlaps the
 * cache misses of the hits' entries.
 */
export function pushHits(result: QueryResult, hits: readonly Hit[]): void {
  const withMetadata = result.include.includes('metadatas');
  const withDocuments = result.include.includes('documents');
  const distances: number[] = [];
  const metadatas: (Metadata | null)[] = [];
  for (const hit of hits) {
    distances.push(hit.distance);
    metadatas.push(withMetadata ? metadataAt(hit.part, hit.row) : null);
  }
  result.ids.push(perPart(hits, (part, rows) => part.externalIds(rows)));
  result.distances.push(distances);
  result.metadatas.push(metadatas);
  result.documents.push(withDocuments ? perPart(hits, (part, rows) => part.documentsOf(rows)) : hits.map(() => null));
  if (result.embeddings) result.embeddings.push(hits.map((h) => Array.from(h.part.index.vector(h.row))));
}

/** `read` of each part's rows among `hits` (one call per part), put back in the hits' order. */
function perPart<T>(hits: readonly Hit[], read: (part: Part, rows: number[]) => T[]): T[] {
  if (hits.length === 0) return [];
  const first = hits[0].part;
  if (hits.every((h) => h.part === first)) return read(first, hits.map((h) => h.row));
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
