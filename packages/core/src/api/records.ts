import { DimensionMismatchError, DuplicateIdError, ValidationError, type ValidationIssue } from '../errors.js';
import type { Metadata, Metric } from '../types.js';
import { validateMetadata } from './metadata.js';

/** Longest external id, in UTF-16 code units. */
export const MAX_ID_LENGTH = 2048;

/** The record arguments of add / upsert / update: n records, the arrays given all of length n. */
export interface RecordsInput {
  /** n distinct non-empty strings of at most {@link MAX_ID_LENGTH} characters. */
  ids: string[];
  /**
   * n × dimension values, finite once rounded to float32 (not all zero under cosine); required by add
   * and upsert. DimensionMismatchError for a wrong length, ValidationError otherwise.
   */
  embeddings?: (number[] | Float32Array)[];
  /** Per record a JSON-like object (null or undefined: none); ValidationError names a bad value's path. */
  metadatas?: (Metadata | null | undefined)[];
  /** Per record a string (null or undefined: none). */
  documents?: (string | null | undefined)[];
}

/** Records after validation: vectors packed row-major as float32. */
export interface ValidRecords {
  ids: string[];
  dim: number;
  vectors: Float32Array | null;
  metadatas: (Metadata | null)[] | null;
  documents: (string | null)[] | null;
}

/**
 * Validates records once, at the edge: ids, lengths, vector shape and values,
 * metadata and documents. Throws ValidationError, DimensionMismatchError or
 * DuplicateIdError; nothing is written when it throws.
 */
export function validateRecords(input: unknown, options: { requireEmbeddings: boolean; dimension: number | null; metric: Metric }): ValidRecords {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('expected an object { ids, embeddings?, metadatas?, documents? }');
  }
  const { ids, embeddings, metadatas, documents, ...rest } = input as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) throw new ValidationError(`unknown field ${JSON.stringify(unknownKeys[0])}`);
  const validIds = validateIds(ids);
  const n = validIds.length;
  checkLength(embeddings, n, 'embeddings');
  checkLength(metadatas, n, 'metadatas');
  checkLength(documents, n, 'documents');
  if (options.requireEmbeddings && embeddings === undefined && n > 0) {
    throw new ValidationError('embeddings are required: OmenDB stores the vectors you give it and does not embed text');
  }
  const packed = embeddings === undefined ? null : packVectors(embeddings as unknown[], options.dimension, options.metric);
  const issues: ValidationIssue[] = [];
  const metas = metadatas === undefined ? null : (metadatas as unknown[]).map((m, i) => {
    issues.push(...validateMetadata(m, ['metadatas', i]));
    return (m ?? null) as Metadata | null;
  });
  const docs = documents === undefined ? null : (documents as unknown[]).map((d, i) => {
    if (d !== null && d !== undefined && typeof d !== 'string') {
      issues.push({ code: 'invalid_type', path: ['documents', i], message: 'a document must be a string or null' });
    }
    return (d ?? null) as string | null;
  });
  if (issues.length > 0) throw new ValidationError('invalid records', issues);
  return { ids: validIds, dim: packed?.dim ?? options.dimension ?? 0, vectors: packed?.vectors ?? null, metadatas: metas, documents: docs };
}

/** Ids: an array of distinct non-empty strings of at most MAX_ID_LENGTH characters. */
export function validateIds(ids: unknown, field = 'ids'): string[] {
  if (!Array.isArray(ids)) throw new ValidationError(`${field} must be an array of strings`, [{ code: 'invalid_type', path: [field], message: 'expected an array' }]);
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (typeof id !== 'string') throw new ValidationError('invalid id', [{ code: 'invalid_type', path: [field, i], message: 'an id must be a string' }]);
    if (id.length === 0) throw new ValidationError('invalid id', [{ code: 'empty_id', path: [field, i], message: 'an id must not be empty' }]);
    if (id.length > MAX_ID_LENGTH) {
      throw new ValidationError('invalid id', [{ code: 'too_long', path: [field, i], message: `an id is at most ${MAX_ID_LENGTH} characters` }]);
    }
    if (seen.has(id)) throw new DuplicateIdError(id, `given twice in one call (at ${field}[${i}])`);
    seen.add(id);
  });
  return ids as string[];
}

/**
 * Packs vectors (number[] or Float32Array rows) into one row-major Float32Array.
 * Rejects ragged rows, a dimension other than the collection's, values that are
 * not finite as float32, and zero vectors under cosine.
 */
export function packVectors(rows: unknown[], dimension: number | null, metric: Metric, field = 'embeddings'): { dim: number; vectors: Float32Array } {
  const n = rows.length;
  if (n === 0) return { dim: dimension ?? 0, vectors: new Float32Array(0) };
  const first = rows[0];
  const dim = dimension ?? (isVectorLike(first) ? first.length : 0);
  if (dim === 0) throw new ValidationError('invalid vector', [{ code: 'invalid_type', path: [field, 0], message: 'a vector must be a non-empty array of numbers or a Float32Array' }]);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) packRow(rows[i], dim, metric, out, i * dim, field, i);
  return { dim, vectors: out };
}

/**
 * Query vectors, one float32 row each, checked as {@link packVectors} checks
 * them (same errors, same order). A Float32Array of the collection's
 * dimension is used in place rather than copied: a query only reads it, and
 * only until the call returns.
 */
export function queryVectors(rows: unknown[], dimension: number, metric: Metric, field: string): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row instanceof Float32Array && row.length === dimension) {
      checkFloat32Row(row, metric, field, i);
      out.push(row);
    } else {
      const packed = new Float32Array(dimension);
      packRow(row, dimension, metric, packed, 0, field, i);
      out.push(packed);
    }
  }
  return out;
}

/** Converts row `i` of `field` into `out` from `base` on, checking its shape and values. */
function packRow(row: unknown, dim: number, metric: Metric, out: Float32Array, base: number, field: string, i: number): void {
  if (!isVectorLike(row)) throw new ValidationError('invalid vector', [{ code: 'invalid_type', path: [field, i], message: 'expected an array of numbers or a Float32Array' }]);
  if (row.length !== dim) throw new DimensionMismatchError(dim, row.length, [field, i]);
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    const v = row[j];
    if (typeof v !== 'number') throw new ValidationError('invalid vector', [{ code: 'invalid_type', path: [field, i, j], message: 'expected a number' }]);
    out[base + j] = v;
    const f = out[base + j];
    if (!Number.isFinite(f)) {
      throw new ValidationError('invalid vector', [{ code: 'non_finite', path: [field, i, j], message: `${v} is not a finite float32` }]);
    }
    norm += f * f;
  }
  if (metric === 'cosine' && norm === 0) {
    throw new ValidationError('invalid vector', [{ code: 'zero_vector', path: [field, i], message: 'a zero vector has no cosine distance' }]);
  }
}

/** The value checks of {@link packRow} for a row that is float32 already. */
function checkFloat32Row(row: Float32Array, metric: Metric, field: string, i: number): void {
  let norm = 0;
  for (let j = 0; j < row.length; j++) {
    const f = row[j];
    if (!Number.isFinite(f)) {
      throw new ValidationError('invalid vector', [{ code: 'non_finite', path: [field, i, j], message: `${f} is not a finite float32` }]);
    }
    norm += f * f;
  }
  if (metric === 'cosine' && norm === 0) {
    throw new ValidationError('invalid vector', [{ code: 'zero_vector', path: [field, i], message: 'a zero vector has no cosine distance' }]);
  }
}

function isVectorLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array;
}

function checkLength(value: unknown, n: number, field: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw new ValidationError(`${field} must be an array`, [{ code: 'invalid_type', path: [field], message: 'expected an array' }]);
  if (value.length !== n) {
    throw new ValidationError(`${field} has ${value.length} entries for ${n} ids`, [{ code: 'length_mismatch', path: [field], message: `expected ${n} entries` }]);
  }
}
