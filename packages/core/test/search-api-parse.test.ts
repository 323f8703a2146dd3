import { Abs, Div, Exp, GroupBy, K, Knn, Limit, Log, Max, MaxK, Min, MinK, Mul, Rrf, Search, Select, Sub, Sum, Val } from 'chromadb-search';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { evaluateRank, parseSearches, type LeafHit, type SearchPlan } from '../src/search/search-api/index.js';

/** A plan without its compiled predicates, for comparing two parses. */
function comparable(plan: SearchPlan) {
  const { where, ...rest } = plan;
  return { ...rest, where: where?.split ?? (where ? 'record-level' : undefined) };
}

/** The plan of a builder, and of the JSON it serializes to, which must be the same. */
function roundTrip(search: Search): SearchPlan {
  const [fromBuilder] = parseSearches(search);
  const [fromJson] = parseSearches(JSON.parse(JSON.stringify(search.toPayload())));
  expect(comparable(fromJson)).toEqual(comparable(fromBuilder));
  return fromBuilder;
}

function unsupported(input: unknown): ValidationError {
  try {
    parseSearches(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error(`expected a ValidationError for ${JSON.stringify(input)}`);
}

describe("Search JSON from Chroma's builders", () => {
  it('round-trips a dense Knn with where, limit and select', () => {
    const plan = roundTrip(
      new Search()
        .where(K('year').gte(2020).and(K.DOCUMENT.contains('vector')))
        .rank(Knn({ query: [0.1, 0.2, 0.3], limit: 7 }))
        .limit(5, 10)
        .select(K.DOCUMENT, K.SCORE, 'title'),
    );
    expect(plan.knn).toHaveLength(1);
    expect(plan.knn[0]).toMatchObject({ query: [0.1, 0.2, 0.3], key: '#embedding', limit: 7, default: undefined, returnRank: false });
    expect(plan.where?.split).toEqual({ where: { year: { $gte: 2020 } }, whereDocument: { $contains: 'vector' } });
    expect([plan.offset, plan.limit]).toEqual([10, 5]);
    expect(plan.select).toMatchObject({ document: true, score: true, embedding: false, allMetadata: false, metadataKeys: ['title'], keys: ['#document', '#score', 'title'] });
  });

  it('round-trips Rrf: the builder compiles it into $mul/$sum/$div/$val over $knn leaves with return_rank', () => {
    const search = new Search().rank(
      Rrf({ ranks: [Knn({ query: [1, 0], returnRank: true }), Knn({ query: 'hybrid search', key: K.DOCUMENT, returnRank: true, default: 1000 })], k: 10, weights: [0.7, 0.3] }),
    );
    const plan = roundTrip(search);
    expect(plan.rank?.op).toBe('mul');
    expect(plan.knn.map((l) => [l.key, l.returnRank, l.default, l.limit])).toEqual([
      ['#embedding', true, undefined, 128],
      ['#document', true, 1000, 128],
    ]);
  });

  it('round-trips every arithmetic operator and groupBy', () => {
    const a = Knn({ query: [1, 0], default: 5 });
    const b = Knn({ query: [0, 1], limit: 3 });
    const rank = Sum(Sub(a, b), Mul(a, 2), Div(b, Val(4)), Abs(a), Exp(b), Log(Sum(a, 1)), Max(a, b), Min(a, 0.5));
    const plan = roundTrip(new Search({ rank, groupBy: new GroupBy([K('cluster')], new MinK([K.SCORE, K('i')], 2)), limit: 10 }));
    expect(plan.knn).toHaveLength(10);
    expect(plan.groupBy).toEqual({ keys: ['cluster'], aggregate: { kind: 'min_k', keys: ['#score', 'i'], k: 2 } });
    const max = roundTrip(new Search({ rank: a, groupBy: new GroupBy([K('c')], new MaxK([K('i')], 1)) }));
    expect(max.groupBy?.aggregate.kind).toBe('max_k');
  });

  it('takes the Search constructor object, the server payload and a number rank', () => {
    const [init] = parseSearches({ where: { a: 1 }, rank: { $knn: { query: [1] } }, limit: 3, select: ['#score'] });
    const [payload] = parseSearches({ filter: { a: 1 }, rank: { $knn: { query: [1] } }, limit: { limit: 3 }, select: { keys: ['#score'] } });
    expect(comparable(init)).toEqual(comparable(payload));
    expect(init.knn[0].limit).toBe(16); // Chroma's server default when the JSON has none
    expect(parseSearches({ rank: 2 })[0].rank).toEqual({ op: 'val', value: 2 });
    // Builder parts inside a plain object are read through their toJSON().
    const [parts] = parseSearches({ where: K('a').eq(1), rank: Knn({ query: [1], limit: 16 }), limit: new Limit({ limit: 3 }), select: new Select([K.SCORE]) });
    expect({ ...comparable(parts), where: undefined }).toEqual({ ...comparable(payload), where: undefined });
    expect(parts.where?.split).toEqual({ where: { a: { $eq: 1 } } });
  });

  it('keeps a filter with #id or an $or across metadata and documents at record level', () => {
    expect(parseSearches(new Search().where(K.ID.isIn(['a', 'b'])))[0].where?.split).toBeUndefined();
    const or = parseSearches(new Search().where(K('a').eq(1).or(K.DOCUMENT.regex('^x'))))[0];
    expect(or.where?.split).toBeUndefined();
    expect(or.where?.filter.record).toBeTypeOf('function');
    const docsOnly = parseSearches(new Search().where(K.DOCUMENT.contains('x').or(K.DOCUMENT.notContains('y'))))[0];
    expect(docsOnly.where?.split).toEqual({ whereDocument: { $or: [{ $contains: 'x' }, { $not_contains: 'y' }] } });
  });
});

describe('rank expression evaluation (Chroma semantics)', () => {
  const dense: LeafHit[] = [{ key: 'a', measure: 0.1 }, { key: 'b', measure: 0.2 }, { key: 'c', measure: 0.3 }];
  const text: LeafHit[] = [{ key: 'c', measure: -4 }, { key: 'd', measure: -3 }, { key: 'a', measure: -1 }];

  function rank(expr: ReturnType<typeof Knn>): Map<string, number> {
    const [plan] = parseSearches(new Search().rank(expr));
    return evaluateRank(plan.rank!, [dense, text]);
  }

  it('Rrf without defaults keeps only records every list returned (Chroma drops the others)', () => {
    const got = rank(Rrf({ ranks: [Knn({ query: [1], returnRank: true }), Knn({ query: 'q', key: '#document', returnRank: true })], k: 60 }));
    expect([...got.keys()].sort()).toEqual(['a', 'c']);
    expect(got.get('a')).toBeCloseTo(-(1 / 60 + 1 / 62), 12);
    expect(got.get('c')).toBeCloseTo(-(1 / 62 + 1 / 60), 12);
  });

  it('Rrf with defaults and weights scores the union by hand', () => {
    const got = rank(
      Rrf({
        ranks: [Knn({ query: [1], returnRank: true, default: 100 }), Knn({ query: 'q', key: '#document', returnRank: true, default: 100 })],
        k: 10,
        weights: [2, 1],
      }),
    );
    const expected = { a: 2 / 10 + 1 / 12, b: 2 / 11 + 1 / 110, c: 2 / 12 + 1 / 10, d: 2 / 110 + 1 / 11 };
    expect([...got.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const [key, value] of Object.entries(expected)) expect(got.get(key)).toBeCloseTo(-value, 12);
  });

  it('measures pass through arithmetic; a $val alone ranks nothing', () => {
    const got = rank(Sum(Mul(Knn({ query: [1], default: 1 }), 0.5), Knn({ query: 'q', key: '#document', default: 0 })));
    expect(got.get('a')).toBeCloseTo(0.05 - 1, 12);
    expect(got.get('b')).toBeCloseTo(0.1 + 0, 12);
    expect(got.get('d')).toBeCloseTo(0.5 - 3, 12);
    const [plan] = parseSearches({ rank: { $val: 3 } });
    expect(evaluateRank(plan.rank!, []).size).toBe(0);
  });

  it('max and min ignore NaN as Rust does; log of a negative is NaN', () => {
    const [plan] = parseSearches(new Search().rank(Max(Log(Knn({ query: 'q', key: '#document' })), Val(-7))));
    const got = evaluateRank(plan.rank!, [text]);
    expect(got.get('c')).toBe(-7);
    expect(got.size).toBe(3);
  });
});

describe('unsupported Search features raise', () => {
  const cases: [string, unknown, string][] = [
    ['an unknown rank operator', { rank: { $pow: [{ $val: 1 }] } }, 'unknown_operator'],
    ['two operators in one rank object', { rank: { $val: 1, $knn: { query: [1] } } }, 'invalid_type'],
    ['a non-finite $val', { rank: { $val: Infinity } }, 'non_finite'],
    ['a $knn limit of 0', { rank: { $knn: { query: [1], limit: 0 } } }, 'too_small'],
    ['an unknown $knn field', { rank: { $knn: { query: [1], ef: 10 } } }, 'unrecognized_keys'],
    ['a filter on #embedding', new Search().where(K.EMBEDDING.eq(1)), 'unsupported'],
    ['$regex on a metadata key', { where: { title: { $regex: 'x' } } }, 'unknown_operator'],
    ['an unknown select key', { select: ['#vector'] }, 'unsupported'],
    ['groupBy on #document', { rank: { $val: 1 }, group_by: { keys: ['#document'], aggregate: { $min_k: { keys: ['#score'], k: 1 } } } }, 'unsupported'],
    ['groupBy without a rank', { groupBy: { keys: ['a'], aggregate: { $min_k: { keys: ['#score'], k: 1 } } } }, 'invalid_type'],
    ['an unknown search part', { rank: { $val: 1 }, include: ['documents'] }, 'unsupported'],
    ['no search at all', [], 'too_small'],
    ['where and filter together', { where: { a: 1 }, filter: { a: 1 } }, 'invalid_type'],
  ];
  for (const [what, input, code] of cases) {
    it(`${what} (${code})`, () => {
      const err = unsupported(input);
      expect(err.issues.map((i) => i.code)).toContain(code);
    });
  }

  it('names the path of the problem inside a batch', () => {
    const err = unsupported([{ limit: 1 }, new Search().rank(Sum(Knn({ query: [1] }), { $nope: 1 }))]);
    expect(err.issues[0].path).toEqual(['searches', 1, 'rank', '$sum', 1, '$nope']);
  });
});
