/**
 * Issue collection for filter compilation: a compiler records every problem
 * with its path and keeps going, so one ValidationError reports them all.
 */
import { ValidationError, type ValidationIssue } from '../../errors.js';
import type { FilterScalar } from './types.js';

export type IssuePath = (string | number)[];

/** Nesting limit for `$and` / `$or`; also stops cyclic filter objects. */
export const MAX_FILTER_DEPTH = 64;

export class IssueCollector {
  readonly issues: ValidationIssue[] = [];

  add(code: string, path: IssuePath, message: string): void {
    this.issues.push({ code, path, message });
  }

  /** Throws `ValidationError` carrying every recorded issue, if any. */
  throwIfAny(what: string): void {
    if (this.issues.length > 0) throw new ValidationError(`invalid ${what}`, this.issues);
  }
}

/** A predicate that never matches: the stand-in for a part that failed to compile. */
export const never = (): boolean => false;

/** An object literal (`{}` or `Object.create(null)`), not an array or class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A short description of a value's type for issue messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'object') {
    if (isPlainObject(value)) return 'an object';
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } }).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object with a custom prototype';
  }
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/**
 * Validates a scalar operand: a string, a boolean or a finite number. Records
 * an issue and returns `undefined` otherwise.
 */
export function scalarOperand(
  value: unknown,
  path: IssuePath,
  issues: IssueCollector,
): FilterScalar | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    issues.add('non_finite', path, `expected a finite number, got ${value}`);
    return undefined;
  }
  const hint = Array.isArray(value) ? ' (use $in for a list)' : value === null ? ' (filters cannot test for null)' : '';
  issues.add('invalid_type', path, `expected a string, number or boolean, got ${describe(value)}${hint}`);
  return undefined;
}
