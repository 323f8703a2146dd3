/**
 * Validation of a LlamaIndex `VectorStoreQuery` once, at the edge.
 */
import { ValidationError, type ValidationIssue } from '@omendb/core';
import { VectorStoreQueryMode, type VectorStoreQuery } from 'llamaindex';
import { checkFilters, type CheckedFilters } from './filters/check.js';
import { MAX_CANDIDATES } from './search.js';

/** The parts of a query the store acts on. */
export interface CheckedQuery {
  embedding: number[];
  k: number;
  docIds: string[] | undefined;
  filters: CheckedFilters | undefined;
}

/**
 * Checks `query`: `queryEmbedding` a non-empty `number[]` (its length is
 * checked against the collection by core: DimensionMismatchError),
 * `similarityTopK` an integer from 1 to 100,000, `docIds` an array of strings
 * or absent, `mode` absent or `'default'` (MMR and learner modes are not
 * offered), `filters` as `checkFilters` says. `queryStr`, `alpha`,
 * `mmrThreshold` and `customParams` are ignored. Throws ValidationError with
 * every problem found.
 */
export function checkQuery(query: VectorStoreQuery): CheckedQuery {
  const issues: ValidationIssue[] = [];
  const { queryEmbedding, similarityTopK, docIds, mode } = query ?? ({} as VectorStoreQuery);
  if (!Array.isArray(queryEmbedding) || queryEmbedding.length === 0) {
    issues.push({ code: 'invalid_type', path: ['queryEmbedding'], message: 'expected a non-empty number[] (LlamaIndex retrievers compute it with the embed model)' });
  }
  if (!Number.isInteger(similarityTopK) || similarityTopK < 1 || similarityTopK > MAX_CANDIDATES) {
    issues.push({ code: 'invalid_value', path: ['similarityTopK'], message: `expected an integer from 1 to ${MAX_CANDIDATES}, got ${String(similarityTopK)}` });
  }
  if (docIds !== undefined && !(Array.isArray(docIds) && docIds.every((id) => typeof id === 'string'))) {
    issues.push({ code: 'invalid_type', path: ['docIds'], message: 'expected an array of source document ids (strings)' });
  }
  if (mode !== undefined && mode !== VectorStoreQueryMode.DEFAULT) {
    issues.push({ code: 'unsupported', path: ['mode'], message: `query mode ${JSON.stringify(mode)} is not supported; use "default"` });
  }
  if (issues.length > 0) throw new ValidationError('invalid vector store query', issues);
  return { embedding: queryEmbedding as number[], k: similarityTopK, docIds, filters: checkFilters(query.filters) };
}
