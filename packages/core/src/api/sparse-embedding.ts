/**
 * Sparse vectors at the API edge: Chroma's `SparseEmbeddingFunction` shape,
 * the check of stored sparse values, and the embedding of documents into
 * the sparse key on add, upsert and update.
 */
import { EmbeddingFunctionError, ValidationError, type ValidationIssue } from '../errors.js';
import type { SparseRecord } from '../format/manifest.js';
import type { SparseVector } from '../storage/sparse-index.js';
import type { Metadata } from '../types.js';
import type { ValidRecords } from './records.js';

/** Chroma's `SparseEmbeddingFunction`: `generate(texts)`, and `generateForQueries(texts)` when queries embed differently (BM25 does). */
export interface SparseEmbeddingFunction {
  name?: string;
  generate(texts: string[]): Promise<SparseVector[]>;
  generateForQueries?(texts: string[]): Promise<SparseVector[]>;
  getConfig?(): Record<string, unknown>;
}

export function isSparseEmbeddingFunction(v: unknown): v is SparseEmbeddingFunction {
  return typeof v === 'object' && v !== null && typeof (v as { generate?: unknown }).generate === 'function';
}

/** Largest dimension index: sparse dimensions are uint32 (Chroma's hashed token ids are). */
const MAX_INDEX = 0xffffffff;

/** Problems of a sparse vector (empty when valid): indices integers 0…2³²−1, strictly ascending; values finite; equal lengths. */
export function sparseVectorIssues(v: unknown, path: (string | number)[]): ValidationIssue[] {
  const bad = (message: string): ValidationIssue[] => [{ code: 'invalid_sparse_vector', path, message }];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('expected a sparse vector { indices: number[], values: number[] }');
  const { indices, values } = v as Record<string, unknown>;
  if (!Array.isArray(indices) || !Array.isArray(values)) return bad('expected a sparse vector { indices: number[], values: number[] }');
  if (indices.length !== values.length) return bad(`${indices.length} indices but ${values.length} values`);
  for (let i = 0; i < indices.length; i++) {
    const d = indices[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_INDEX) return bad(`indices[${i}] is not an integer in 0…${MAX_INDEX}`);
    if (i > 0 && d <= (indices[i - 1] as number)) return bad(`indices must be strictly ascending (indices[${i}] = ${d})`);
    if (typeof values[i] !== 'number' || !Number.isFinite(values[i])) return bad(`values[${i}] is not a finite number`);
  }
  return [];
}

/** Throws ValidationError when a metadata's value under the sparse key is not a sparse vector (null removes it on update). */
export function checkSparseValues(metadatas: (Metadata | null)[] | null, key: string): void {
  if (!metadatas) return;
  const issues: ValidationIssue[] = [];
  metadatas.forEach((m, i) => {
    const value = m?.[key];
    if (value !== undefined && value !== null) issues.push(...sparseVectorIssues(value, ['metadatas', i, key]));
  });
  if (issues.length > 0) throw new ValidationError('invalid sparse vector', issues);
}

/**
 * The metadatas with each given document's sparse vector under the key (a
 * record without a document keeps what it has), embedded in one call.
 * Throws EmbeddingFunctionError when no function is bound or it misbehaves.
 */
export async function embedSparse(
  record: SparseRecord,
  ef: SparseEmbeddingFunction | undefined,
  collection: string,
  documents: (string | null)[],
  metadatas: (Metadata | null)[] | null,
): Promise<(Metadata | null)[]> {
  if (!ef) {
    throw new EmbeddingFunctionError(
      `collection ${JSON.stringify(collection)} embeds documents into the sparse key ${JSON.stringify(record.key)}: pass its schema (with the sparse embedding function) again to getCollection`,
    );
  }
  const at = documents.flatMap((d, i) => (d === null ? [] : [i]));
  const vectors = at.length > 0 ? await ef.generate(at.map((i) => documents[i]!)) : [];
  if (!Array.isArray(vectors) || vectors.length !== at.length) {
    throw new EmbeddingFunctionError(`the sparse embedding function returned ${Array.isArray(vectors) ? vectors.length : 'no'} vectors for ${at.length} documents`);
  }
  const out = documents.map((_, i) => metadatas?.[i] ?? null);
  at.forEach((row, j) => {
    const issues = sparseVectorIssues(vectors[j], ['documents', row]);
    if (issues.length > 0) throw new EmbeddingFunctionError(`the sparse embedding function returned an invalid vector: ${issues[0].message}`);
    out[row] = { ...(out[row] ?? {}), [record.key]: { indices: [...vectors[j].indices], values: [...vectors[j].values] } };
  });
  return out;
}

/**
 * Records for a collection with a sparse-vector index (`record`; none: `valid`
 * as is): the values under its key checked (ValidationError), and, when it
 * embeds documents and `valid` has some, each document's sparse vector put
 * under the key by one call of `ef`. Synchronous unless it embeds, so a call
 * that embeds nothing joins the write queue in call order.
 */
export function withSparseVectors(
  record: SparseRecord | undefined,
  ef: SparseEmbeddingFunction | undefined,
  collection: string,
  valid: ValidRecords,
): ValidRecords | Promise<ValidRecords> {
  if (!record) return valid;
  checkSparseValues(valid.metadatas, record.key);
  if (record.source !== 'document' || !valid.documents) return valid;
  return embedSparse(record, ef, collection, valid.documents, valid.metadatas).then((metadatas) => ({ ...valid, metadatas }));
}

/** The query vectors of texts: `generateForQueries` when the function has it (BM25 weighs query terms 1), else `generate`. */
export async function embedSparseQueries(ef: SparseEmbeddingFunction | undefined, collection: string, key: string, texts: string[]): Promise<SparseVector[]> {
  if (!ef) {
    throw new EmbeddingFunctionError(`a text query on the sparse key ${JSON.stringify(key)} of collection ${JSON.stringify(collection)} needs its sparse embedding function: pass the schema again to getCollection, or query with a sparse vector`);
  }
  const vectors = ef.generateForQueries ? await ef.generateForQueries(texts) : await ef.generate(texts);
  if (!Array.isArray(vectors) || vectors.length !== texts.length) throw new EmbeddingFunctionError(`the sparse embedding function returned ${vectors?.length} vectors for ${texts.length} queries`);
  vectors.forEach((v) => {
    const issues = sparseVectorIssues(v, ['query']);
    if (issues.length > 0) throw new EmbeddingFunctionError(`the sparse embedding function returned an invalid vector: ${issues[0].message}`);
  });
  return vectors;
}
