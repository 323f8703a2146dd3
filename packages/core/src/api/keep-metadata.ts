import { ValidationError } from '../errors.js';
import type { CollectionState } from '../storage/collection-state.js';
import type { Metadata } from '../types.js';

/** Options of `Collection.upsert`. */
export interface UpsertOptions {
  /**
   * Metadata keys (top level) whose stored value an existing record keeps
   * over the given one; a new record, or one without the key, takes the
   * given value. Typical use: a creation timestamp that an upsert must not move.
   */
  keepMetadata?: string[];
}

/** Checks `keepMetadata`: an array of non-empty strings. Throws ValidationError. */
export function validateKeepKeys(keys: unknown): string[] {
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string' && k.length > 0)) {
    throw new ValidationError('invalid upsert options', [{ code: 'invalid_type', path: ['keepMetadata'], message: 'expected an array of non-empty strings' }]);
  }
  return keys as string[];
}

/**
 * The metadatas to write for an upsert of `ids`, with the `keys` of each
 * existing record's stored metadata carried over. Runs inside the write
 * queue against the state the operation applies to, so no other write comes
 * between the read and the write.
 */
export function keepStoredMetadata(state: CollectionState, ids: string[], metadatas: (Metadata | null)[] | null, keys: string[]): (Metadata | null)[] | null {
  let out = metadatas;
  ids.forEach((id, i) => {
    const loc = state.locate(id);
    if (!loc) return;
    const stored = state.read(loc).metadata;
    if (!stored) return;
    let merged: Metadata | null = null;
    for (const key of keys) {
      if (!(key in stored)) continue;
      merged ??= { ...(out?.[i] ?? {}) };
      merged[key] = stored[key];
    }
    if (merged === null) return;
    out ??= ids.map(() => null);
    if (out === metadatas) out = metadatas.slice();
    out[i] = merged;
  });
  return out;
}
