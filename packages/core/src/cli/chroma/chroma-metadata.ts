import type { Metadata, MetadataValue } from '../../types.js';
import { CliError } from '../errors.js';

/**
 * Chroma stores metadata values that are strings, numbers or booleans, and no
 * empty metadata object; OmenDB also stores arrays, nested objects and nulls.
 * This converts one record's metadata for Chroma (`{}` becomes "no
 * metadata", which is what it means) or throws CliError naming the record and
 * key Chroma cannot hold, rather than letting Chroma's client reject a whole
 * batch without saying which record.
 */
export function toChromaMetadata(id: string, metadata: Metadata | null): Metadata | null {
  if (metadata === null) return null;
  const keys = Object.keys(metadata);
  if (keys.length === 0) return null;
  for (const key of keys) {
    const problem = unsupported(metadata[key]);
    if (problem) {
      throw new CliError(
        'CHROMA_INCOMPATIBLE',
        `record ${JSON.stringify(id)}: metadata key ${JSON.stringify(key)} holds ${problem}, and Chroma metadata values are strings, numbers or booleans`,
        'flatten or drop that key (e.g. with omendb export, an edit, and omendb import), then migrate again',
      );
    }
  }
  return metadata;
}

/** Collection metadata for Chroma, with `hnsw:space` set to the metric; throws CliError for values Chroma cannot hold. */
export function toChromaCollectionMetadata(name: string, metadata: Record<string, unknown> | null, metric: string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    const problem = unsupported(value as MetadataValue);
    if (problem) {
      throw new CliError(
        'CHROMA_INCOMPATIBLE',
        `collection ${JSON.stringify(name)}: metadata key ${JSON.stringify(key)} holds ${problem}, and Chroma metadata values are strings, numbers or booleans`,
        'remove that key from the collection metadata, then migrate again',
      );
    }
    out[key] = value as string | number | boolean;
  }
  out['hnsw:space'] = metric;
  return out;
}

/**
 * Relative difference up to which two metadata numbers count as equal
 * "within rounding": about 4.5 float64 ulps. Chroma returns some float64
 * metadata values a few ulps away from what it was given (measured with
 * chromadb 3.0.11: 93.57142857142857 comes back as 93.57142857142856).
 */
export const METADATA_NUMBER_TOLERANCE = 1e-15;

/**
 * How two records' metadata compare across the stores: `identical`, equal
 * `rounded` (some number differs by at most {@link METADATA_NUMBER_TOLERANCE}),
 * or `different`. Key order is ignored and `{}` equals no metadata.
 */
export function compareMetadata(a: Metadata | null, b: Metadata | null): 'identical' | 'rounded' | 'different' {
  const norm = (m: Metadata | null) => (m === null || Object.keys(m).length === 0 ? null : m);
  const state = { rounded: false };
  if (!deepEqual(norm(a), norm(b), state)) return 'different';
  return state.rounded ? 'rounded' : 'identical';
}

function unsupported(value: MetadataValue | undefined): string | null {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return null;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'a nested object' : typeof value;
}

function deepEqual(a: unknown, b: unknown, state: { rounded: boolean }): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= METADATA_NUMBER_TOLERANCE * Math.max(Math.abs(a), Math.abs(b))) {
    state.rounded = true;
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], state));
}
