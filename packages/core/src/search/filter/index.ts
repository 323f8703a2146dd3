/**
 * Metadata (`where`) and document (`whereDocument`) filters, compiled once
 * into predicates that an exact scan runs on every record.
 */
export type {
  Where,
  WhereDocument,
  FieldCondition,
  FieldOperators,
  FilterScalar,
  MetadataPredicate,
  DocumentPredicate,
} from './types.js';
export { compileWhere } from './where.js';
export { compileWhereDocument } from './where-document.js';
export { MAX_FILTER_DEPTH } from './issues.js';
export { MAX_REGEX_LENGTH } from './regex.js';
