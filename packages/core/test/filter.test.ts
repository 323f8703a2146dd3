/**
 * Contract tests for `where` / `whereDocument`: compiled predicates agree with
 * a deliberately naive reference evaluator on seeded random records and
 * filters, and every malformed filter is a ValidationError with a code and a
 * path. A failing random case prints its seed; rerun one with FILTER_SEED=<n>.
 */
import { describe, expect, it } from 'vitest';
import { compileWhere, compileWhereDocument } from '../src/search/filter/index.js';
import { ValidationError } from '../src/errors.js';
import type { Metadata } from '../src/types.js';
import { seededRandom } from './helpers/tmp.js';

// ---------------------------------------------------------------- randomness

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const STRINGS = ['red', 'blue', 'Red', '', '1', 'a'];
const NUMBERS = [-2, -1, 0, 1, 1.5, 2, 3, 100];
const TOP_KEYS = ['a', 'b', 'tags', 'loc'];
const NESTED_KEYS = ['a', 'x', 'lines'];
const FILTER_KEYS = ['a', 'b', 'tags', 'loc', 'loc.a', 'loc.x', 'loc.lines.a', 'loc.lines.x', 'a.x', 'tags.a', 'missing'];

type Scalar = string | number | boolean;

function randomFilterScalar(r: Rng): Scalar {
  const p = r();
  return p < 0.4 ? pick(r, STRINGS) : p < 0.85 ? pick(r, NUMBERS) : r() < 0.5;
}

function randomMetadataScalar(r: Rng): Scalar | null {
  return r() < 0.08 ? null : randomFilterScalar(r);
}

function randomValue(r: Rng, depth: number): unknown {
  const p = r();
  if (p < 0.2) return Array.from({ length: Math.floor(r() * 4) }, () => randomMetadataScalar(r));
  if (p < 0.4 && depth < 3) return randomObject(r, NESTED_KEYS, depth + 1);
  return randomMetadataScalar(r);
}

function randomObject(r: Rng, keys: string[], depth: number): Metadata {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (r() < 0.6) out[k] = randomValue(r, depth);
  return out as Metadata;
}

function randomRecord(r: Rng): Metadata | null {
  return r() < 0.08 ? null : randomObject(r, TOP_KEYS, 0);
}

const OPS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$contains', '$not_contains'] as const;

function randomOperand(r: Rng, op: string): unknown {
  if (op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') return pick(r, NUMBERS);
  if (op === '$in' || op === '$nin') {
    const kind = r();
    const one = (): Scalar => (kind < 0.45 ? pick(r, STRINGS) : kind < 0.9 ? pick(r, NUMBERS) : r() < 0.5);
    return Array.from({ length: 1 + Math.floor(r() * 3) }, one);
  }
  return randomFilterScalar(r);
}

function randomCondition(r: Rng): unknown {
  if (r() < 0.25) return randomFilterScalar(r);
  const cond: Record<string, unknown> = {};
  const n = r() < 0.8 ? 1 : 2;
  while (Object.keys(cond).length < n) {
    const op = pick(r, OPS);
    cond[op] = randomOperand(r, op);
  }
  return cond;
}

function randomWhere(r: Rng, depth: number): Record<string, unknown> {
  const p = r();
  if (p < 0.3 && depth < 3) {
    const children = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomWhere(r, depth + 1));
    return { [r() < 0.5 ? '$and' : '$or']: children };
  }
  const where: Record<string, unknown> = {};
  const n = p < 0.45 ? 2 : 1; // two keys: implicit $and
  while (Object.keys(where).length < n) where[pick(r, FILTER_KEYS)] = randomCondition(r);
  return where;
}

// ------------------------------------------------------ reference evaluator

const MISSING = Symbol('missing');

function refLookup(metadata: Metadata | null, key: string): unknown {
  let current: unknown = metadata;
  for (const part of key.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return MISSING;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return MISSING;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function refEquals(value: unknown, operand: unknown): boolean {
  const isScalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
  return isScalar && typeof value === typeof operand && value === operand;
}

const seenOutcomes = new Map<string, Set<boolean>>();

function refOperator(value: unknown, op: string, operand: unknown): boolean {
  let result: boolean;
  switch (op) {
    case '$eq': result = refEquals(value, operand); break;
    case '$ne': result = !refEquals(value, operand); break;
    case '$gt': result = typeof value === 'number' && value > (operand as number); break;
    case '$gte': result = typeof value === 'number' && value >= (operand as number); break;
    case '$lt': result = typeof value === 'number' && value < (operand as number); break;
    case '$lte': result = typeof value === 'number' && value <= (operand as number); break;
    case '$in': result = (operand as unknown[]).some((o) => refEquals(value, o)); break;
    case '$nin': result = !(operand as unknown[]).some((o) => refEquals(value, o)); break;
    case '$contains': result = Array.isArray(value) && value.some((e) => e === operand); break;
    case '$not_contains': result = !(Array.isArray(value) && value.some((e) => e === operand)); break;
    default: throw new Error(`reference evaluator: unknown operator ${op}`);
  }
  if (!seenOutcomes.has(op)) seenOutcomes.set(op, new Set());
  seenOutcomes.get(op)!.add(result);
  return result;
}

function refWhere(where: Record<string, unknown>, metadata: Metadata | null): boolean {
  return Object.entries(where).every(([key, cond]) => {
    if (key === '$and') return (cond as Record<string, unknown>[]).every((c) => refWhere(c, metadata));
    if (key === '$or') return (cond as Record<string, unknown>[]).some((c) => refWhere(c, metadata));
    const value = refLookup(metadata, key);
    if (typeof cond !== 'object' || cond === null) return refOperator(value, '$eq', cond);
    return Object.entries(cond).every(([op, operand]) => refOperator(value, op, operand));
  });
}

// ------------------------------------------------------------------- helpers

function issuesOf(fn: () => unknown): { code: string; path: (string | number)[] }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues.map(({ code, path }) => ({ code, path }));
  }
  throw new Error('expected a ValidationError');
}

const matching = (where: unknown, records: (Metadata | null)[]): number[] => {
  const p = compileWhere(where);
  return records.flatMap((m, i) => (p(m) ? [i] : []));
};

// --------------------------------------------------------------------- tests

const BASE_SEED = process.env.FILTER_SEED ? Number(process.env.FILTER_SEED) : 20_240_601;
const RECORDS = 3000;
const FILTERS = 400;

describe('where: agreement with the reference evaluator', () => {
  it(`matches on ${RECORDS} random records × ${FILTERS} random filters (base seed ${BASE_SEED})`, () => {
    const records = Array.from({ length: RECORDS }, ((r) => () => randomRecord(r))(seededRandom(BASE_SEED)));
    let matched = 0;
    for (let f = 0; f < FILTERS; f++) {
      const seed = BASE_SEED + 1 + f;
      const where = randomWhere(seededRandom(seed), 0);
      const predicate = compileWhere(where);
      for (let i = 0; i < records.length; i++) {
        const expected = refWhere(where, records[i]);
        const actual = predicate(records[i]);
        if (actual !== expected) {
          expect.fail(
            `filter seed ${seed} (records seed ${BASE_SEED}), record ${i}: expected ${expected}, got ${actual}\n` +
              `where = ${JSON.stringify(where)}\nmetadata = ${JSON.stringify(records[i])}`,
          );
        }
        if (expected) matched++;
      }
    }
    const fraction = matched / (RECORDS * FILTERS);
    expect(fraction).toBeGreaterThan(0.05);
    expect(fraction).toBeLessThan(0.95);
    // Every operator was exercised with both outcomes.
    for (const op of OPS) expect([op, [...(seenOutcomes.get(op) ?? [])].sort()]).toEqual([op, [false, true]]);
  });
});

describe('where: semantics', () => {
  const records: (Metadata | null)[] = [
    { page: 3, tags: ['a', 'b'], source: 'web' }, // 0
    { page: '3', tags: 'a' }, // 1: string page, scalar tags
    {}, // 2: every key missing
    null, // 3: no metadata
    { page: 10, loc: { lines: { from: 1, to: 9 } } }, // 4: LangChain shape
    { page: null, tags: [] }, // 5
  ];

  it('$eq / shorthand are type-strict and false on missing keys', () => {
    expect(matching({ page: 3 }, records)).toEqual([0]);
    expect(matching({ page: { $eq: '3' } }, records)).toEqual([1]);
  });

  it('$ne and $nin match missing keys, nulls and other types (Chroma ≥ 0.5.12)', () => {
    expect(matching({ page: { $ne: 3 } }, records)).toEqual([1, 2, 3, 4, 5]);
    expect(matching({ page: { $nin: [3, 10] } }, records)).toEqual([1, 2, 3, 5]);
  });

  it('$gt/$gte/$lt/$lte compare numbers only', () => {
    expect(matching({ page: { $gte: 3 } }, records)).toEqual([0, 4]);
    expect(matching({ page: { $gt: 3, $lte: 10 } }, records)).toEqual([4]);
    expect(matching({ page: { $lt: 100 } }, records)).toEqual([0, 4]);
  });

  it('$eq never matches an array-valued field; $contains tests membership', () => {
    expect(matching({ tags: 'a' }, records)).toEqual([1]);
    expect(matching({ tags: { $contains: 'a' } }, records)).toEqual([0]);
    expect(matching({ tags: { $not_contains: 'a' } }, records)).toEqual([1, 2, 3, 4, 5]);
    expect(matching({ tags: { $in: ['a'] } }, records)).toEqual([1]);
  });

  it('dotted keys reach nested objects', () => {
    expect(matching({ 'loc.lines.from': { $lte: 1 } }, records)).toEqual([4]);
    expect(matching({ 'loc.lines.to': 9, page: 10 }, records)).toEqual([4]);
    expect(matching({ 'loc.lines': { $ne: 1 } }, records)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(matching({ 'tags.0': 'a' }, records)).toEqual([]); // arrays are not indexed
  });

  it('implicit $and, {} and single-element $and/$or', () => {
    expect(matching({}, records)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(matching({ page: 3, source: 'web' }, records)).toEqual([0]);
    expect(matching({ $and: [{ page: 10 }] }, records)).toEqual([4]);
    expect(matching({ $or: [{ page: 10 }] }, records)).toEqual([4]);
    expect(matching({ $or: [{ page: 3 }, { page: '3' }], tags: { $contains: 'b' } }, records)).toEqual([0]);
  });

  it('keys on Object.prototype are missing, not inherited', () => {
    expect(matching({ constructor: { $ne: 1 } }, [{}])).toEqual([0]);
    expect(matching({ 'toString.name': 'toString' }, [{}])).toEqual([]);
    expect(matching(JSON.parse('{"__proto__": {"$ne": 1}}'), [{}])).toEqual([0]);
    // In a literal, __proto__ sets the prototype: not a plain filter object.
    expect(issuesOf(() => compileWhere({ __proto__: { $ne: 1 } }))).toEqual([{ code: 'invalid_type', path: ['where'] }]);
  });

  it('compiles once: mutating the filter afterwards changes nothing', () => {
    const where = { page: { $in: [3] as unknown[] }, $or: [{ source: 'web' }] };
    const p = compileWhere(where);
    where.page.$in.push(10);
    where.$or.push({ source: 'x' });
    expect(records.map((m) => p(m))).toEqual([true, false, false, false, false, false]);
  });
});

describe('whereDocument', () => {
  const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'Alpha', 'x1', 'x22', 'é'];
  const SUBSTRINGS = ['alpha', 'Alpha', 'ta g', 'x2', 'a', 'mm', 'é b'];
  const PATTERNS = ['^alpha', 'beta$', 'x\\d{2}', '(?:gam|del)ta', 'a.p', '[A-Z]', '\\bbeta\\b', 'e+t', '^$', 'a|b'];

  function randomDoc(r: Rng): string | null {
    if (r() < 0.1) return null;
    return Array.from({ length: Math.floor(r() * 6) }, () => pick(r, WORDS)).join(' ');
  }

  function randomDocFilter(r: Rng, depth: number): Record<string, unknown> {
    const p = r();
    if (p < 0.25 && depth < 3) {
      const children = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomDocFilter(r, depth + 1));
      return { [r() < 0.5 ? '$and' : '$or']: children };
    }
    const op = pick(r, ['$contains', '$not_contains', '$regex', '$not_regex']);
    const filter: Record<string, unknown> = { [op]: op.endsWith('regex') ? pick(r, PATTERNS) : pick(r, SUBSTRINGS) };
    if (p > 0.85) filter[op.startsWith('$not') ? '$contains' : '$not_contains'] = pick(r, SUBSTRINGS);
    return filter;
  }

  // Independent reference: String#includes and V8's RegExp, on patterns where RE2 and JS agree.
  function refDoc(filter: Record<string, unknown>, doc: string | null): boolean {
    return Object.entries(filter).every(([op, v]) => {
      switch (op) {
        case '$and': return (v as Record<string, unknown>[]).every((c) => refDoc(c, doc));
        case '$or': return (v as Record<string, unknown>[]).some((c) => refDoc(c, doc));
        case '$contains': return doc !== null && doc.includes(v as string);
        case '$not_contains': return !(doc !== null && doc.includes(v as string));
        case '$regex': return doc !== null && new RegExp(v as string).test(doc);
        case '$not_regex': return !(doc !== null && new RegExp(v as string).test(doc));
        default: throw new Error(op);
      }
    });
  }

  it(`matches the reference on 2000 random documents × 300 random filters (base seed ${BASE_SEED})`, () => {
    const docs = Array.from({ length: 2000 }, ((r) => () => randomDoc(r))(seededRandom(BASE_SEED)));
    let matched = 0;
    for (let f = 0; f < 300; f++) {
      const seed = BASE_SEED + 10_000 + f;
      const filter = randomDocFilter(seededRandom(seed), 0);
      const predicate = compileWhereDocument(filter);
      docs.forEach((doc, i) => {
        const expected = refDoc(filter, doc);
        if (predicate(doc) !== expected) {
          expect.fail(`filter seed ${seed}, document ${i}: expected ${expected}\nfilter = ${JSON.stringify(filter)}\ndocument = ${JSON.stringify(doc)}`);
        }
        if (expected) matched++;
      });
    }
    expect(matched / (2000 * 300)).toBeGreaterThan(0.05);
    expect(matched / (2000 * 300)).toBeLessThan(0.95);
  });

  it('a null document matches no positive operator and every negated one', () => {
    for (const [filter, expected] of [
      [{ $contains: 'a' }, false],
      [{ $regex: '' }, false],
      [{ $not_contains: 'a' }, true],
      [{ $not_regex: 'a' }, true],
    ] as const) {
      expect(compileWhereDocument(filter)(null)).toBe(expected);
    }
  });

  it('$contains is case-sensitive; RE2 inline flags work', () => {
    expect(compileWhereDocument({ $contains: 'Fox' })('the fox')).toBe(false);
    expect(compileWhereDocument({ $regex: '(?i)FOX' })('the fox')).toBe(true);
    expect(compileWhereDocument({ $regex: '^.$' })('😀')).toBe(true); // code points, like Rust's regex
  });

  it('patterns that backtrack catastrophically on V8 finish with the right answer', () => {
    const cases: [string, string][] = [
      ['(a+)+b', 'a'.repeat(100_000)],
      ['(a|a)*b', 'a'.repeat(100_000) + 'c'],
      ['(a|ab)*c', 'ab'.repeat(50_000)],
      ['.*.*.*x!', 'x'.repeat(100_000)],
      ['\\w+x\\d', 'x'.repeat(100_000)],
      ['^(\\w+\\s?)*$', 'word '.repeat(20_000) + '!'],
    ];
    // On V8's backtracking engine each of these would run for minutes, past the test's timeout.
    for (const [pattern, text] of cases) expect(compileWhereDocument({ $regex: pattern })(text)).toBe(false);
  });
});

describe('malformed filters are ValidationErrors with a code and a path', () => {
  const whereCases: [string, unknown, { code: string; path: (string | number)[] }[]][] = [
    ['null where', null, [{ code: 'invalid_type', path: ['where'] }]],
    ['string where', 'page = 3', [{ code: 'invalid_type', path: ['where'] }]],
    ['array where', [{ page: 3 }], [{ code: 'invalid_type', path: ['where'] }]],
    ['class instance where', new Date(0), [{ code: 'invalid_type', path: ['where'] }]],
    ['unknown top-level operator', { $not: { page: 3 } }, [{ code: 'unknown_operator', path: ['where', '$not'] }]],
    ['unknown field operator', { page: { $foo: 1 } }, [{ code: 'unknown_operator', path: ['where', 'page', '$foo'] }]],
    ['nested object without operator', { loc: { lines: 1 } }, [{ code: 'unknown_operator', path: ['where', 'loc', 'lines'] }]],
    ['$gt on a string', { page: { $gt: '3' } }, [{ code: 'invalid_type', path: ['where', 'page', '$gt'] }]],
    ['$lte on NaN', { page: { $lte: NaN } }, [{ code: 'non_finite', path: ['where', 'page', '$lte'] }]],
    ['$gte on Infinity', { page: { $gte: Infinity } }, [{ code: 'non_finite', path: ['where', 'page', '$gte'] }]],
    ['empty $in', { page: { $in: [] } }, [{ code: 'too_small', path: ['where', 'page', '$in'] }]],
    ['$nin not an array', { page: { $nin: 3 } }, [{ code: 'invalid_type', path: ['where', 'page', '$nin'] }]],
    ['$in of mixed types', { page: { $in: [1, '1'] } }, [{ code: 'mixed_types', path: ['where', 'page', '$in'] }]],
    ['$in holding null', { page: { $in: ['a', null] } }, [{ code: 'invalid_type', path: ['where', 'page', '$in', 1] }]],
    ['$and not an array', { $and: { page: 3 } }, [{ code: 'invalid_type', path: ['where', '$and'] }]],
    ['empty $or', { $or: [] }, [{ code: 'too_small', path: ['where', '$or'] }]],
    ['non-object inside $and', { $and: [{ page: 3 }, 'x'] }, [{ code: 'invalid_type', path: ['where', '$and', 1] }]],
    ['$eq null', { page: { $eq: null } }, [{ code: 'invalid_type', path: ['where', 'page', '$eq'] }]],
    ['shorthand null', { page: null }, [{ code: 'invalid_type', path: ['where', 'page'] }]],
    ['shorthand undefined', { page: undefined }, [{ code: 'invalid_type', path: ['where', 'page'] }]],
    ['shorthand array', { tags: ['a'] }, [{ code: 'invalid_type', path: ['where', 'tags'] }]],
    ['$contains with an object', { tags: { $contains: {} } }, [{ code: 'invalid_type', path: ['where', 'tags', '$contains'] }]],
    ['empty operator object', { page: {} }, [{ code: 'too_small', path: ['where', 'page'] }]],
    ['empty key', { '': 1 }, [{ code: 'invalid_key', path: ['where', ''] }]],
    ['empty dotted segment', { 'loc..from': 1 }, [{ code: 'invalid_key', path: ['where', 'loc..from'] }]],
    ['trailing dot', { 'loc.': 1 }, [{ code: 'invalid_key', path: ['where', 'loc.'] }]],
    [
      'several problems at once',
      { $and: [{ page: { $gt: 'x' } }, { $bad: 1 }], tags: { $in: [] } },
      [
        { code: 'invalid_type', path: ['where', '$and', 0, 'page', '$gt'] },
        { code: 'unknown_operator', path: ['where', '$and', 1, '$bad'] },
        { code: 'too_small', path: ['where', 'tags', '$in'] },
      ],
    ],
  ];

  it.each(whereCases)('where: %s', (_name, where, expected) => {
    expect(issuesOf(() => compileWhere(where))).toEqual(expected);
  });

  it('where: nesting deeper than 64 levels, or a cycle, is too_deep', () => {
    let deep: Record<string, unknown> = { page: 1 };
    for (let i = 0; i < 100; i++) deep = { $and: [deep] };
    expect(issuesOf(() => compileWhere(deep)).map((i) => i.code)).toEqual(['too_deep']);
    const cyclic: { $or: unknown[] } = { $or: [] };
    cyclic.$or.push(cyclic);
    expect(issuesOf(() => compileWhere(cyclic)).map((i) => i.code)).toEqual(['too_deep']);
  });

  const docCases: [string, unknown, { code: string; path: (string | number)[] }[]][] = [
    ['non-object', 'fox', [{ code: 'invalid_type', path: ['whereDocument'] }]],
    ['unknown operator', { $like: 'fox' }, [{ code: 'unknown_operator', path: ['whereDocument', '$like'] }]],
    ['$contains not a string', { $contains: 3 }, [{ code: 'invalid_type', path: ['whereDocument', '$contains'] }]],
    ['empty $contains', { $not_contains: '' }, [{ code: 'too_small', path: ['whereDocument', '$not_contains'] }]],
    ['$and not an array', { $and: { $contains: 'a' } }, [{ code: 'invalid_type', path: ['whereDocument', '$and'] }]],
    ['empty $or', { $or: [] }, [{ code: 'too_small', path: ['whereDocument', '$or'] }]],
    ['bad regex', { $regex: 'a(' }, [{ code: 'invalid_regex', path: ['whereDocument', '$regex'] }]],
    ['lookahead (not RE2)', { $regex: 'a(?=b)' }, [{ code: 'invalid_regex', path: ['whereDocument', '$regex'] }]],
    ['backreference (not RE2)', { $or: [{ $not_regex: '(a)\\1' }] }, [{ code: 'invalid_regex', path: ['whereDocument', '$or', 0, '$not_regex'] }]],
    ['regex bomb: nested counted repetition', { $regex: '((a{100}){100}){100}' }, [{ code: 'invalid_regex', path: ['whereDocument', '$regex'] }]],
    ['regex bomb: over-long pattern', { $regex: 'a'.repeat(1025) }, [{ code: 'too_long', path: ['whereDocument', '$regex'] }]],
    ['regex not a string', { $regex: /fox/ }, [{ code: 'invalid_type', path: ['whereDocument', '$regex'] }]],
  ];

  it.each(docCases)('whereDocument: %s', (_name, filter, expected) => {
    expect(issuesOf(() => compileWhereDocument(filter))).toEqual(expected);
  });

  it('the error message names the path', () => {
    expect(() => compileWhere({ page: { $gt: 'x' } })).toThrow(/where\.page\.\$gt/);
  });
});
