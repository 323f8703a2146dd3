/**
 * Translation of checked LlamaIndex filters (and `docIds`) into a core
 * `where` filter, so that filtering happens inside core's search (filtered
 * HNSW or exact search over the candidates) rather than after it.
 *
 * Each filter becomes a `where` that selects exactly the records it matches
 * (see `evaluate.ts` for the meaning), or, where core's language cannot say
 * it, a superset of them:
 *
 * | operator | core `where` on the encoded key `k` | exact |
 * |---|---|---|
 * | `==` | `{ k: { $eq: v } }` | yes |
 * | `!=` | `{ k: { $ne: v } }` (core's `$ne` also matches a missing key) | no |
 * | `> < >= <=` number | `{ k: { $gt / $lt / $gte / $lte: v } }` | yes |
 * | `> < >= <=` string | every record (core compares numbers only) | no |
 * | `in` | `$in` per operand type, ORed (core wants one type per list); `in []` selects nothing | yes |
 * | `nin` | `$nin` per operand type, ANDed (core's `$nin` matches a missing key) | no |
 * | `any` | `$contains` per value, ORed; `any []` selects nothing | yes |
 * | `all` | `$contains` per value, ANDed; `all []` every record (must still be an array) | non-empty only |
 * | `contains` | `{ k: { $contains: v } }` | yes |
 * | `text_match`, `is_empty` | every record (no substring or emptiness test on metadata in core) | no |
 *
 * `and` / `or` combine the parts with `$and` / `$or`: a conjunction or
 * disjunction of supersets is a superset, and it is exact when every part is.
 * `docIds` adds `{ ref_doc_id: { $in: docIds } }`, ANDed, exactly. When the
 * result is not exact the caller over-fetches and finishes with `evaluate.ts`.
 */
import type { Where } from '@omendb/core';
import { encodeKey } from '../metadata-keys.js';
import { REF_DOC_ID_KEY } from '../node-record.js';
import type { CheckedFilter, CheckedFilters, FilterScalar } from './check.js';

/** What core can select: every record, no record, or the records a `where` matches. */
export type Selection = { kind: 'all' } | { kind: 'none' } | { kind: 'where'; where: Where };

/** A selection and whether it is exactly the filters' matches (else a superset of them). */
export interface Pushdown {
  selection: Selection;
  exact: boolean;
}

const ALL: Selection = { kind: 'all' };
const NONE: Selection = { kind: 'none' };

/**
 * The core selection for `filters` restricted to nodes whose source document
 * is one of `docIds` (when given; `[]` selects nothing).
 */
export function pushdown(filters: CheckedFilters | undefined, docIds: string[] | undefined): Pushdown {
  const parts: Pushdown[] = [];
  if (docIds !== undefined) parts.push(inList(REF_DOC_ID_KEY, docIds));
  if (filters !== undefined) {
    const each = filters.filters.map(translate);
    parts.push(filters.condition === 'and' ? and(each) : or(each));
  }
  return and(parts);
}

function translate(filter: CheckedFilter): Pushdown {
  const k = encodeKey(filter.key);
  switch (filter.operator) {
    case '==':
      return exact({ [k]: { $eq: filter.value } });
    case '!=':
      return superset({ [k]: { $ne: filter.value } });
    case '>':
    case '<':
    case '>=':
    case '<=':
      if (typeof filter.value !== 'number') return { selection: ALL, exact: false };
      return exact({ [k]: { [RANGE[filter.operator]]: filter.value } });
    case 'in':
      return inList(filter.key, filter.value);
    case 'nin': {
      const groups = byType(filter.value);
      if (groups.length === 0) return { selection: ALL, exact: false };
      return { selection: and(groups.map((g) => exact({ [k]: { $nin: g } }))).selection, exact: false };
    }
    case 'any':
      return or(filter.value.map((v) => exact({ [k]: { $contains: v } })));
    case 'all':
      if (filter.value.length === 0) return { selection: ALL, exact: false };
      return and(filter.value.map((v) => exact({ [k]: { $contains: v } })));
    case 'contains':
      return exact({ [k]: { $contains: filter.value } });
    case 'text_match':
    case 'is_empty':
      return { selection: ALL, exact: false };
  }
}

const RANGE = { '>': '$gt', '<': '$lt', '>=': '$gte', '<=': '$lte' } as const;

/** `key` is one of `values`; exact. */
function inList(key: string, values: FilterScalar[]): Pushdown {
  const k = encodeKey(key);
  return or(byType(values).map((group) => exact({ [k]: { $in: group } })));
}

/** Conjunction; any part selecting nothing selects nothing, exactly. */
function and(parts: Pushdown[]): Pushdown {
  if (parts.some((p) => p.selection.kind === 'none')) return { selection: NONE, exact: true };
  const wheres = parts.flatMap((p) => (p.selection.kind === 'where' ? [p.selection.where] : []));
  const exactAll = parts.every((p) => p.exact);
  if (wheres.length === 0) return { selection: ALL, exact: exactAll };
  return { selection: { kind: 'where', where: wheres.length === 1 ? wheres[0] : { $and: wheres } }, exact: exactAll };
}

/** Disjunction; parts selecting nothing drop out, and none left selects nothing. */
function or(parts: Pushdown[]): Pushdown {
  const live = parts.filter((p) => p.selection.kind !== 'none');
  if (live.length === 0) return { selection: NONE, exact: true };
  const everything = live.filter((p) => p.selection.kind === 'all');
  if (everything.length > 0) return { selection: ALL, exact: everything.some((p) => p.exact) };
  const wheres = live.map((p) => (p.selection as { kind: 'where'; where: Where }).where);
  return { selection: { kind: 'where', where: wheres.length === 1 ? wheres[0] : { $or: wheres } }, exact: live.every((p) => p.exact) };
}

function exact(where: Where): Pushdown {
  return { selection: { kind: 'where', where }, exact: true };
}

function superset(where: Where): Pushdown {
  return { selection: { kind: 'where', where }, exact: false };
}

/** Values split into same-typed lists, because core's `$in` / `$nin` want one type per list. */
function byType(values: FilterScalar[]): FilterScalar[][] {
  const groups = new Map<string, FilterScalar[]>();
  for (const v of values) {
    const group = groups.get(typeof v);
    if (group) group.push(v);
    else groups.set(typeof v, [v]);
  }
  return [...groups.values()];
}
