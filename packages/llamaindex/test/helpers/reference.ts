/**
 * Plain-JS references for the store's contract, written from the README's
 * tables and independent of src/: which nodes a LlamaIndex filter matches, and
 * the exact nearest neighbours among them.
 */
import type { MetadataFilter, MetadataFilters } from 'llamaindex';

/** The tests' one seeded PRNG (mulberry32), shared with the core package's tests. */
export { seededRandom } from '../../../core/test/helpers/tmp.js';

export type Meta = Record<string, unknown>;

/** Whether `meta` passes one filter, per the README's operator table. */
export function referenceMatch(filter: MetadataFilter, meta: Meta): boolean {
  const present = Object.prototype.hasOwnProperty.call(meta, filter.key);
  const v = present ? meta[filter.key] : undefined;
  const value = filter.value as unknown;
  if (filter.operator === 'is_empty') return !present || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  if (!present) return false;
  const list = value as unknown[];
  switch (filter.operator) {
    case '==':
      return v === value;
    case '!=':
      return v !== value;
    case '>':
      return sameType(v, value) && (v as number) > (value as number);
    case '<':
      return sameType(v, value) && (v as number) < (value as number);
    case '>=':
      return sameType(v, value) && (v as number) >= (value as number);
    case '<=':
      return sameType(v, value) && (v as number) <= (value as number);
    case 'in':
      return list.some((x) => x === v);
    case 'nin':
      return !list.some((x) => x === v);
    case 'any':
      return Array.isArray(v) && list.some((x) => v.some((y) => y === x));
    case 'all':
      return Array.isArray(v) && list.every((x) => v.some((y) => y === x));
    case 'contains':
      return Array.isArray(v) && v.some((y) => y === value);
    case 'text_match':
      if (typeof v === 'string') return v.indexOf(String(value)) !== -1;
      return Array.isArray(v) && v.some((y) => y === value);
  }
  throw new Error(`reference has no operator ${filter.operator}`);
}

function sameType(a: unknown, b: unknown): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

/** Whether `meta` passes `filters` (`and` by default; an empty list passes everything). */
export function referenceMatches(filters: MetadataFilters | undefined, meta: Meta): boolean {
  if (!filters || filters.filters.length === 0) return true;
  const one = (f: MetadataFilter) => referenceMatch(f, meta);
  return (filters.condition ?? 'and') === 'and' ? filters.filters.every(one) : filters.filters.some(one);
}

/** Cosine similarity in float64 of the float32-rounded vectors (what the store holds). */
export function cosineSimilarity(a: number[], b: number[]): number {
  const fa = Float32Array.from(a);
  const fb = Float32Array.from(b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < fa.length; i++) {
    dot += fa[i] * fb[i];
    na += fa[i] * fa[i];
    nb += fb[i] * fb[i];
  }
  return dot / Math.sqrt(na * nb);
}

/** The `k` items of highest cosine similarity to `query`, best first, as `[id, similarity]`. */
export function referenceTopK(items: { id: string; embedding: number[] }[], query: number[], k: number): [string, number][] {
  return items
    .map((item): [string, number] => [item.id, cosineSimilarity(item.embedding, query)])
    .sort((a, b) => b[1] - a[1])
    .slice(0, k);
}
