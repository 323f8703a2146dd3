/**
 * Chroma `where` filters as the store applies them: a store-wide default
 * filter ANDed with the filter of one call.
 */
import type { Where } from '@omendb/core';

/**
 * `base` AND `extra`. An absent or empty (`{}`) filter means "no filter", as it
 * does for Chroma's LangChain store, and is left out.
 * @returns the combined filter, or `undefined` when neither filters anything.
 */
export function combineWhere(base: Where | undefined, extra: Where | undefined): Where | undefined {
  const a = isEmpty(base) ? undefined : base;
  const b = isEmpty(extra) ? undefined : extra;
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { $and: [a, b] };
}

function isEmpty(where: Where | undefined): boolean {
  return where === undefined || where === null || (typeof where === 'object' && Object.keys(where).length === 0);
}
