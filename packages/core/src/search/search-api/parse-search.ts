/**
 * Parses Chroma's Search API input into {@link SearchPlan}s: a `Search`
 * builder from the `chromadb` package (read through its `toPayload()`), the
 * object its constructor takes (`{ where, rank, groupBy, limit, select }`,
 * parts as builders or JSON), or the JSON payload Chroma's server takes
 * (`{ filter, rank, group_by, limit, select }`). Everything is checked
 * before anything runs; what is not supported is a ValidationError with
 * code `unsupported`, never ignored.
 */
import { z } from 'zod';
import { OmenError, ValidationError } from '../../errors.js';
import { IssueCollector, describe, isPlainObject, type IssuePath } from '../filter/issues.js';
import { DOCUMENT_KEY, EMBEDDING_KEY, ID_KEY, METADATA_KEY, SCORE_KEY, type GroupBySpec, type KnnLeaf, type Projection, type SearchPlan } from './ast.js';
import { parseRank } from './parse-rank.js';
import { compileSearchWhere } from './search-where.js';

/** Chroma's `ReadLevel`s. Every read here sees every acknowledged write, which each of them allows. */
export const READ_LEVELS = ['index_and_wal', 'index_only', 'index_and_bounded_wal'] as const;

const PART_KEYS = ['where', 'filter', 'rank', 'groupBy', 'group_by', 'limit', 'select'];

const limitSchema = z
  .object({ offset: z.number().int().nonnegative().default(0), limit: z.number().int().nonnegative().nullish() })
  .strict();
const aggregateBody = z.object({ keys: z.array(z.string().min(1)).min(1), k: z.number().int().positive() }).strict();
const groupBySchema = z
  .object({
    keys: z.array(z.string().min(1)).default([]),
    aggregate: z.union([z.object({ $min_k: aggregateBody }).strict(), z.object({ $max_k: aggregateBody }).strict()]).nullish(),
  })
  .strict();

/** One search or a non-empty array of them, as `Collection.search` takes. Throws ValidationError listing every problem. */
export function parseSearches(input: unknown): SearchPlan[] {
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0) throw new ValidationError('invalid search', [{ code: 'too_small', path: ['searches'], message: 'give at least one search' }]);
  const issues = new IssueCollector();
  const plans = list.map((search, i) => parseSearch(search, Array.isArray(input) ? ['searches', i] : ['search'], issues));
  issues.throwIfAny('search');
  return plans as SearchPlan[];
}

function parseSearch(input: unknown, path: IssuePath, issues: IssueCollector): SearchPlan | undefined {
  const parts = payloadOf(input, path, issues);
  if (parts === undefined) return undefined;
  for (const key of Object.keys(parts)) {
    if (!PART_KEYS.includes(key)) issues.add('unsupported', [...path, key], `unknown search part ${JSON.stringify(key)}; expected where (or filter), rank, groupBy (or group_by), limit, select`);
  }
  if (parts.where !== undefined && parts.filter !== undefined) issues.add('invalid_type', path, 'give where or filter, not both');
  if (parts.groupBy !== undefined && parts.group_by !== undefined) issues.add('invalid_type', path, 'give groupBy or group_by, not both');
  const whereKey = parts.filter !== undefined ? 'filter' : 'where';
  const where = compileWhereAt(plain(parts[whereKey]), [...path, whereKey], issues);
  const knn: KnnLeaf[] = [];
  let rankInput = plain(parts.rank);
  if (typeof rankInput === 'number') rankInput = { $val: rankInput };
  const rank = rankInput === undefined || rankInput === null ? undefined : parseRank(rankInput, [...path, 'rank'], issues, knn);
  const groupKey = parts.group_by !== undefined ? 'group_by' : 'groupBy';
  const groupBy = parseGroupBy(plain(parts[groupKey]), [...path, groupKey], issues);
  if (groupBy && rankInput == null) issues.add('invalid_type', [...path, groupKey], 'groupBy needs a rank expression to order the groups by');
  const limit = parseLimit(plain(parts.limit), [...path, 'limit'], issues);
  const select = parseSelect(parts.select, [...path, 'select'], issues);
  if (!limit || !select) return undefined;
  return { where, rank, knn, groupBy, offset: limit.offset, limit: limit.limit, select };
}

/** The search's parts as a plain object: a builder's `toPayload()`, or the object itself. */
function payloadOf(input: unknown, path: IssuePath, issues: IssueCollector): Record<string, unknown> | undefined {
  if (typeof input === 'object' && input !== null && typeof (input as { toPayload?: unknown }).toPayload === 'function') {
    try {
      return (input as { toPayload(): Record<string, unknown> }).toPayload();
    } catch (err) {
      if (err instanceof OmenError) throw err;
      issues.add('unreadable', path, `the search builder's toPayload() threw: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
  if (!isPlainObject(input)) {
    issues.add('invalid_type', path, `expected a Search (chromadb) or a search object { where, rank, limit, select, groupBy }, got ${describe(input)}`);
    return undefined;
  }
  return input;
}

/** A builder part (`WhereExpression`, `RankExpression`, `Limit`, `Select`, `GroupBy`) as its JSON; other values as they are. */
function plain(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !isPlainObject(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON(): unknown }).toJSON();
  }
  return value;
}

function compileWhereAt(where: unknown, path: IssuePath, issues: IssueCollector) {
  try {
    return compileSearchWhere(where, path);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    for (const issue of err.issues) issues.add(issue.code, issue.path, issue.message);
    return undefined;
  }
}

function parseLimit(limit: unknown, path: IssuePath, issues: IssueCollector): { offset: number; limit: number | undefined } | undefined {
  if (limit === undefined || limit === null) return { offset: 0, limit: undefined };
  if (typeof limit === 'number') limit = { limit };
  const parsed = zodInto(limitSchema, limit, path, issues);
  return parsed && { offset: parsed.offset, limit: parsed.limit ?? undefined };
}

function parseGroupBy(groupBy: unknown, path: IssuePath, issues: IssueCollector): GroupBySpec | undefined {
  if (groupBy === undefined || groupBy === null) return undefined;
  const parsed = zodInto(groupBySchema, groupBy, path, issues);
  if (!parsed) return undefined;
  const { keys, aggregate } = parsed;
  if (keys.length === 0 && !aggregate) return undefined;
  if (keys.length === 0 || !aggregate) {
    issues.add('invalid_type', path, 'groupBy takes keys and an aggregate ($min_k or $max_k) together');
    return undefined;
  }
  keys.forEach((key, i) => {
    if (key.startsWith('#')) issues.add('unsupported', [...path, 'keys', i], `groupBy keys are metadata keys, got ${key}`);
  });
  const [kind, body] = '$min_k' in aggregate ? (['min_k', aggregate.$min_k] as const) : (['max_k', aggregate.$max_k] as const);
  body.keys.forEach((key, i) => {
    if (key.startsWith('#') && key !== SCORE_KEY) issues.add('unsupported', [...path, 'aggregate', `$${kind}`, 'keys', i], `aggregate keys are metadata keys or #score, got ${key}`);
  });
  return { keys, aggregate: { kind, keys: body.keys, k: body.k } };
}

/** Select keys: a `Select`, `{ keys }`, or an iterable of strings and `Key`s (objects with a string `name`). */
function parseSelect(select: unknown, path: IssuePath, issues: IssueCollector): Projection | undefined {
  let keys: unknown = plain(select);
  if (keys === undefined || keys === null) keys = [];
  if (isPlainObject(keys)) {
    const extra = Object.keys(keys).filter((k) => k !== 'keys');
    if (extra.length > 0) issues.add('unsupported', [...path, extra[0]], `select takes { keys }, got ${extra[0]}`);
    keys = (keys as { keys?: unknown }).keys ?? [];
  }
  if (typeof keys === 'string' || typeof keys !== 'object' || keys === null || !(Symbol.iterator in keys)) {
    issues.add('invalid_type', path, `select takes keys: an array of strings or Keys, got ${describe(keys)}`);
    return undefined;
  }
  const names = new Set<string>();
  let i = 0;
  for (const key of keys as Iterable<unknown>) {
    const name = typeof key === 'string' ? key : typeof (key as { name?: unknown })?.name === 'string' ? (key as { name: string }).name : undefined;
    if (name === undefined || name.length === 0) issues.add('invalid_type', [...path, 'keys', i], `expected a non-empty key name, got ${describe(key)}`);
    else if (name.startsWith('#') && ![DOCUMENT_KEY, EMBEDDING_KEY, METADATA_KEY, SCORE_KEY, ID_KEY].includes(name)) {
      issues.add('unsupported', [...path, 'keys', i], `unknown key ${name}; select #document, #embedding, #metadata, #score or metadata keys`);
    } else names.add(name);
    i++;
  }
  const fields = [...names].filter((n) => !n.startsWith('#')).sort();
  const system = [DOCUMENT_KEY, EMBEDDING_KEY, METADATA_KEY, SCORE_KEY].filter((k) => names.has(k));
  return {
    document: names.has(DOCUMENT_KEY),
    embedding: names.has(EMBEDDING_KEY),
    score: names.has(SCORE_KEY),
    allMetadata: names.has(METADATA_KEY),
    metadataKeys: fields,
    keys: [...system, ...fields],
  };
}

function zodInto<T>(schema: z.ZodType<T>, value: unknown, path: IssuePath, issues: IssueCollector): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.add(issue.code, [...path, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], issue.message);
  }
  return undefined;
}
