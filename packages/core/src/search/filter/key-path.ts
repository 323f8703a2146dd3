/**
 * Dotted metadata keys: `"loc.lines.from"` names `metadata.loc.lines.from`.
 * Metadata keys may not contain '.' (see `api/metadata.ts`), so a dotted key
 * has exactly one reading.
 */
import type { Metadata } from '../../types.js';

/** Reads the value a key names; `undefined` when any step is missing. */
export type ValueGetter = (metadata: Metadata | null) => unknown;

/** Splits a key into segments; `undefined` if it is empty or has an empty segment. */
export function parseKeyPath(key: string): string[] | undefined {
  const segments = key.split('.');
  return segments.every((s) => s.length > 0) ? segments : undefined;
}

/**
 * Builds a getter for the given segments. Each step descends only into a
 * nested object (never an array index) and reads only own properties, so a
 * key such as `constructor` cannot reach `Object.prototype`.
 */
export function compileGetter(segments: string[]): ValueGetter {
  if (segments.length === 1) {
    const [key] = segments;
    return (metadata) => (metadata != null && Object.hasOwn(metadata, key) ? metadata[key] : undefined);
  }
  return (metadata) => {
    let current: unknown = metadata;
    for (const key of segments) {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
      if (!Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };
}
