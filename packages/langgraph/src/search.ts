import type { SearchItem, SearchOperation } from '@langchain/langgraph-checkpoint';
import type { Collection, Metadata } from '@omendb/core';
import { matchesFilter } from './filter.js';
import type { Handles } from './handles.js';
import { BARE_KEY, decodeItem, isUnder, NAMESPACE_KEY, prefixWhere, type ItemMeta } from './records.js';

/** Largest number of vector hits one search asks core for (core's nResults bound). */
const MAX_FETCH = 100_000;

/**
 * A search without a query (or without an index): the items under the
 * namespace prefix that pass the filter, in storage order, paged. Without a
 * filter core pages; with one, items are filtered here (LangGraph's filter
 * semantics are not core's `where`).
 */
export async function listItems(h: Handles, op: SearchOperation): Promise<SearchItem[]> {
  const offset = op.offset ?? 0;
  const limit = op.limit ?? 10;
  const where = prefixWhere(op.namespacePrefix);
  if (!op.filter || Object.keys(op.filter).length === 0) {
    return toItems(await h.items.get({ where, offset, limit }));
  }
  const all = toItems(await h.items.get({ where })).filter((item) => matchesFilter(item.value, op.filter));
  return all.slice(offset, offset + limit);
}

/**
 * A semantic search: the nearest vectors under the namespace prefix (HNSW,
 * cosine), grouped by item so each item comes once with its best score
 * (cosine similarity = 1 − cosine distance, higher = more similar), stale
 * vectors (another version than the item's) dropped, the filter applied,
 * then `offset`/`limit`. Vector hits are fetched in growing rounds until the
 * page is full or no more exist. When fewer than `limit` scored items are
 * found, items without vectors under the prefix fill the page, unscored, as
 * InMemoryStore does.
 */
export async function semanticSearch(h: Handles, vectors: Collection, op: SearchOperation, query: number[]): Promise<SearchItem[]> {
  const offset = op.offset ?? 0;
  const limit = op.limit ?? 10;
  const want = offset + limit;
  const where = (await everyNamespaceUnder(h, op.namespacePrefix)) ? undefined : prefixWhere(op.namespacePrefix);
  let fetch = Math.min(MAX_FETCH, Math.max(16, want * 4));
  let ranked: SearchItem[] = [];
  for (;;) {
    const res = await vectors.query({ queryEmbeddings: [query], nResults: fetch, where, include: ['metadatas', 'distances'] });
    ranked = await rankItems(h.items, res.metadatas[0] as Metadata[], res.distances[0], op);
    if (ranked.length >= want || res.ids[0].length < fetch || fetch === MAX_FETCH) break;
    fetch = Math.min(MAX_FETCH, fetch * 4);
  }
  const kept = ranked.slice(offset, want);
  if (kept.length < limit && (await holdsUnindexed(h, op.namespacePrefix))) kept.push(...(await unscored(h, op, limit - kept.length, new Set(ranked.map((i) => JSON.stringify([i.namespace, i.key]))))));
  return kept;
}

/** Items of the hits in rank order, once each with its best score, current version and passing the filter. */
async function rankItems(items: Collection, metas: Metadata[], distances: number[], op: SearchOperation): Promise<SearchItem[]> {
  // Hits in rank order per item; a crash that cut a put short may leave vectors of another version.
  const hits = new Map<string, { score: number; v: string }[]>();
  metas.forEach((m, i) => {
    const id = m.item as string;
    let list = hits.get(id);
    if (!list) hits.set(id, (list = []));
    list.push({ score: 1 - distances[i], v: m.v as string });
  });
  const ids = [...hits.keys()];
  const got = ids.length > 0 ? await items.get({ ids }) : { ids: [], metadatas: [], documents: [] };
  const byId = new Map(got.ids.map((id, i) => [id, { meta: got.metadatas[i]!, doc: got.documents[i]! }]));
  const out: SearchItem[] = [];
  for (const id of ids) {
    const record = byId.get(id);
    const hit = record && hits.get(id)!.find((h) => h.v === (record.meta as unknown as ItemMeta).v);
    if (!record || !hit) continue;
    const item = decodeItem(record.meta, record.doc);
    if (matchesFilter(item.value, op.filter)) out.push({ ...item, score: hit.score });
  }
  // Stable: in order of first hit, unless a stale first hit put an item too early.
  return out.sort((a, b) => b.score! - a.score!);
}

/**
 * Whether every namespace holding an item is under the prefix (core's
 * distinct namespaces; no item is read). Then the prefix filters nothing and
 * the vector search runs without a `where`, which core would otherwise test
 * on every node the search visits. A vector whose item is gone (a crash
 * between the writes of a delete) may then come back; ranking drops it.
 */
async function everyNamespaceUnder(h: Handles, prefix: string[]): Promise<boolean> {
  if (prefix.length === 0) return true;
  const { values } = await h.items.distinct({ key: NAMESPACE_KEY });
  return values.every((ns) => isUnder(ns as string, prefix));
}

/** Whether some namespace under the prefix holds an item without vectors (core's distinct values of `bare`; no item is read). */
async function holdsUnindexed(h: Handles, prefix: string[]): Promise<boolean> {
  const { values } = await h.items.distinct({ key: BARE_KEY });
  return values.some((ns) => isUnder(ns as string, prefix));
}

/** Up to `n` items under the prefix with no vector that pass the filter and are not in `seen`. */
async function unscored(h: Handles, op: SearchOperation, n: number, seen: Set<string>): Promise<SearchItem[]> {
  // Without a filter core can stop early (`seen` holds scored items, which have vectors).
  const filtered = op.filter !== undefined && Object.keys(op.filter).length > 0;
  const res = await h.items.get({ where: prefixWhere(op.namespacePrefix, [{ vecs: 0 }]), limit: filtered ? undefined : n });
  const out: SearchItem[] = [];
  for (const item of toItems(res)) {
    if (out.length >= n) break;
    if (seen.has(JSON.stringify([item.namespace, item.key])) || !matchesFilter(item.value, op.filter)) continue;
    out.push({ ...item, score: undefined });
  }
  return out;
}

function toItems(res: { metadatas: (Metadata | null)[]; documents: (string | null)[] }): SearchItem[] {
  return res.metadatas.map((m, i) => ({ ...decodeItem(m!, res.documents[i]!), score: undefined }));
}
