/**
 * Contract tests for `validateMetadata`: every rejection rule yields an issue
 * with its stable code and full path, accepted shapes yield none, and hostile
 * inputs (cycles, deep chains, 10 MB values) fail fast without a stack overflow.
 */
import { describe, expect, it } from 'vitest';
import { MAX_METADATA_BYTES, MAX_METADATA_DEPTH, readMetadata, validateMetadata } from '../src/api/metadata.js';

const PREFIX = ['metadatas', 3];
const check = (value: unknown) => validateMetadata(value, PREFIX).map(({ code, path }) => ({ code, path }));

function nested(levels: number): Record<string, unknown> {
  let obj: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) obj = { n: obj };
  return obj;
}

describe('accepted metadata', () => {
  const accepted: [string, unknown][] = [
    ['undefined (no metadata)', undefined],
    ['null (no metadata)', null],
    ['empty object', {}],
    ['scalars', { s: 'text', i: 42, f: -1.5, t: true, f2: false, n: null, empty: '' }],
    ['LangChain loc', { source: 'a.pdf', loc: { lines: { from: 1, to: 20 }, pageNumber: 3 } }],
    ['arrays of scalars, mixed and empty', { tags: ['a', 'b'], nums: [1, 2.5], mixed: ['a', 1, true, null], none: [] }],
    ['unicode keys and values', { 'clé': 'värde 😀', 日本: '語' }],
    ['null-prototype object', Object.assign(Object.create(null), { a: 1, b: Object.assign(Object.create(null), { c: 2 }) })],
    ['undefined value (absent, as in JSON)', { a: 1, b: undefined }],
    [`${MAX_METADATA_DEPTH} levels of nesting`, nested(MAX_METADATA_DEPTH)],
    ['keys that merely contain $, # or __proto__', { a$b: 1, '#tag': 2, x__proto__: 3 }],
    ['a shared, non-circular reference', (() => { const shared = { x: 1 }; return { a: shared, b: { c: shared } }; })()],
    ['1 MB of ASCII', { text: 'x'.repeat(1_000_000) }],
  ];

  it.each(accepted)('%s', (_name, value) => {
    expect(check(value)).toEqual([]);
  });
});

describe('rejected metadata', () => {
  const rejected: [string, unknown, { code: string; path: (string | number)[] }[]][] = [
    ['an array', [{ a: 1 }], [{ code: 'invalid_type', path: PREFIX }]],
    ['a string', 'source=web', [{ code: 'invalid_type', path: PREFIX }]],
    ['a number', 7, [{ code: 'invalid_type', path: PREFIX }]],
    ['a Map', new Map([['a', 1]]), [{ code: 'invalid_type', path: PREFIX }]],
    ['a class instance', new (class Meta { a = 1; })(), [{ code: 'invalid_type', path: PREFIX }]],
    ['a literal with __proto__ set', { __proto__: { a: 1 } }, [{ code: 'invalid_type', path: PREFIX }]],
    ['NaN', { score: NaN }, [{ code: 'non_finite', path: [...PREFIX, 'score'] }]],
    ['Infinity', { a: { b: Infinity } }, [{ code: 'non_finite', path: [...PREFIX, 'a', 'b'] }]],
    ['-Infinity in an array', { xs: [1, -Infinity] }, [{ code: 'non_finite', path: [...PREFIX, 'xs', 1] }]],
    ['a bigint', { n: 10n }, [{ code: 'invalid_type', path: [...PREFIX, 'n'] }]],
    ['a Date value', { at: new Date(0) }, [{ code: 'invalid_type', path: [...PREFIX, 'at'] }]],
    ['a function', { f: () => 1 }, [{ code: 'invalid_type', path: [...PREFIX, 'f'] }]],
    ['a symbol', { s: Symbol('s') }, [{ code: 'invalid_type', path: [...PREFIX, 's'] }]],
    ['a Float32Array', { v: new Float32Array(2) }, [{ code: 'invalid_type', path: [...PREFIX, 'v'] }]],
    ['a nested array', { m: [[1, 2]] }, [{ code: 'invalid_type', path: [...PREFIX, 'm', 0] }]],
    ['an object inside an array', { m: ['a', { b: 1 }] }, [{ code: 'invalid_type', path: [...PREFIX, 'm', 1] }]],
    ['undefined inside an array', { m: [1, undefined] }, [{ code: 'invalid_type', path: [...PREFIX, 'm', 1] }]],
    ['a hole in an array', { m: [1, , 3] }, [{ code: 'hole', path: [...PREFIX, 'm', 1] }]],
    ['an empty key', { '': 1 }, [{ code: 'invalid_key', path: [...PREFIX, ''] }]],
    ['a dotted key', { 'loc.lines': 1 }, [{ code: 'invalid_key', path: [...PREFIX, 'loc.lines'] }]],
    ['a dotted nested key', { loc: { 'a.b': 1 } }, [{ code: 'invalid_key', path: [...PREFIX, 'loc', 'a.b'] }]],
    ['a $ key', { $and: 1 }, [{ code: 'reserved_key', path: [...PREFIX, '$and'] }]],
    ['an own __proto__ key', JSON.parse('{"__proto__": {"polluted": true}}'), [{ code: 'reserved_key', path: [...PREFIX, '__proto__'] }]],
    ['a constructor key', { constructor: 'x' }, [{ code: 'reserved_key', path: [...PREFIX, 'constructor'] }]],
    ['a nested prototype key', { a: { prototype: 1 } }, [{ code: 'reserved_key', path: [...PREFIX, 'a', 'prototype'] }]],
    [`${MAX_METADATA_DEPTH + 1} levels of nesting`, nested(MAX_METADATA_DEPTH + 1), [{ code: 'too_deep', path: [...PREFIX, ...Array(MAX_METADATA_DEPTH).fill('n')] }]],
    ['a lone high surrogate in a value', { s: 'a\uD800b' }, [{ code: 'ill_formed_string', path: [...PREFIX, 's'] }]],
    ['a lone low surrogate in a key', { 'k\uDC00': 1 }, [{ code: 'ill_formed_string', path: [...PREFIX, 'k\uDC00'] }]],
    ['a lone surrogate in an array', { tags: ['ok', '\uDBFF'] }, [{ code: 'ill_formed_string', path: [...PREFIX, 'tags', 1] }]],
    ['a lone surrogate nested', { a: { b: '\uDFFF' } }, [{ code: 'ill_formed_string', path: [...PREFIX, 'a', 'b'] }]],
    ['a Proxy as the metadata', new Proxy({ a: 1 }, {}), [{ code: 'invalid_type', path: PREFIX }]],
    ['a Proxy as a nested value', { a: new Proxy({ b: 1 }, {}) }, [{ code: 'invalid_type', path: [...PREFIX, 'a'] }]],
    ['a Proxy of an array', { a: new Proxy([1, 2], {}) }, [{ code: 'invalid_type', path: [...PREFIX, 'a'] }]],
    ['a revoked Proxy', { a: Proxy.revocable({}, {}).proxy }, [{ code: 'invalid_type', path: [...PREFIX, 'a'] }]],
    ['a getter that throws', { ok: 1, get bad(): number { throw new Error('boom'); } }, [{ code: 'unreadable', path: [...PREFIX, 'bad'] }]],
    ['a BigInt', { n: 10n }, [{ code: 'invalid_type', path: [...PREFIX, 'n'] }]],
  ];

  it.each(rejected)('%s', (_name, value, expected) => {
    expect(check(value)).toEqual(expected);
  });

  it('reports every problem in one record', () => {
    expect(check({ a: NaN, 'b.c': 1, d: [[1]], e: { $f: 2 } })).toEqual([
      { code: 'non_finite', path: [...PREFIX, 'a'] },
      { code: 'invalid_key', path: [...PREFIX, 'b.c'] },
      { code: 'invalid_type', path: [...PREFIX, 'd', 0] },
      { code: 'reserved_key', path: [...PREFIX, 'e', '$f'] },
    ]);
  });

  it('stops after 100 issues', () => {
    const many = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, NaN]));
    expect(check(many)).toHaveLength(100);
  });

  it('messages are readable', () => {
    expect(validateMetadata({ loc: { 'a.b': 1 } }, PREFIX)[0].message).toMatch(/'\.'/);
    expect(validateMetadata({ at: new Date(0) }, PREFIX)[0].message).toMatch(/a Date/);
  });
});

describe('cycles, depth and size', () => {
  it('a self-reference is circular, not a stack overflow', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(check(a)).toEqual([{ code: 'circular', path: [...PREFIX, 'self'] }]);
  });

  it('an indirect cycle is circular at the closing edge', () => {
    const a: Record<string, unknown> = {};
    const b: Record<string, unknown> = { c: { back: a } };
    a.b = b;
    expect(check(a)).toEqual([{ code: 'circular', path: [...PREFIX, 'b', 'c', 'back'] }]);
  });

  it('an array containing itself is rejected as a nested array', () => {
    const arr: unknown[] = [1];
    arr.push(arr);
    expect(check({ arr })).toEqual([{ code: 'invalid_type', path: [...PREFIX, 'arr', 1] }]);
  });

  it('a 100,000-level chain is too_deep without recursion trouble', () => {
    expect(check(nested(100_000)).map((i) => i.code)).toEqual(['too_deep']);
  });

  it('a 10 MB string is too_large', () => {
    expect(check({ blob: 'x'.repeat(10 * 1024 * 1024) })).toEqual([{ code: 'too_large', path: PREFIX }]);
  });

  it('size counts UTF-8 bytes: 400k three-byte characters exceed 1 MiB, 400k ASCII do not', () => {
    expect(check({ text: '€'.repeat(400_000) })).toEqual([{ code: 'too_large', path: PREFIX }]);
    expect(check({ text: 'e'.repeat(400_000) })).toEqual([]);
  });

  it('many small values add up to too_large', () => {
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key${i}`, 'v'.repeat(50)]));
    expect(check(wide)).toEqual([{ code: 'too_large', path: PREFIX }]);
    expect(check({ xs: new Array(200_000).fill(1.5) })).toEqual([{ code: 'too_large', path: PREFIX }]);
  });

  it('reads every value once into a plain copy, which later changes to the input do not reach', () => {
    let reads = 0;
    const input: Record<string, unknown> = { tags: ['a'], nested: { n: 1 }, get counted() { reads++; return reads; } };
    const { metadata, issues } = readMetadata(input, PREFIX);
    expect(issues).toEqual([]);
    expect(reads).toBe(1);
    expect(metadata).toEqual({ tags: ['a'], nested: { n: 1 }, counted: 1 });
    (input.tags as string[]).push('b');
    (input.nested as Record<string, number>).n = NaN;
    expect(metadata).toEqual({ tags: ['a'], nested: { n: 1 }, counted: 1 });
    expect(Object.getOwnPropertyDescriptor(metadata, 'counted')?.get).toBeUndefined();
  });

  it('collection metadata allows any key but the prototype ones, under the same value rules', () => {
    const collection = (value: unknown) => readMetadata(value, [], 'collection').issues.map(({ code, path }) => ({ code, path }));
    expect(collection({ 'hnsw:space': 'cosine', 'a.b': 1, $x: 2, '': 3 })).toEqual([]);
    expect(collection(JSON.parse('{"__proto__": 1}'))).toEqual([{ code: 'reserved_key', path: ['__proto__'] }]);
    expect(collection({ big: 1n })).toEqual([{ code: 'invalid_type', path: ['big'] }]);
  });

  it('a huge sparse array fails on size before its holes are visited', () => {
    // Visiting 1e9 holes would not finish within the test's timeout.
    expect(check({ xs: new Array(1e9) })).toEqual([{ code: 'too_large', path: PREFIX }]);
  });

  it('shared subtrees cannot blow up the walk: size stops it', () => {
    let node: Record<string, unknown> = { s: 'x'.repeat(100) };
    for (let i = 0; i < MAX_METADATA_DEPTH - 1; i++) node = { l: node, r: node };
    // 2^depth paths: a walk that did not stop on size would not finish.
    expect(check(node)).toEqual([{ code: 'too_large', path: PREFIX }]);
  });

  it('the limit is exactly MAX_METADATA_BYTES of estimated encoding', () => {
    // One key "t" costs 5 (map header) + 5 + 1 (key) + 5 (string header) = 16 bytes before the value.
    expect(check({ t: 'x'.repeat(MAX_METADATA_BYTES - 16) })).toEqual([]);
    expect(check({ t: 'x'.repeat(MAX_METADATA_BYTES - 15) })).toEqual([{ code: 'too_large', path: PREFIX }]);
  });
});
