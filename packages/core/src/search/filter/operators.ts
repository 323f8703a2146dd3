/**
 * The field operators of `where`, each compiled to a predicate over the value
 * a key names (`undefined` when the key is missing).
 *
 * Comparisons are type-strict, as in Chroma's reference evaluator
 * (`rust/segment/src/test.rs`, `CheckRecord for MetadataExpression`): a value
 * of another type, an array, an object or a missing key never satisfies
 * `$eq`, `$gt`… or `$in`. The negations are exact complements, so `$ne` and
 * `$nin` match missing keys and mismatched types; Chroma adopted this in
 * v0.5.12 ("they also match records that don't have the specified key at
 * all", chroma-core/chroma#4316) and its docs say the same of `$nin`.
 *
 * `$eq` never matches an array-valued field: use `$contains`. This follows
 * Chroma's local (SQLite) backend, which keeps array elements in a separate
 * table that `$eq` does not read (chroma-core/chroma#6355); its distributed
 * backend indexes elements alongside scalars, so there `$eq` acts like
 * `$contains`. Arrays compare elements with SameValueZero (`includes`).
 */
import { type IssueCollector, type IssuePath, never, scalarOperand, describe } from './issues.js';
import type { FilterScalar } from './types.js';

export type ValuePredicate = (value: unknown) => boolean;

const FIELD_OPERATORS = [
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$contains', '$not_contains',
] as const;

export type FieldOperator = (typeof FIELD_OPERATORS)[number];

export function isFieldOperator(op: string): op is FieldOperator {
  return (FIELD_OPERATORS as readonly string[]).includes(op);
}

/** Compiles one operator and its operand; records issues and returns `never` if invalid. */
export function compileFieldOperator(
  op: FieldOperator,
  operand: unknown,
  path: IssuePath,
  issues: IssueCollector,
): ValuePredicate {
  switch (op) {
    case '$eq':
    case '$ne': {
      const s = scalarOperand(operand, path, issues);
      if (s === undefined) return never;
      return op === '$eq' ? (v) => v === s : (v) => v !== s;
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      const n = numberOperand(operand, op, path, issues);
      if (n === undefined) return never;
      if (op === '$gt') return (v) => typeof v === 'number' && v > n;
      if (op === '$gte') return (v) => typeof v === 'number' && v >= n;
      if (op === '$lt') return (v) => typeof v === 'number' && v < n;
      return (v) => typeof v === 'number' && v <= n;
    }
    case '$in':
    case '$nin': {
      const set = setOperand(operand, path, issues);
      if (set === undefined) return never;
      return op === '$in' ? (v) => set.has(v) : (v) => !set.has(v);
    }
    case '$contains':
    case '$not_contains': {
      const s = scalarOperand(operand, path, issues);
      if (s === undefined) return never;
      const contains = (v: unknown): boolean => Array.isArray(v) && v.includes(s);
      return op === '$contains' ? contains : (v) => !contains(v);
    }
  }
}

function numberOperand(
  operand: unknown,
  op: string,
  path: IssuePath,
  issues: IssueCollector,
): number | undefined {
  if (typeof operand !== 'number') {
    issues.add('invalid_type', path, `${op} compares numbers only, got ${describe(operand)}`);
    return undefined;
  }
  if (!Number.isFinite(operand)) {
    issues.add('non_finite', path, `expected a finite number, got ${operand}`);
    return undefined;
  }
  return operand;
}

/** A non-empty array of scalars of one type, as Chroma requires. */
function setOperand(
  operand: unknown,
  path: IssuePath,
  issues: IssueCollector,
): Set<unknown> | undefined {
  if (!Array.isArray(operand)) {
    issues.add('invalid_type', path, `expected an array of values, got ${describe(operand)}`);
    return undefined;
  }
  if (operand.length === 0) {
    issues.add('too_small', path, 'expected at least one value');
    return undefined;
  }
  const before = issues.issues.length;
  const values: FilterScalar[] = [];
  for (let i = 0; i < operand.length; i++) {
    const s = scalarOperand(operand[i], [...path, i], issues);
    if (s !== undefined) values.push(s);
  }
  if (issues.issues.length > before) return undefined;
  if (values.some((v) => typeof v !== typeof values[0])) {
    issues.add('mixed_types', path, 'expected values of a single type (all strings, numbers or booleans)');
    return undefined;
  }
  return new Set(values);
}
