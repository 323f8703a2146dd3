import { metadataAt, type Hit } from '../search/fanout.js';
import type { Metadata } from '../types.js';
import type { QueryResult } from './results.js';

/**
 * Appends one query's row of `result` from its hits, nearest first: ids and
 * distances always, and only the fields `result` includes (a vector copy or
 * a metadata decode per hit is not free).
 */
export function pushHits(result: QueryResult, hits: readonly Hit[]): void {
  const ids: string[] = [];
  const distances: number[] = [];
  const metadatas: (Metadata | null)[] = [];
  const documents: (string | null)[] = [];
  const withMetadata = result.include.includes('metadatas');
  const withDocuments = result.include.includes('documents');
  for (const hit of hits) {
    ids.push(hit.part.externalId(hit.row));
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
