/**
 * Reads the fields of `get` results, and only those asked for: a row's
 * metadata is decoded only when `include` has 'metadatas', its document only
 * with 'documents', its vector copied only with 'embeddings'. A document may
 * be large (up to `maxDocumentBytes`), so a read that does not return it
 * never decodes it.
 */
import type { RecordLocation } from '../storage/collection-state.js';
import { metadataAt } from '../search/fanout.js';
import type { IncludeField } from '../types.js';
import { GetResult } from './results.js';

/** The result of `get` for these locations, in their order. */
export function readGetResult(locations: RecordLocation[], include: IncludeField[]): GetResult {
  const withMetadata = include.includes('metadatas');
  const withDocuments = include.includes('documents');
  return new GetResult(
    locations.map(idAt),
    locations.map((loc) => (withMetadata ? metadataAt(loc.part, loc.row) : null)),
    locations.map((loc) => (withDocuments ? loc.part.document(loc.row) : null)),
    include,
    include.includes('embeddings') ? locations.map((loc) => Array.from(loc.part.index.vector(loc.row))) : undefined,
  );
}

/** The external id at a location, decoding nothing else. */
export function idAt(loc: RecordLocation): string {
  return loc.part.externalId(loc.row);
}
