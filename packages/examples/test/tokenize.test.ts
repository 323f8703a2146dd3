import { describe, expect, it } from 'vitest';
import { contentWords, sStem } from '../src/embedder/tokenize.js';

describe('contentWords', () => {
  it('lowercases, drops stop words, punctuation and single letters, and stems plurals', () => {
    expect(contentWords('How do I handle errors with Result<T, E>?')).toEqual(['handle', 'error', 'result']);
  });

  it('splits camelCase identifiers so code shares words with prose', () => {
    expect(contentWords('col.query({ queryEmbeddings, nResults })')).toEqual(['col', 'query', 'query', 'embedding', 'result']);
  });

  it('keeps non-ASCII letters and digits', () => {
    expect(contentWords('Größe 42 naïve')).toEqual(['größe', '42', 'naïve']);
  });
});

describe('sStem (Harman 1991)', () => {
  it('applies its three rules and their exceptions', () => {
    expect(sStem('queries')).toBe('query');
    expect(sStem('types')).toBe('type');
    expect(sStem('errors')).toBe('error');
    expect(sStem('status')).toBe('status');
    expect(sStem('class')).toBe('class');
    expect(sStem('agrees')).toBe('agree');
    expect(sStem('its')).toBe('its');
  });
});
