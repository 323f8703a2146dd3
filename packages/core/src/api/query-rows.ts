import { metadataAt, type Hit } from '../search/fanout.js';
import type { Part } from '../storage/part.js';
import type { Metadata } from '../types.js';
import type { QueryResult } from './results.js';

/**
 * Appends one query's row of `result` from its hits, nearest first: ids and
 * distances always, and only the fields `result` includes (a vector copy or
 * a metadata decode per hit is not free).
 */
export function pushHits(result: QueryResult, hits: readonly Hit[]): void {
  const ids = idsOf(hits);
  const distances: number[] = [];
  const metadatas: (Metadata | null)[] = [];
  const documents: (string | null)[] = [];
  const withMetadata = result.include.includes('metadatas');
  const withDocuments = result.include.includes('documents');
  for (const hit of hits) {
    distances.push(hit.distance);
    metadatas.push(withMetadata ? metadataAt(hit.part, hit.row) : null);
    documents.push(withDocuments ? hit.part.document(hit.row) : null);
  }
  result.ids.push(ids);
  result.distances.push(distances);
  result.metadatas.push(metadatas);
  result.documents.push(documents);
  if (result.embeddings) result.embeddings.push(hits.map((h) => Array.from(h.part.index.vector(h.row))));
}

/** The hits' ids, in order: one Part.externalIds call per part, so a part's ids are read together. */
function idsOf(hits: readonly Hit[]): string[] {
  if (hits.length === 0) return [];
  const first = hits[0].part;
  if (hits.every((h) => h.part === first)) return first.externalIds(hits.map((h) => h.row));
  const positions = new Map<Part, number[]>();
  hits.forEach((hit, i) => {
    const at = positions.get(hit.part);
    if (at) at.push(i);
    else positions.set(hit.part, [i]);
  });
  const ids: string[] = hits.map(() => '');
  for (const [part, at] of positions) {
    const got = part.externalIds(at.map((i) => hits[i].row));
    at.forEach((i, j) => (ids[i] = got[j]));
  }
  return ids;
}
