import type { Item } from '@langchain/langgraph-checkpoint';
import type { Metadata, Where } from '@omendb/core';

/**
 * How a LangGraph item maps onto core records.
 *
 * Item record (a collection without vectors): id = JSON `[namespace, key]`,
 * document = the value as JSON, metadata = `{ ns, key, n0…n(d−1), depth,
 * createdAt, updatedAt, v, vecs, bare? }`: `ns` the namespace as JSON
 * (exact match; core's `distinct` on it lists the namespaces), `nI` its
 * labels (prefix match by equality on the first labels), times in epoch
 * milliseconds, `v` a version written with the item and its vectors (a
 * vector of another version is stale), `vecs` its vector count, and `bare`
 * (= `ns`) only on an item without vectors, so `distinct` on it names the
 * namespaces where a search must look for unscored items.
 *
 * Vector record: id = `<item id>#<i>`, one per indexed text, metadata
 * `{ item, v, n0…, depth }`.
 */
export interface ItemMeta {
  ns: string;
  key: string;
  depth: number;
  createdAt: number;
  updatedAt: number;
  v: string;
  vecs: number;
  bare?: string;
  [label: `n${number}`]: string;
}

/** The metadata key marking items without vectors (see above). */
export const BARE_KEY = 'bare';

/** The metadata key holding an item's namespace as JSON. */
export const NAMESPACE_KEY = 'ns';

export function itemId(namespace: readonly string[], key: string): string {
  return JSON.stringify([namespace, key]);
}

export function namespaceKey(namespace: readonly string[]): string {
  return JSON.stringify(namespace);
}

export function vectorId(item: string, i: number): string {
  return `${item}#${i}`;
}

/**
 * Whether `ns`, a namespace written by {@link namespaceKey}, starts with the
 * labels of `prefix` (whole labels: `["docs"]` is not under `["doc"]`).
 * Compares the JSON texts, so nothing is parsed.
 */
export function isUnder(ns: string, prefix: readonly string[]): boolean {
  if (prefix.length === 0) return true;
  const open = namespaceKey(prefix).slice(0, -1);
  return ns.startsWith(open) && (ns[open.length] === ',' || ns[open.length] === ']');
}

/** `{ n0: a, n1: b, …, depth }` for a namespace. */
export function labelMetadata(namespace: readonly string[]): Metadata {
  const out: Metadata = { depth: namespace.length };
  namespace.forEach((label, i) => (out[`n${i}`] = label));
  return out;
}

/** A core `where` selecting records whose namespace starts with `prefix`, plus `extra` conditions; undefined for none. */
export function prefixWhere(prefix: readonly string[], extra: Where[] = []): Where | undefined {
  const conditions: Where[] = prefix.map((label, i) => ({ [`n${i}`]: label }));
  conditions.push(...extra);
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : { $and: conditions };
}

/** The item stored as `metadata` + `document`. */
export function decodeItem(metadata: Metadata, document: string): Item {
  const m = metadata as unknown as ItemMeta;
  return {
    namespace: JSON.parse(m.ns) as string[],
    key: m.key,
    value: JSON.parse(document) as Record<string, unknown>,
    createdAt: new Date(m.createdAt),
    updatedAt: new Date(m.updatedAt),
  };
}
