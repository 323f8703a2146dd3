/**
 * The meaning of every LlamaIndex filter operator, as a predicate over a
 * node's metadata (the LlamaIndex dict: the node's metadata plus `doc_id`,
 * `ref_doc_id`… — see `node-record.ts`). `pushdown.ts` translates the same
 * meaning into core `where` filters; this predicate finishes what core cannot
 * express.
 *
 * It follows LlamaIndex's own reference, `SimpleVectorStore` (`buildFilterFn`
 * in `llamaindex/vector-store`): a key is read flat (`metadata[key]`, no
 * dotted paths), and a missing key fails every operator but `is_empty` — so
 * `!=` and `nin` do not match a node that lacks the key. Where that reference
 * relies on JavaScript's loose comparisons or has bugs, this one is strict:
 *
 * | operator | matches when the value `v` under `key`… | SimpleVectorStore differs |
 * |---|---|---|
 * | `==` / `!=` | is / is not `value` (`===`) | |
 * | `> < >= <=` | has the operand's type and compares: numbers numerically, strings by UTF-16 code units | loose: `'10' > 9` holds |
 * | `in` / `nin` | is / is not one of `value` (`===`) | `in [0]` never matches (`!!find`) |
 * | `any` / `all` | is an array holding any / all of `value` (`all []` holds for any array) | |
 * | `contains` | is an array holding `value` | throws on arrays of booleans |
 * | `text_match` | is a string containing `value` as a substring (case-sensitive), or an array holding `value` | throws on a number `v` |
 * | `is_empty` | is missing, `null`, `""` or `[]` | |
 *
 * Filters combine with `condition` `and` (every filter) or `or` (some filter).
 */
import type { CheckedFilter, CheckedFilters } from './check.js';

/** Whether `metadata` passes `filters`. */
export function matchesFilters(filters: CheckedFilters, metadata: Record<string, unknown>): boolean {
  const test = (filter: CheckedFilter) => matchesFilter(filter, metadata);
  return filters.condition === 'and' ? filters.filters.every(test) : filters.filters.some(test);
}

/** Whether `metadata` passes one filter; see the module comment for each operator. */
export function matchesFilter(filter: CheckedFilter, metadata: Record<string, unknown>): boolean {
  const v = Object.hasOwn(metadata, filter.key) ? metadata[filter.key] : undefined;
  if (filter.operator === 'is_empty') return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  if (v === undefined) return false;
  switch (filter.operator) {
    case '==':
      return v === filter.value;
    case '!=':
      return v !== filter.value;
    case '>':
    case '<':
    case '>=':
    case '<=':
      return typeof v === typeof filter.value && compare(v as number | string, filter.operator, filter.value);
    case 'in':
      return filter.value.includes(v as string);
    case 'nin':
      return !filter.value.includes(v as string);
    case 'any':
      return Array.isArray(v) && filter.value.some((x) => v.includes(x));
    case 'all':
      return Array.isArray(v) && filter.value.every((x) => v.includes(x));
    case 'contains':
      return Array.isArray(v) && v.includes(filter.value);
    case 'text_match':
      if (typeof v === 'string') return v.includes(String(filter.value));
      return Array.isArray(v) && v.includes(filter.value);
  }
}

function compare(v: number | string, operator: '>' | '<' | '>=' | '<=', operand: number | string): boolean {
  switch (operator) {
    case '>':
      return v > operand;
    case '<':
      return v < operand;
    case '>=':
      return v >= operand;
    case '<=':
      return v <= operand;
  }
}
