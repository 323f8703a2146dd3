/**
 * Which filters run inside core's search and which are finished in JS: the
 * translation table of src/filters/pushdown.ts. Results are checked against
 * the reference in filters.test.ts; this pins where the work happens.
 */
import { describe, expect, it } from 'vitest';
import type { MetadataFilters } from 'llamaindex';
import { checkFilters } from '../src/filters/check.js';
import { pushdown } from '../src/filters/pushdown.js';

function translate(filters: MetadataFilters | undefined, docIds?: string[]) {
  return pushdown(checkFilters(filters), docIds);
}

function one(operator: string, value?: unknown): MetadataFilters {
  return { filters: [{ key: 'k', operator, value } as MetadataFilters['filters'][number]] };
}

describe('pushdown', () => {
  const exact: [string, unknown, unknown][] = [
    ['==', 3, { k: { $eq: 3 } }],
    ['>', 1, { k: { $gt: 1 } }],
    ['<=', 1, { k: { $lte: 1 } }],
    ['in', ['a', 1, 'b'], { $or: [{ k: { $in: ['a', 'b'] } }, { k: { $in: [1] } }] }],
    ['any', ['a', 'b'], { $or: [{ k: { $contains: 'a' } }, { k: { $contains: 'b' } }] }],
    ['all', ['a', 'b'], { $and: [{ k: { $contains: 'a' } }, { k: { $contains: 'b' } }] }],
    ['contains', 'a', { k: { $contains: 'a' } }],
  ];
  for (const [operator, value, where] of exact) {
    it(`${operator} runs in core, exactly`, () => {
      expect(translate(one(operator, value))).toEqual({ selection: { kind: 'where', where }, exact: true });
    });
  }

  const superset: [string, unknown, unknown][] = [
    ['!=', 3, { kind: 'where', where: { k: { $ne: 3 } } }],
    ['nin', [1, 2], { kind: 'where', where: { k: { $nin: [1, 2] } } }],
    ['>', 'b', { kind: 'all' }],
    ['text_match', 'x', { kind: 'all' }],
    ['is_empty', undefined, { kind: 'all' }],
    ['all', [], { kind: 'all' }],
  ];
  for (const [operator, value, selection] of superset) {
    it(`${operator} ${JSON.stringify(value)} is narrowed in core and finished in JS`, () => {
      expect(translate(one(operator, value))).toEqual({ selection, exact: false });
    });
  }

  it('in [] and any [] select nothing without a query', () => {
    expect(translate(one('in', []))).toEqual({ selection: { kind: 'none' }, exact: true });
    expect(translate(one('any', []))).toEqual({ selection: { kind: 'none' }, exact: true });
  });

  it('or with a JS-only part cannot narrow; and keeps the core parts', () => {
    const parts = [
      { key: 'a', operator: '==', value: 1 },
      { key: 'b', operator: 'text_match', value: 'x' },
    ] as MetadataFilters['filters'];
    expect(translate({ filters: parts, condition: 'or' })).toEqual({ selection: { kind: 'all' }, exact: false });
    expect(translate({ filters: parts, condition: 'and' })).toEqual({ selection: { kind: 'where', where: { a: { $eq: 1 } } }, exact: false });
  });

  it('docIds restrict ref_doc_id exactly, ANDed with the filters', () => {
    expect(translate(one('==', 1), ['d1', 'd2'])).toEqual({
      selection: { kind: 'where', where: { $and: [{ ref_doc_id: { $in: ['d1', 'd2'] } }, { k: { $eq: 1 } }] } },
      exact: true,
    });
    expect(translate(undefined, [])).toEqual({ selection: { kind: 'none' }, exact: true });
    expect(translate(undefined)).toEqual({ selection: { kind: 'all' }, exact: true });
  });

  it('encodes keys as records store them', () => {
    expect(translate({ filters: [{ key: 'file.name', operator: '==', value: 'a' }] }).selection).toEqual({ kind: 'where', where: { 'file%2Ename': { $eq: 'a' } } });
  });
});
