/**
 * LangChain `Document`s to OmenDB records and back. Metadata is passed through
 * unchanged, nested objects included (Chroma's store flattens `loc.lines` into
 * `locFrom` / `locTo`; OmenDB stores nested metadata as given).
 */
import { randomUUID } from 'node:crypto';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import { ValidationError, type Metadata, type RecordsInput } from '@omendb/core';

/**
 * The id of each document: `ids[i]` when `ids` is given, else `documents[i].id`
 * when it is a non-empty string, else a new random UUID (v4).
 * @throws ValidationError when `ids` is not an array of `documents.length` entries.
 */
export function resolveIds(documents: DocumentInterface[], ids: unknown): string[] {
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length !== documents.length) {
      throw new ValidationError(`options.ids must be an array of ${documents.length} ids, one per document`, [
        { code: 'length_mismatch', path: ['ids'], message: `expected ${documents.length} entries` },
      ]);
    }
    return ids as string[];
  }
  return documents.map((doc) => (typeof doc.id === 'string' && doc.id.length > 0 ? doc.id : randomUUID()));
}

/**
 * The upsert arguments for `documents` with their `vectors` (n × dimension).
 * Nothing is copied: OmenDB encodes the metadata on write and never keeps or
 * changes the caller's objects.
 * @throws ValidationError when `vectors` and `documents` differ in length.
 */
export function toRecords(vectors: number[][], documents: DocumentInterface[], ids: string[]): RecordsInput {
  if (vectors.length !== documents.length) {
    throw new ValidationError(`got ${vectors.length} vectors for ${documents.length} documents`, [
      { code: 'length_mismatch', path: ['vectors'], message: `expected ${documents.length} vectors` },
    ]);
  }
  return {
    ids,
    embeddings: vectors,
    metadatas: documents.map((doc) => (doc.metadata ?? {}) as Metadata),
    documents: documents.map((doc) => doc.pageContent),
  };
}

/** One stored record as a `Document` carrying its `id`; a missing document reads as `""`, missing metadata as `{}`. */
export function toDocument(id: string, document: string | null, metadata: Metadata | null): Document {
  return new Document({ pageContent: document ?? '', metadata: metadata ?? {}, id });
}
