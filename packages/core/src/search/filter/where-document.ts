/**
 * Compiles a `whereDocument` filter into a predicate over a record's document.
 */
import { allOf, anyOf, compileLogicalOperands } from './logical.js';
import { compileRegex } from './regex.js';
import { IssueCollector, MAX_FILTER_DEPTH, describe, isPlainObject, never, type IssuePath } from './issues.js';
import type { DocumentPredicate } from './types.js';

type TextPredicate = (text: string) => boolean;

/**
 * Parses and validates a `whereDocument` filter once and returns a predicate
 * to run per record.
 *
 * Shape: an object with one or more of
 * - `$contains` / `$not_contains`: a non-empty substring, case-sensitive
 *   (Chroma's client also rejects the empty string);
 * - `$regex` / `$not_regex`: an RE2-syntax pattern matched anywhere in the
 *   document (see `regex.ts` for the rule and its limits);
 * - `$and` / `$or`: an array of one or more `whereDocument` objects.
 * Several keys in one object are ANDed; `{}` matches every record.
 *
 * A `null` document satisfies no positive operator; `$not_contains` and
 * `$not_regex` are their exact negations and so match it, as in Chroma's
 * reference evaluator (`rust/segment/src/test.rs`, `CheckRecord for
 * DocumentExpression`).
 *
 * Throws `ValidationError` listing every problem, each with a `code`
 * (`invalid_type`, `unknown_operator`, `too_small`, `too_long`,
 * `invalid_regex`, `too_deep`) and a `path` rooted at `'whereDocument'`.
 */
export function compileWhereDocument(whereDocument: unknown): DocumentPredicate {
  const issues = new IssueCollector();
  const predicate = compileObject(whereDocument, ['whereDocument'], issues, 0);
  issues.throwIfAny('whereDocument filter');
  return predicate;
}

function compileObject(
  filter: unknown,
  path: IssuePath,
  issues: IssueCollector,
  depth: number,
): DocumentPredicate {
  if (depth > MAX_FILTER_DEPTH) {
    issues.add('too_deep', path, `filters nest at most ${MAX_FILTER_DEPTH} levels`);
    return never;
  }
  if (!isPlainObject(filter)) {
    issues.add('invalid_type', path, `expected a filter object, got ${describe(filter)}`);
    return never;
  }
  const parts: DocumentPredicate[] = [];
  for (const op of Object.keys(filter)) {
    const operand = filter[op];
    const opPath = [...path, op];
    switch (op) {
      case '$and':
      case '$or': {
        const children = compileLogicalOperands<string | null>(
          operand, opPath, issues, (child, childPath) => compileObject(child, childPath, issues, depth + 1),
        );
        parts.push(op === '$and' ? allOf(children) : anyOf(children));
        break;
      }
      case '$contains':
      case '$not_contains':
        parts.push(onText(op === '$not_contains', substring(operand, opPath, issues)));
        break;
      case '$regex':
      case '$not_regex':
        parts.push(onText(op === '$not_regex', compileRegex(operand, opPath, issues)));
        break;
      default:
        issues.add(
          'unknown_operator',
          opPath,
          `unknown operator ${op}; expected $contains, $not_contains, $regex, $not_regex, $and or $or`,
        );
    }
  }
  return allOf(parts);
}

/** Lifts a text test to documents: false on `null`, then optionally negated. */
function onText(negate: boolean, test: TextPredicate | undefined): DocumentPredicate {
  if (test === undefined) return never;
  return negate ? (doc) => doc === null || !test(doc) : (doc) => doc !== null && test(doc);
}

function substring(operand: unknown, path: IssuePath, issues: IssueCollector): TextPredicate | undefined {
  if (typeof operand !== 'string') {
    issues.add('invalid_type', path, `expected a string, got ${describe(operand)}`);
    return undefined;
  }
  if (operand.length === 0) {
    issues.add('too_small', path, 'expected a non-empty string');
    return undefined;
  }
  return (text) => text.includes(operand);
}
