import type { Collection as ChromaCollection, Metadata as ChromaMetadata } from 'chromadb';
import type { Collection } from '../../api/collection.js';
import type { Metadata } from '../../types.js';

/** One record in flight between the two stores. */
export interface MigrationRecord {
  id: string;
  embedding: number[];
  metadata: Metadata | null;
  document: string | null;
}

/**
 * One side of a migration, OmenDB or Chroma, behind the same few calls, so
 * copying and checking read the same in both directions.
 */
export interface Side {
  /** `omendb` or `chroma`, for messages. */
  kind: string;
  name: string;
  count(): Promise<number>;
  /** Records `[offset, offset + limit)` in the store's own stable order. */
  page(offset: number, limit: number): Promise<MigrationRecord[]>;
  /** The records with these ids (missing ones left out). */
  byIds(ids: string[]): Promise<MigrationRecord[]>;
  /** Ids of the `k` nearest records to each query. */
  query(embeddings: number[][], k: number): Promise<string[][]>;
  /** Adds records (all new). */
  add(records: MigrationRecord[]): Promise<void>;
}

type Fields = { ids: string[]; embeddings?: number[][]; metadatas: (Metadata | ChromaMetadata | null)[]; documents: (string | null)[] };

function toRecords(r: Fields): MigrationRecord[] {
  return r.ids.map((id, i) => ({
    id,
    embedding: r.embeddings![i],
    metadata: (r.metadatas[i] ?? null) as Metadata | null,
    document: r.documents[i] ?? null,
  }));
}

/** An OmenDB collection as a migration side. */
export function omenSide(col: Collection): Side {
  const include = ['embeddings', 'metadatas', 'documents'] as const;
  return {
    kind: 'omendb',
    name: col.name,
    count: () => col.count(),
    page: async (offset, limit) => toRecords(await col.get({ offset, limit, include: [...include] })),
    byIds: async (ids) => toRecords(await col.get({ ids, include: [...include] })),
    query: async (embeddings, k) => (await col.query({ queryEmbeddings: embeddings, nResults: k, include: [] })).ids,
    add: (records) =>
      col.add({
        ids: records.map((r) => r.id),
        embeddings: records.map((r) => r.embedding),
        metadatas: records.map((r) => r.metadata),
        documents: records.map((r) => r.document),
      }),
  };
}

/**
 * A Chroma collection as a migration side. Chroma's client takes documents
 * only as strings, so a batch is sent in two calls when some records have no
 * document; metadata must already be in Chroma's form (see chroma-metadata.ts).
 */
export function chromaSide(col: ChromaCollection): Side {
  const include = ['embeddings', 'metadatas', 'documents'] as ('embeddings' | 'metadatas' | 'documents')[];
  return {
    kind: 'chroma',
    name: col.name,
    count: () => col.count(),
    page: async (offset, limit) => toRecords(await col.get({ offset, limit, include })),
    byIds: async (ids) => toRecords(await col.get({ ids, include })),
    query: async (embeddings, k) => (await col.query({ queryEmbeddings: embeddings, nResults: k, include: ['distances'] })).ids,
    add: async (records) => {
      const withDocs = records.filter((r) => r.document !== null);
      const without = records.filter((r) => r.document === null);
      if (withDocs.length > 0) {
        await col.add({ ...fields(withDocs), documents: withDocs.map((r) => r.document!) });
      }
      if (without.length > 0) await col.add(fields(without));
    },
  };
}

function fields(records: MigrationRecord[]): { ids: string[]; embeddings: number[][]; metadatas: ChromaMetadata[] } {
  return {
    ids: records.map((r) => r.id),
    embeddings: records.map((r) => r.embedding),
    // Chroma's type says Metadata, but its client and server take null for "none".
    metadatas: records.map((r) => r.metadata as ChromaMetadata),
  };
}
