/**
 * Chroma's `groupBy` on ranked results (`ranked_group_by.rs`): records are
 * grouped by the values of metadata keys (a missing key is a value of its
 * own), each group keeps the k records with the smallest (`$min_k`) or
 * largest (`$max_k`) aggregate keys, and the survivors are ranked by
 * score again.
 */
import { compileGetter, parseKeyPath } from '../filter/key-path.js';
import type { Metadata } from '../../types.js';
import { SCORE_KEY, type GroupBySpec } from './ast.js';

/** A ranked record as group-by needs it. */
export interface RankedRecord {
  score: number;
  /** Storage position: breaks score ties, as Chroma's offset id does. */
  order: number;
  metadata(): Metadata | null;
}

/** The records `spec` keeps, ascending by score then storage order. `ranked` is in that order already. */
export function groupRanked<R extends RankedRecord>(ranked: R[], spec: GroupBySpec): R[] {
  const groupGetters = spec.keys.map(getter);
  const sortGetters = spec.aggregate.keys.map((key) => (key === SCORE_KEY ? (r: RankedRecord) => r.score : getterOf(key)));
  const groups = new Map<string, R[]>();
  for (const record of ranked) {
    const meta = record.metadata();
    const id = JSON.stringify(groupGetters.map((get) => get(meta) ?? null));
    let group = groups.get(id);
    if (!group) groups.set(id, (group = []));
    group.push(record);
  }
  const sign = spec.aggregate.kind === 'min_k' ? 1 : -1;
  const kept: R[] = [];
  for (const group of groups.values()) {
    const keyed = group.map((record) => ({ record, values: sortGetters.map((get) => get(record)) }));
    // Array.prototype.sort is stable: equal keys keep rank order, as Rust's stable sort does.
    keyed.sort((a, b) => sign * compareTuples(a.values, b.values));
    for (const { record } of keyed.slice(0, spec.aggregate.k)) kept.push(record);
  }
  return kept.sort(byScore);
}

/** Ascending score, then storage order; NaN last. */
export function byScore(a: RankedRecord, b: RankedRecord): number {
  const an = Number.isNaN(a.score);
  const bn = Number.isNaN(b.score);
  if (an || bn) return an === bn ? a.order - b.order : an ? 1 : -1;
  return a.score - b.score || a.order - b.order;
}

function getter(key: string): (meta: Metadata | null) => unknown {
  return compileGetter(parseKeyPath(key) ?? [key]);
}

function getterOf(key: string): (r: RankedRecord) => unknown {
  const get = getter(key);
  return (r) => get(r.metadata());
}

function compareTuples(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Chroma's order of metadata values: missing first, then by type (boolean,
 * number, string, array; objects, which Chroma has not, last), then by value.
 */
function compareValues(a: unknown, b: unknown): number {
  const ta = typeRank(a);
  const tb = typeRank(b);
  if (ta !== tb) return ta - tb;
  if (a === undefined || a === null) return 0;
  if (typeof a === 'boolean' || typeof a === 'number') return Number(a) - Number(b);
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    for (let i = 0; i < Math.min(a.length, bb.length); i++) {
      const c = compareValues(a[i], bb[i]);
      if (c !== 0) return c;
    }
    return a.length - bb.length;
  }
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  return Array.isArray(v) ? 4 : 5;
}
