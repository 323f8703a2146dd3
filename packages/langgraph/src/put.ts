import { randomUUID } from 'node:crypto';
import type { Embeddings } from '@langchain/core/embeddings';
import type { PutOperation } from '@langchain/langgraph-checkpoint';
import type { Metadata } from '@omendb/core';
import type { Handles } from './handles.js';
import type { KeyLocks } from './key-locks.js';
import { textsAtPath, tokenizePath } from './paths.js';
import { itemId, labelMetadata, namespaceKey, vectorId, type ItemMeta } from './records.js';

/** An index config with its field paths tokenized once. */
export interface ResolvedIndex {
  embeddings: Embeddings;
  dims: number;
  fields: [string, string[]][];
}

export function resolveFields(paths: readonly string[]): [string, string[]][] {
  return paths.map((p) => [p, p === '$' ? ['$'] : tokenizePath(p)]);
}

/** Writes what one put needs; `namespaceReady` makes sure the namespace record is durable. */
export interface PutContext {
  handles: Handles;
  index: ResolvedIndex | null;
  locks: KeyLocks;
  namespaceReady: (namespace: string[]) => Promise<void>;
}

/**
 * Applies puts (value null deletes). Texts of the indexed fields (the op's
 * `index` paths, else the config's `fields`; none with `index: false`) are
 * embedded in one `embedDocuments` call, then each item is written under its
 * key's lock: the item record by an upsert that keeps the stored `createdAt`
 * (core `keepMetadata`, atomic in the write queue), its vectors replaced.
 * Resolves once every write is as durable as the database promises.
 */
export async function applyPuts(ctx: PutContext, ops: PutOperation[]): Promise<void> {
  const textsOf = ops.map((op) => indexedTexts(op, ctx.index));
  const unique = [...new Set(textsOf.flat())];
  const embedded = unique.length > 0 ? await ctx.index!.embeddings.embedDocuments(unique) : [];
  const vectorOf = new Map(unique.map((t, i) => [t, embedded[i]]));
  await Promise.all(
    ops.map((op, i) => {
      const id = itemId(op.namespace, op.key);
      const vectors = textsOf[i].map((t) => vectorOf.get(t)!).filter(nonZero);
      return ctx.locks.run(id, () => writeItem(ctx, op, id, vectors));
    }),
  );
}

async function writeItem(ctx: PutContext, op: PutOperation, id: string, vectors: number[][]): Promise<void> {
  const { items, vectors: vectorCol } = ctx.handles;
  const stored = await items.get({ ids: [id], include: ['metadatas'] });
  const oldCount = (stored.metadatas[0] as ItemMeta | null)?.vecs ?? 0;
  if (op.value === null) {
    const writes = [items.delete({ ids: [id] })];
    if (vectorCol && oldCount > 0) writes.push(vectorCol.delete({ ids: range(id, 0, oldCount) }));
    await Promise.all(writes);
    return;
  }
  const namespaceDurable = ctx.namespaceReady(op.namespace);
  const now = Date.now();
  const labels = labelMetadata(op.namespace);
  const v = randomUUID();
  const meta: Metadata = { ...labels, ns: namespaceKey(op.namespace), key: op.key, createdAt: now, updatedAt: now, v, vecs: vectors.length };
  // Issued together, without an await between them, so the collections' write queues see them in one order.
  const writes = [items.upsert({ ids: [id], metadatas: [meta], documents: [JSON.stringify(op.value)] }, { keepMetadata: ['createdAt'] })];
  if (vectorCol && vectors.length > 0) {
    writes.push(vectorCol.upsert({ ids: range(id, 0, vectors.length), embeddings: vectors, metadatas: vectors.map(() => ({ ...labels, item: id, v })) }));
  }
  if (vectorCol && oldCount > vectors.length) writes.push(vectorCol.delete({ ids: range(id, vectors.length, oldCount) }));
  await Promise.all([...writes, namespaceDurable]);
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
