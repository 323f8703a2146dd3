/**
 * Validation of a LlamaIndex `VectorStoreQuery` once, at the edge.
 */
import { ValidationError, type ValidationIssue } from '@omendb/core';
import { VectorStoreQueryMode, type VectorStoreQuery } from 'llamaindex';
import { checkFilters, type CheckedFilters } from './filters/check.js';
import { MAX_CANDIDATES } from './search.js';

/** The query modes the store answers; see `query-modes.ts`. */
export type SupportedMode = 'default' | 'hybrid' | 'text_search' | 'sparse' | 'mmr';

/**
 * The text-search mode. LlamaIndex TS's `VectorStoreQueryMode` has no member
 * for it (Python's `VectorStoreQueryMode.TEXT_SEARCH` is `"text_search"`),
 * so the store accepts that string, exported typed as a mode.
 */
export const TEXT_SEARCH_MODE = 'text_search' as VectorStoreQueryMode;

const SUPPORTED: readonly string[] = [
  VectorStoreQueryMode.DEFAULT,
  VectorStoreQueryMode.HYBRID,
  TEXT_SEARCH_MODE,
  VectorStoreQueryMode.SPARSE,
  VectorStoreQueryMode.MMR,
];
const NEEDS_EMBEDDING: readonly string[] = [VectorStoreQueryMode.DEFAULT, VectorStoreQueryMode.HYBRID, VectorStoreQueryMode.MMR];
const NEEDS_TEXT: readonly string[] = [VectorStoreQueryMode.HYBRID, TEXT_SEARCH_MODE, VectorStoreQueryMode.SPARSE];

/** `alpha` of a hybrid query that gives none: dense and text weighted equally, as LlamaIndex's relative-score fusion defaults. */
export const DEFAULT_ALPHA = 0.5;
/** `mmrThreshold` (λ) of an MMR query that gives none, as LlamaIndex's `getTopKMMREmbeddings`. */
export const DEFAULT_MMR_THRESHOLD = 0.5;

/** The parts of a query the store acts on. */
export interface CheckedQuery {
  mode: SupportedMode;
  /** Present in the modes that rank by vector (`default`, `hybrid`, `mmr`). */
  embedding: number[] | undefined;
  /** Present in the modes that rank by text (`hybrid`, `text_search`, `sparse`). */
  text: string | undefined;
  k: number;
  docIds: string[] | undefined;
  filters: CheckedFilters | undefined;
  /** Weight of the dense ranking in `hybrid`, 0…1 (1 − alpha weighs the text ranking). */
  alpha: number;
  /** λ of `mmr`, 0…1: 1 ranks by relevance alone, 0 by diversity alone. */
  mmrThreshold: number;
}

/**
 * Checks `query`:
 * - `mode` one of `default`, `hybrid`, `text_search`, `sparse`, `mmr`
 *   (`semantic_hybrid` and the learner modes are not offered);
 * - `queryEmbedding` a non-empty `number[]` in `default`, `hybrid` and `mmr`
 *   (its length is checked against the collection by core:
 *   DimensionMismatchError); ignored in the text modes;
 * - `queryStr` a string with a non-space character in `hybrid`,
 *   `text_search` and `sparse`; ignored in the others;
 * - `alpha` (hybrid) and `mmrThreshold` (mmr) numbers from 0 to 1, default
 *   0.5 each. LlamaIndex's `VectorIndexRetriever` passes neither of them to
 *   the store, so each is also read from `customParams` (`{ alpha,
 *   mmrThreshold }`, e.g. `index.asRetriever({ mode, customParams })`) when
 *   the query's own field is absent;
 * - `similarityTopK` an integer from 1 to 100,000, `docIds` an array of
 *   strings or absent, `filters` as `checkFilters` says.
 *
 * Throws ValidationError with every problem found.
 */
export function checkQuery(query: VectorStoreQuery): CheckedQuery {
  const issues: ValidationIssue[] = [];
  const { queryEmbedding, queryStr, similarityTopK, docIds } = query ?? ({} as VectorStoreQuery);
  const mode = query?.mode ?? VectorStoreQueryMode.DEFAULT;
  if (!SUPPORTED.includes(mode)) {
    issues.push({ code: 'unsupported', path: ['mode'], message: `query mode ${JSON.stringify(mode)} is not supported; use one of ${SUPPORTED.map((m) => JSON.stringify(m)).join(', ')}` });
  }
  const needsEmbedding = NEEDS_EMBEDDING.includes(mode);
  const needsText = NEEDS_TEXT.includes(mode);
  if (needsEmbedding && (!Array.isArray(queryEmbedding) || queryEmbedding.length === 0)) {
    issues.push({ code: 'invalid_type', path: ['queryEmbedding'], message: `expected a non-empty number[] in mode ${JSON.stringify(mode)} (LlamaIndex retrievers compute it with the embed model)` });
  }
  if (needsText && (typeof queryStr !== 'string' || queryStr.trim().length === 0)) {
    issues.push({ code: 'invalid_type', path: ['queryStr'], message: `expected the query text in mode ${JSON.stringify(mode)}, which ranks by the BM25 full-text index` });
  }
  if (!Number.isInteger(similarityTopK) || similarityTopK < 1 || similarityTopK > MAX_CANDIDATES) {
    issues.push({ code: 'invalid_value', path: ['similarityTopK'], message: `expected an integer from 1 to ${MAX_CANDIDATES}, got ${String(similarityTopK)}` });
  }
  if (docIds !== undefined && !(Array.isArray(docIds) && docIds.every((id) => typeof id === 'string'))) {
    issues.push({ code: 'invalid_type', path: ['docIds'], message: 'expected an array of source document ids (strings)' });
  }
  const alpha = unitParameter(query, 'alpha', DEFAULT_ALPHA, issues);
  const mmrThreshold = unitParameter(query, 'mmrThreshold', DEFAULT_MMR_THRESHOLD, issues);
  if (issues.length > 0) throw new ValidationError('invalid vector store query', issues);
  return {
    mode: mode as SupportedMode,
    embedding: needsEmbedding ? (queryEmbedding as number[]) : undefined,
    text: needsText ? queryStr : undefined,
    k: similarityTopK,
    docIds,
    filters: checkFilters(query.filters),
    alpha,
    mmrThreshold,
  };
}

/** `query[key]`, else `customParams[key]`, else `fallback`; a number from 0 to 1. */
function unitParameter(query: VectorStoreQuery | undefined, key: 'alpha' | 'mmrThreshold', fallback: number, issues: ValidationIssue[]): number {
  const custom = query?.customParams;
  const fromCustom = typeof custom === 'object' && custom !== null ? (custom as Record<string, unknown>)[key] : undefined;
  const own = query?.[key];
  const value: unknown = own ?? fromCustom;
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    issues.push({ code: 'invalid_value', path: own !== undefined && own !== null ? [key] : ['customParams', key], message: `expected a number from 0 to 1, got ${String(value)}` });
    return fallback;
  }
  return value;
}
