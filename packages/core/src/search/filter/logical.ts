/**
 * `$and` / `$or` and implicit AND, shared by `where` and `whereDocument`.
 * Predicates are composed once at compile time; evaluation is plain calls.
 */
import type { IssueCollector, IssuePath } from './issues.js';

type Predicate<T> = (input: T) => boolean;

/** Conjunction; the empty conjunction is always true. */
export function allOf<T>(predicates: Predicate<T>[]): Predicate<T> {
  switch (predicates.length) {
    case 0:
      return () => true;
    case 1:
      return predicates[0];
    case 2: {
      const [a, b] = predicates;
      return (input) => a(input) && b(input);
    }
    default:
      return (input) => {
        for (const p of predicates) if (!p(input)) return false;
        return true;
      };
  }
}

/** Disjunction; the empty disjunction is always false. */
export function anyOf<T>(predicates: Predicate<T>[]): Predicate<T> {
  switch (predicates.length) {
    case 0:
      return () => false;
    case 1:
      return predicates[0];
    case 2: {
      const [a, b] = predicates;
      return (input) => a(input) || b(input);
    }
    default:
      return (input) => {
        for (const p of predicates) if (p(input)) return true;
        return false;
      };
  }
}

/**
 * Compiles the operand of `$and` / `$or`: an array of at least one filter
 * object. Chroma's Python client demands two; one is accepted here so that
 * generated filters need no special case for a single clause.
 */
export function compileLogicalOperands<T>(
  operand: unknown,
  path: IssuePath,
  issues: IssueCollector,
  compileChild: (child: unknown, childPath: IssuePath) => Predicate<T>,
): Predicate<T>[] {
  if (!Array.isArray(operand)) {
    issues.add('invalid_type', path, 'expected an array of filter objects');
    return [];
  }
  if (operand.length === 0) {
    issues.add('too_small', path, 'expected at least one filter object');
    return [];
  }
  // Array.from visits holes (as undefined) where map would skip them.
  return Array.from(operand, (child: unknown, i) => compileChild(child, [...path, i]));
}
