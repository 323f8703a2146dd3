import { randomUUID } from 'node:crypto';
import type { Embeddings } from '@langchain/core/embeddings';
import type { PutOperation } from '@langchain/langgraph-checkpoint';
import type { Metadata } from '@omendb/core';
import type { Handles } from './handles.js';
import { locksOf } from './key-locks.js';
import { textsAtPath, tokenizePath } from './paths.js';
import { BARE_KEY, itemId, labelMetadata, namespaceKey, vectorId, type ItemMeta } from './records.js';

/** An index config with its field paths tokenized once. */
export interface ResolvedIndex {
  embeddings: Embeddings;
  dims: number;
  fields: [string, string[]][];
}

export function resolveFields(paths: readonly string[]): [string, string[]][] {
  return paths.map((p) => [p, p === '$' ? ['$'] : tokenizePath(p)]);
}

/** Writes what one put needs. */
export interface PutContext {
  handles: Handles;
  index: ResolvedIndex | null;
}

/**
 * Applies puts (value null deletes), one per key (the caller keeps the last
 * of a batch). Texts of the indexed fields (the op's `index` paths, else the
 * config's `fields`; none with `index: false`) are embedded in one
 * `embedDocuments` call. Then the batch is written in at most four core
 * calls: one upsert of the item records that keeps each stored `createdAt`
 * (core `keepMetadata`, read and written in one step of the write queue, so
 * no lock is needed for it), one delete of deleted items, one upsert of the
 * new vectors and one delete of the vectors an item no longer has. Only that
 * last one depends on a read (the item's stored vector count), so with
 * vectors the write holds the keys' locks, shared by every store on the
 * database in this process (see key-locks.ts). Resolves once every write is
 * as durable as the database promises.
 */
export async function applyPuts(ctx: PutContext, ops: PutOperation[]): Promise<void> {
  const textsOf = ops.map((op) => indexedTexts(op, ctx.index));
  const unique = [...new Set(textsOf.flat())];
  const embedded = unique.length > 0 ? await ctx.index!.embeddings.embedDocuments(unique) : [];
  const vectorOf = new Map(unique.map((t, i) => [t, embedded[i]]));
  const planned = ops.map((op, i) => ({ op, id: itemId(op.namespace, op.key), vectors: textsOf[i].map((t) => vectorOf.get(t)!).filter(nonZero) }));
  if (!ctx.handles.vectors) return writeItems(ctx, planned);
  await locksOf(ctx.handles.items).run(
    planned.map((p) => p.id),
    () => writeItems(ctx, planned),
  );
}

interface Planned {
  op: PutOperation;
  id: string;
  vectors: number[][];
}

async function writeItems(ctx: PutContext, planned: Planned[]): Promise<void> {
  const { items, vectors: vectorCol } = ctx.handles;
  // The stored vector counts, read only where there are vectors to clean up.
  const stored = vectorCol ? await items.get({ ids: planned.map((p) => p.id), include: ['metadatas'] }) : { ids: [], metadatas: [] };
  const oldCount = new Map(stored.ids.map((id, i) => [id, (stored.metadatas[i] as ItemMeta | null)?.vecs ?? 0]));
  const now = Date.now();
  const upsert = { ids: [] as string[], metadatas: [] as Metadata[], documents: [] as string[] };
  const vectorUpsert = { ids: [] as string[], embeddings: [] as number[][], metadatas: [] as Metadata[] };
  const deleted: string[] = [];
  const staleVectors: string[] = [];
  for (const { op, id, vectors } of planned) {
    const old = oldCount.get(id) ?? 0;
    if (op.value === null) {
      deleted.push(id);
      staleVectors.push(...range(id, 0, old));
      continue;
    }
    const labels = labelMetadata(op.namespace);
    const v = randomUUID();
    upsert.ids.push(id);
    const ns = namespaceKey(op.namespace);
    const meta: Metadata = { ...labels, ns, key: op.key, createdAt: now, updatedAt: now, v, vecs: vectors.length };
    if (vectors.length === 0) meta[BARE_KEY] = ns;
    upsert.metadatas.push(meta);
    upsert.documents.push(JSON.stringify(op.value));
    if (vectorCol) {
      vectorUpsert.ids.push(...range(id, 0, vectors.length));
      vectorUpsert.embeddings.push(...vectors);
      for (let i = 0; i < vectors.length; i++) vectorUpsert.metadatas.push({ ...labels, item: id, v });
      staleVectors.push(...range(id, vectors.length, old));
    }
  }
  // Issued together, without an await between them, so the collections' write queues see them in one order.
  const writes: Promise<void>[] = [];
  if (upsert.ids.length > 0) writes.push(items.upsert(upsert, { keepMetadata: ['createdAt'] }));
  if (deleted.length > 0) writes.push(items.delete({ ids: deleted }));
  if (vectorCol && vectorUpsert.ids.length > 0) writes.push(vectorCol.upsert(vectorUpsert));
  if (vectorCol && staleVectors.length > 0) writes.push(vectorCol.delete({ ids: staleVectors }));
  await Promise.all(writes);
}

/** The texts to embed for a put, in field order (empty for a delete or `index: false`). */
function indexedTexts(op: PutOperation, index: ResolvedIndex | null): string[] {
  if (op.value === null || op.index === false || !index) return [];
  const fields = op.index === undefined || op.index === null ? index.fields : resolveFields(op.index);
  return fields.flatMap(([, tokens]) => textsAtPath(op.value, tokens));
}

/** A zero vector has no cosine similarity; LangGraph scores it 0, here it is not indexed. */
function nonZero(v: number[]): boolean {
  return v.some((x) => x !== 0);
}

function range(id: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(vectorId(id, i));
  return out;
}
