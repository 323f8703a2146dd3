/**
 * A reversible mapping from LlamaIndex metadata keys to keys that
 * `@omendb/core` accepts.
 *
 * LlamaIndex metadata is any JSON object; core rejects keys that are empty,
 * contain '.', start with '$', or are `__proto__`, `constructor` or
 * `prototype` (its dotted keys reach into nested objects and `$` marks filter
 * operators). The adapter therefore percent-encodes exactly those characters:
 *
 * | key                               | stored as                 |
 * |-----------------------------------|---------------------------|
 * | any `%`                           | `%25`                     |
 * | any `.`                           | `%2E`                     |
 * | a leading `$`                     | `%24`                     |
 * | `__proto__` `constructor` `prototype` | first character as `%XX` (`%5F_proto__`) |
 * | the empty key                     | `%`                       |
 *
 * Keys without these characters (every key LlamaIndex itself writes:
 * `_node_content`, `ref_doc_id`, `file_name`…) are stored unchanged. Every `%`
 * the encoder emits is followed by two hex digits, except the lone `%` of the
 * empty key, so decoding is unambiguous and `decodeKey(encodeKey(k)) === k`
 * for every string `k`. Filters encode their keys the same way, so a filter on
 * `"a.b"` reaches the literal key `a.b`, as LlamaIndex's own stores read it.
 */
import type { Metadata } from '@omendb/core';

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const EMPTY_KEY = '%';

/** The core key for a LlamaIndex key; see the module comment. */
export function encodeKey(key: string): string {
  if (key === '') return EMPTY_KEY;
  let out = key.replace(/[%.]/g, (c) => (c === '%' ? '%25' : '%2E'));
  if (out.startsWith('$')) out = `%24${out.slice(1)}`;
  if (PROTOTYPE_KEYS.has(out)) out = `${percent(out.charCodeAt(0))}${out.slice(1)}`;
  return out;
}

/** The LlamaIndex key a core key was encoded from; inverse of {@link encodeKey}. */
export function decodeKey(key: string): string {
  if (key === EMPTY_KEY) return '';
  return key.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Encodes the keys of `metadata` and of every object nested in it. Values are
 * taken as they are: the caller has already made them JSON (see `node-record.ts`).
 */
export function encodeMetadata(metadata: Record<string, unknown>): Metadata {
  return mapKeys(metadata, encodeKey) as Metadata;
}

/** Decodes what {@link encodeMetadata} stored. */
export function decodeMetadata(metadata: Metadata): Record<string, unknown> {
  return mapKeys(metadata, decodeKey);
}

function mapKeys(object: Record<string, unknown>, map: (key: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    // defineProperty, so a decoded `__proto__` key becomes an own property instead of swapping the prototype.
    Object.defineProperty(out, map(key), { value: mapValue(value, map), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function mapValue(value: unknown, map: (key: string) => string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return mapKeys(value as Record<string, unknown>, map);
}

function percent(code: number): string {
  return `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
}
