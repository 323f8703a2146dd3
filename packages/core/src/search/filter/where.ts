/**
 * Compiles a `where` filter into a predicate over a record's metadata.
 */
import { allOf, anyOf, compileLogicalOperands } from './logical.js';
import { compileGetter, parseKeyPath } from './key-path.js';
import { compileFieldOperator, isFieldOperator, type ValuePredicate } from './operators.js';
import {
  IssueCollector, MAX_FILTER_DEPTH, describe, isPlainObject, never, scalarOperand,
  type IssuePath,
} from './issues.js';
import type { Metadata } from '../../types.js';
import type { MetadataPredicate } from './types.js';

/**
 * Parses and validates a `where` filter once and returns a predicate to run
 * per record; the predicate does not read `where` again.
 *
 * Shape: an object whose keys are
 * - a metadata key, dotted to reach nested objects (`"loc.lines.from"`), mapped
 *   to a scalar (shorthand for `$eq`) or to an object of operators
 *   `$eq $ne $gt $gte $lt $lte $in $nin $contains $not_contains`; several
 *   operators in one object are ANDed (`{ page: { $gte: 5, $lte: 10 } }`);
 * - `$and` / `$or`: an array of one or more `where` objects.
 *
 * Differences from Chroma, all strictly more permissive: several keys in one
 * object are an implicit `$and` (Chroma demands exactly one key), `{}` matches
 * every record, `$and` / `$or` accept a single element (Chroma's client
 * demands two), and dotted keys reach into nested objects (Chroma has no
 * nested metadata).
 *
 * Semantics: see `operators.ts`. In short, comparisons are type-strict and
 * false on a missing key; `$ne`, `$nin`, `$not_contains` are their exact
 * negations and so match a missing key, as Chroma's do. `null` metadata
 * behaves as `{}`.
 *
 * Throws `ValidationError` listing every problem, each with a `code`
 * (`invalid_type`, `unknown_operator`, `invalid_key`, `too_small`,
 * `mixed_types`, `non_finite`, `too_deep`) and a `path` rooted at `'where'`,
 * e.g. `['where', '$and', 0, 'page', '$gt']`.
 */
export function compileWhere(where: unknown): MetadataPredicate {
  const issues = new IssueCollector();
  const predicate = compileWhereObject(where, ['where'], issues, 0);
  issues.throwIfAny('where filter');
  return predicate;
}

function compileWhereObject(
  where: unknown,
  path: IssuePath,
  issues: IssueCollector,
  depth: number,
): MetadataPredicate {
  if (depth > MAX_FILTER_DEPTH) {
    issues.add('too_deep', path, `filters nest at most ${MAX_FILTER_DEPTH} levels`);
    return never;
  }
  if (!isPlainObject(where)) {
    issues.add('invalid_type', path, `expected a filter object, got ${describe(where)}`);
    return never;
  }
  const parts: MetadataPredicate[] = [];
  for (const key of Object.keys(where)) {
    const value = where[key];
    const keyPath = [...path, key];
    if (key === '$and' || key === '$or') {
      const children = compileLogicalOperands<Metadata | null>(
        value, keyPath, issues, (child, childPath) => compileWhereObject(child, childPath, issues, depth + 1),
      );
      parts.push(key === '$and' ? allOf(children) : anyOf(children));
    } else if (key.startsWith('$')) {
      issues.add('unknown_operator', keyPath, `unknown operator ${key}; expected $and, $or or a metadata key`);
    } else {
      parts.push(compileField(key, value, keyPath, issues));
    }
  }
  return allOf(parts);
}

function compileField(
  key: string,
  condition: unknown,
  path: IssuePath,
  issues: IssueCollector,
): MetadataPredicate {
  const segments = parseKeyPath(key);
  if (segments === undefined) {
    issues.add('invalid_key', path, 'keys must be non-empty and dotted paths may not have empty segments');
  }
  const test = compileCondition(condition, path, issues);
  if (segments === undefined) return never;
  const get = compileGetter(segments);
  return (metadata) => test(get(metadata));
}

function compileCondition(condition: unknown, path: IssuePath, issues: IssueCollector): ValuePredicate {
  if (!isPlainObject(condition)) {
    // Shorthand `{ key: value }` means `{ key: { $eq: value } }`.
    const s = scalarOperand(condition, path, issues);
    return s === undefined ? never : (v) => v === s;
  }
  const ops = Object.keys(condition);
  if (ops.length === 0) {
    issues.add('too_small', path, 'expected at least one operator, e.g. { $eq: value }');
    return never;
  }
  const tests: ValuePredicate[] = [];
  for (const op of ops) {
    const opPath = [...path, op];
    if (isFieldOperator(op)) {
      tests.push(compileFieldOperator(op, condition[op], opPath, issues));
    } else if (op.startsWith('$')) {
      issues.add('unknown_operator', opPath, `unknown operator ${op}`);
    } else {
      issues.add(
        'unknown_operator',
        opPath,
        `expected an operator such as $eq, got ${JSON.stringify(op)}; reach nested objects with a dotted key ("a.b")`,
      );
    }
  }
  return allOf(tests);
}
