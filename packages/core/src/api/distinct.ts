import { z } from 'zod';
import type { CollectionState } from '../storage/collection-state.js';
import type { DistinctValue } from '../storage/distinct-values.js';
import { parse } from './schemas.js';

export type { DistinctValue } from '../storage/distinct-values.js';

/** Arguments of `Collection.distinct`. */
export interface DistinctArgs {
  /** A top-level metadata key (non-empty). */
  key: string;
  /** At most this many values (an integer ≥ 0); default all. */
  limit?: number;
  /** Skip this many values first (an integer ≥ 0); default 0. */
  offset?: number;
}

/** What `Collection.distinct` returns: `values[i]` is held by `counts[i]` ≥ 1 live records. */
export interface DistinctResult {
  values: DistinctValue[];
  counts: number[];
}

const distinctSchema = z
  .object({
    key: z.string().min(1),
    limit: z.number().int().min(0).optional(),
    offset: z.number().int().min(0).optional(),
  })
  .strict();

/** Validates `args` (ValidationError) and reads the page of distinct values from `state`. */
export function readDistinct(state: CollectionState, args: DistinctArgs): DistinctResult {
  const a = parse(distinctSchema, args, 'distinct arguments');
  const all = state.distinct.list(a.key, state.parts);
  const from = a.offset ?? 0;
  const to = a.limit === undefined ? undefined : from + a.limit;
  return { values: all.values.slice(from, to), counts: all.counts.slice(from, to) };
}
