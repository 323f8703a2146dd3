/**
 * Validation of LlamaIndex `MetadataFilters` once, at the edge, into a shape
 * that `pushdown.ts` and `evaluate.ts` trust.
 */
import { ValidationError, type ValidationIssue } from '@omendb/core';
import type { MetadataFilters } from 'llamaindex';

/** A value a filter compares with: LlamaIndex's strings and numbers, and booleans. */
export type FilterScalar = string | number | boolean;

/** One filter after validation; `key` is the LlamaIndex (decoded) metadata key. */
export type CheckedFilter =
  | { key: string; operator: '==' | '!=' | 'contains'; value: FilterScalar }
  | { key: string; operator: '>' | '<' | '>=' | '<='; value: number | string }
  | { key: string; operator: 'in' | 'nin' | 'any' | 'all'; value: FilterScalar[] }
  | { key: string; operator: 'text_match'; value: string | number }
  | { key: string; operator: 'is_empty' };

export interface CheckedFilters {
  filters: CheckedFilter[];
  condition: 'and' | 'or';
}

const SCALAR_OPERATORS = new Set(['==', '!=', 'contains']);
const RANGE_OPERATORS = new Set(['>', '<', '>=', '<=']);
const LIST_OPERATORS = new Set(['in', 'nin', 'any', 'all']);

/**
 * Checks `filters` (`query.filters`). Returns undefined for no filters,
 * including an empty `filters` list under either condition (as LlamaIndex's
 * Qdrant and Postgres stores read it).
 *
 * Operands: `== != contains` take a string, finite number or boolean;
 * `> < >= <=` a finite number or a string; `in nin any all` an array of those
 * scalars (may be empty, may mix types); `text_match` a string or number;
 * `is_empty` ignores `value`. `condition` is `'and'` (default) or `'or'`.
 *
 * Throws ValidationError listing every problem, each with a `path` rooted at
 * `['filters']`, e.g. `['filters', 'filters', 2, 'value']`; codes
 * `invalid_type`, `unknown_operator`, `non_finite`.
 */
export function checkFilters(filters: MetadataFilters | undefined): CheckedFilters | undefined {
  if (filters === undefined || filters === null) return undefined;
  const issues: ValidationIssue[] = [];
  if (typeof filters !== 'object' || !Array.isArray(filters.filters)) {
    throw new ValidationError('invalid filters', [{ code: 'invalid_type', path: ['filters'], message: 'expected { filters: MetadataFilter[], condition? }' }]);
  }
  const condition = filters.condition ?? 'and';
  if (condition !== 'and' && condition !== 'or') {
    issues.push({ code: 'invalid_value', path: ['filters', 'condition'], message: `expected "and" or "or", got ${JSON.stringify(condition)}` });
  }
  const checked: CheckedFilter[] = [];
  filters.filters.forEach((filter, i) => {
    const one = checkFilter(filter, ['filters', 'filters', i], issues);
    if (one) checked.push(one);
  });
  if (issues.length > 0) throw new ValidationError('invalid filters', issues);
  return checked.length === 0 ? undefined : { filters: checked, condition };
}

function checkFilter(filter: unknown, path: (string | number)[], issues: ValidationIssue[]): CheckedFilter | undefined {
  if (typeof filter !== 'object' || filter === null) {
    issues.push({ code: 'invalid_type', path, message: 'expected { key, operator, value }' });
    return undefined;
  }
  const { key, operator, value } = filter as { key?: unknown; operator?: unknown; value?: unknown };
  if (typeof key !== 'string') {
    issues.push({ code: 'invalid_type', path: [...path, 'key'], message: 'a filter key must be a string' });
    return undefined;
  }
  const valuePath = [...path, 'value'];
  if (operator === 'is_empty') return { key, operator };
  if (typeof operator === 'string' && SCALAR_OPERATORS.has(operator)) {
    return isScalar(value, valuePath, issues) ? { key, operator: operator as '==' | '!=' | 'contains', value } : undefined;
  }
  if (typeof operator === 'string' && RANGE_OPERATORS.has(operator)) {
    if (typeof value === 'string' || (typeof value === 'number' && checkFinite(value, valuePath, issues))) {
      return { key, operator: operator as '>' | '<' | '>=' | '<=', value };
    }
    if (typeof value !== 'number') issues.push({ code: 'invalid_type', path: valuePath, message: `${operator} compares with a number or a string` });
    return undefined;
  }
  if (typeof operator === 'string' && LIST_OPERATORS.has(operator)) {
    if (!Array.isArray(value)) {
      issues.push({ code: 'invalid_type', path: valuePath, message: `${operator} takes an array of strings, numbers or booleans` });
      return undefined;
    }
    const ok = value.every((v: unknown, j: number) => isScalar(v, [...valuePath, j], issues));
    return ok ? { key, operator: operator as 'in' | 'nin' | 'any' | 'all', value: value as FilterScalar[] } : undefined;
  }
  if (operator === 'text_match') {
    if (typeof value === 'string' || (typeof value === 'number' && checkFinite(value, valuePath, issues))) return { key, operator, value };
    if (typeof value !== 'number') issues.push({ code: 'invalid_type', path: valuePath, message: 'text_match takes a string' });
    return undefined;
  }
  issues.push({
    code: 'unknown_operator',
    path: [...path, 'operator'],
    message: `unknown operator ${JSON.stringify(operator)}; expected one of == != > < >= <= in nin any all contains text_match is_empty`,
  });
  return undefined;
}

function isScalar(value: unknown, path: (string | number)[], issues: ValidationIssue[]): value is FilterScalar {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return checkFinite(value, path, issues);
  issues.push({ code: 'invalid_type', path, message: 'expected a string, number or boolean' });
  return false;
}

function checkFinite(value: number, path: (string | number)[], issues: ValidationIssue[]): boolean {
  if (Number.isFinite(value)) return true;
  issues.push({ code: 'non_finite', path, message: `expected a finite number, got ${value}` });
  return false;
}
