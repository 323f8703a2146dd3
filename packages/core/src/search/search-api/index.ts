/**
 * Chroma's Search API: parsing of its builders and JSON into search plans,
 * and the evaluation of rank expressions, filters and groupBy.
 */
export type { KnnLeaf, Projection, RankNode, SearchPlan, SparseQuery } from './ast.js';
export { DOCUMENT_KEY, EMBEDDING_KEY } from './ast.js';
export { parseSearches, READ_LEVELS } from './parse-search.js';
export { evaluateRank, type LeafHit } from './rank-domain.js';
export { byScore, groupRanked, type RankedRecord } from './group-by.js';
export { passesSearchWhere, type SearchWhere } from './search-where.js';
