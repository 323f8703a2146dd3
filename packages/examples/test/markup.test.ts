import { describe, expect, it } from 'vitest';
import { passageBody, textForEmbedding } from '../src/corpus/passage.js';
import { stripMarkup } from '../src/text/markup.js';

describe('stripMarkup', () => {
  it('removes comments, real tags and link reference definitions', () => {
    const text = [
      '<!-- Old headings. Do not remove or links may break. -->',
      '<a id="old-anchor"></a>',
      'See <span>the chapter</span> and <Listing number="9-1" caption="x">the listing</Listing>.<br>',
      '[ch09]: ch09-00-error-handling.html',
    ].join('\n');
    expect(stripMarkup(text)).toBe('See the chapter and the listing.');
  });

  it('keeps angle brackets that are not HTML', () => {
    const text = 'Use `Vec<T>`, `Box<dyn Error>`, `HashMap<String, i32>` and `MANIFEST-<n>`.';
    expect(stripMarkup(text)).toBe(text);
  });

  it('is idempotent and leaves an only-markup passage empty', () => {
    const once = stripMarkup('a <b>bold</b> move <!-- note -->');
    expect(stripMarkup(once)).toBe(once);
    expect(passageBody({ id: 'x', file: 'f.md', headings: ['H'], text: '<a id="h"></a>\n\n[x]: y.html' })).toBe('');
  });
});

describe('textForEmbedding', () => {
  it('puts the heading trail before the readable body', () => {
    expect(textForEmbedding({ id: 'x', file: 'f.md', headings: ['Errors', 'Result'], text: '<a id="r"></a>\nReturn a Result.' })).toBe(
      'Errors\nResult\n\nReturn a Result.',
    );
    expect(textForEmbedding({ id: 'y', file: 'f.md', headings: [], text: 'Plain.' })).toBe('Plain.');
  });
});
