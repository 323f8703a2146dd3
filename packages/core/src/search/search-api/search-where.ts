/**
 * Chroma Search's `where` (its `Filter`): one tree mixing metadata keys,
 * `#document` (`$contains $not_contains $regex $not_regex`) and `#id`
 * (`$eq $ne $in $nin`) under `$and` / `$or`. Metadata and document leaves
 * reuse the `where` / `whereDocument` compilers, so their semantics are the
 * same as `query`'s.
 */
import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../../errors.js';
import { metadataAt, passes, type RowFilter } from '../fanout.js';
import { compileWhere, compileWhereDocument, type Where, type WhereDocument } from '../filter/index.js';
import { IssueCollector, MAX_FILTER_DEPTH, describe, isPlainObject, type IssuePath } from '../filter/issues.js';
import type { Part } from '../../storage/part.js';
import { DOCUMENT_KEY, ID_KEY } from './ast.js';

/** A compiled Search filter. */
export interface SearchWhere {
  /** For the vector search and for scans. */
  filter: RowFilter;
  /**
   * The same filter as a `where` and a `whereDocument` (ANDed), when it has
   * that form: no `#id` leaf and no `$or` mixing metadata with documents.
   * Undefined otherwise; a caller that needs the split form then filters
   * with `filter` itself.
   */
  split: { where?: Where; whereDocument?: WhereDocument } | undefined;
}

type Kind = 'metadata' | 'document' | 'id' | 'mixed';
type RowTest = (part: Part, row: number) => boolean;

interface Compiled {
  kind: Kind;
  test: RowTest;
  /** A pure subtree in its own language (`where` for metadata, `whereDocument` for documents). */
  json?: Record<string, unknown>;
  /** The operands of an `$and` (nested `$and`s flattened), kept so the top level can split. */
  and?: Compiled[];
}

const idString = z.string();
const idCondition = z.union([
  idString,
  z.object({ $eq: idString }).strict(),
  z.object({ $ne: idString }).strict(),
  z.object({ $in: z.array(idString).min(1) }).strict(),
  z.object({ $nin: z.array(idString).min(1) }).strict(),
]);

/**
 * Compiles a Search `where`; `{}` or undefined filter nothing. Throws
 * ValidationError with every problem, paths rooted at `path` (codes of
 * `compileWhere` / `compileWhereDocument`, and `unsupported` for the keys
 * `#embedding`, `#metadata`, `#score` and other `#` keys).
 */
export function compileSearchWhere(where: unknown, path: IssuePath): SearchWhere | undefined {
  if (where === undefined || where === null) return undefined;
  const issues = new IssueCollector();
  const compiled = compileNode(where, path, issues, 0);
  issues.throwIfAny('search filter');
  if (compiled === undefined) return undefined;
  const split = splitOf(compiled);
  if (split === undefined) return { filter: { record: compiled.test }, split: undefined };
  return {
    filter: {
      where: split.where === undefined ? undefined : compileWhere(split.where),
      whereDocument: split.whereDocument === undefined ? undefined : compileWhereDocument(split.whereDocument),
    },
    split,
  };
}

function compileNode(node: unknown, path: IssuePath, issues: IssueCollector, depth: number): Compiled | undefined {
  if (depth > MAX_FILTER_DEPTH) {
    issues.add('too_deep', path, `filters nest at most ${MAX_FILTER_DEPTH} levels`);
    return undefined;
  }
  if (!isPlainObject(node)) {
    issues.add('invalid_type', path, `expected a filter object, got ${describe(node)}`);
    return undefined;
  }
  const parts: Compiled[] = [];
  for (const key of Object.keys(node)) {
    const value = node[key];
    const at = [...path, key];
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) {
        issues.add(Array.isArray(value) ? 'too_small' : 'invalid_type', at, `${key} takes a non-empty array of filters`);
        continue;
      }
      const children = value.map((child, i) => compileNode(child, [...at, i], issues, depth + 1));
      if (children.every((c): c is Compiled => c !== undefined)) {
        const c = combine(key, children);
        if (c) parts.push(c);
      }
    } else if (key.startsWith('$')) {
      issues.add('unknown_operator', at, `unknown operator ${key}; expected $and, $or, a metadata key, ${DOCUMENT_KEY} or ${ID_KEY}`);
    } else {
      const leaf = compileLeaf(key, value, at, issues);
      if (leaf) parts.push(leaf);
    }
  }
  return combine('$and', parts);
}

function compileLeaf(key: string, condition: unknown, path: IssuePath, issues: IssueCollector): Compiled | undefined {
  if (key === DOCUMENT_KEY) {
    if (!isPlainObject(condition)) {
      issues.add('invalid_type', path, `${DOCUMENT_KEY} takes an operator object such as { $contains: "text" }, got ${describe(condition)}`);
      return undefined;
    }
    const predicate = reRooted(issues, path, 'whereDocument', () => compileWhereDocument(condition));
    if (!predicate) return undefined;
    return { kind: 'document', test: (part, row) => predicate(part.document(row)), json: condition };
  }
  if (key === ID_KEY) {
    const parsed = idCondition.safeParse(condition);
    if (!parsed.success) {
      issues.add('invalid_type', path, `${ID_KEY} takes a string or one of { $eq | $ne: string } { $in | $nin: non-empty string[] }`);
      return undefined;
    }
    const c = parsed.data;
    const test: (id: string) => boolean =
      typeof c === 'string' ? (id) => id === c
      : '$eq' in c ? (id) => id === c.$eq
      : '$ne' in c ? (id) => id !== c.$ne
      : '$in' in c ? ((set) => (id: string) => set.has(id))(new Set(c.$in))
      : ((set) => (id: string) => !set.has(id))(new Set(c.$nin));
    return { kind: 'id', test: (part, row) => test(part.externalId(row)) };
  }
  if (key.startsWith('#')) {
    issues.add('unsupported', path, `filtering on ${key} is not supported; filter on metadata keys, ${DOCUMENT_KEY} or ${ID_KEY}`);
    return undefined;
  }
  const json = { [key]: condition };
  const predicate = reRooted(issues, path.slice(0, -1), 'where', () => compileWhere(json));
  if (!predicate) return undefined;
  return { kind: 'metadata', test: (part, row) => predicate(metadataAt(part, row)), json };
}

function combine(op: '$and' | '$or', operands: Compiled[]): Compiled | undefined {
  const children = op === '$and' ? operands.flatMap((c) => c.and ?? [c]) : operands;
  if (children.length === 0) return undefined;
  if (children.length === 1) return children[0];
  const kinds = new Set(children.map((c) => c.kind));
  const kind: Kind = kinds.size === 1 && !kinds.has('mixed') ? children[0].kind : 'mixed';
  const tests = children.map((c) => c.test);
  const test: RowTest = op === '$and' ? (p, r) => tests.every((t) => t(p, r)) : (p, r) => tests.some((t) => t(p, r));
  const json = kind === 'metadata' || kind === 'document' ? { [op]: children.map((c) => c.json) } : undefined;
  return { kind, test, json, and: op === '$and' ? children : undefined };
}

/** The filter as a where + whereDocument pair, if it is one (see {@link SearchWhere.split}). */
function splitOf(c: Compiled): SearchWhere['split'] {
  if (c.kind === 'metadata') return { where: c.json as Where };
  if (c.kind === 'document') return { whereDocument: c.json as WhereDocument };
  const children = c.and;
  if (children === undefined || children.some((x) => x.kind !== 'metadata' && x.kind !== 'document')) return undefined;
  const meta = children.filter((x) => x.kind === 'metadata').map((x) => x.json!);
  const docs = children.filter((x) => x.kind === 'document').map((x) => x.json!);
  const where = meta.length === 1 ? meta[0] : { $and: meta };
  const whereDocument = docs.length === 1 ? docs[0] : { $and: docs };
  return { where: where as Where, whereDocument: whereDocument as WhereDocument };
}

/** Runs a filter compiler, moving its issues (rooted at `root`) under `path`. */
function reRooted<T>(issues: IssueCollector, path: IssuePath, root: string, compile: () => T): T | undefined {
  try {
    return compile();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    for (const issue of err.issues as ValidationIssue[]) {
      issues.add(issue.code, [...path, ...(issue.path[0] === root ? issue.path.slice(1) : issue.path)], issue.message);
    }
    return undefined;
  }
}

/** Whether a record passes a compiled Search filter (none: every record). */
export function passesSearchWhere(where: SearchWhere | undefined, part: Part, row: number): boolean {
  return where === undefined || passes(part, row, where.filter);
}
