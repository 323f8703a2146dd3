import { describe, expect, it } from 'vitest';
import { splitMarkdown } from '../src/text/markdown-splitter.js';

const prose = (sentence: string, times: number): string => Array.from({ length: times }, (_, i) => `${sentence} ${i}.`).join(' ');

describe('splitMarkdown', () => {
  it('keeps the heading trail, popping levels as headings close', () => {
    const md = [
      '# Guide',
      'Intro paragraph about the guide and what it covers in detail.',
      '## Install',
      'Run the installer and follow the prompts until it completes.',
      '### On Linux',
      'Use the package manager of your distribution to install it.',
      '## Use `Result` *well*',
      'Return [Result](https://example.com) values from functions that can fail.',
    ].join('\n');
    const passages = splitMarkdown(md, 'docs/guide.md');
    expect(passages.map((p) => p.headings)).toEqual([
      ['Guide'],
      ['Guide', 'Install'],
      ['Guide', 'Install', 'On Linux'],
      ['Guide', 'Use Result well'],
    ]);
    expect(passages.map((p) => p.id)).toEqual(['docs/guide.md#0', 'docs/guide.md#1', 'docs/guide.md#2', 'docs/guide.md#3']);
    expect(passages.every((p) => p.file === 'docs/guide.md')).toBe(true);
    expect(passages[0].text).toBe('Intro paragraph about the guide and what it covers in detail.');
  });

  it('does not take # lines inside fenced code for headings, and keeps code next to prose', () => {
    const md = ['# Shell', 'Comment lines in a shell script start with a hash sign:', '```sh', '# not a heading', 'echo hi', '```'].join('\n');
    const [passage, ...rest] = splitMarkdown(md, 'a.md');
    expect(rest).toEqual([]);
    expect(passage.headings).toEqual(['Shell']);
    expect(passage.text).toContain('# not a heading');
  });

  it("keeps a section's first passage even when it is all code, but drops code-only continuations", () => {
    const longListing = ['```rust', ...Array.from({ length: 60 }, (_, i) => `let value_${i} = compute(${i});`), '```'].join('\n');
    const md = `# Quick start\n\n${longListing}\n\n# Next\n\nProse that follows in another section entirely.`;
    const passages = splitMarkdown(md, 'q.md', { maxChars: 600 });
    expect(passages.map((p) => p.headings)).toEqual([['Quick start'], ['Next']]);
    expect(passages[0].text.startsWith('```rust\nlet value_0')).toBe(true);
  });

  it('drops code-only continuation passages, HTML comments, tags, front matter and link reference definitions', () => {
    const md = [
      '---',
      'title: x',
      '---',
      '# Listing',
      'Short.',
      '',
      '```rust',
      ...Array.from({ length: 40 }, (_, i) => `let value_${i} = compute(${i});`),
      '```',
      '# Prose',
      'Real prose <!-- hidden --> with a <span>tag</span> and a [link][ref] in it.',
      '',
      '[ref]: https://example.com',
    ].join('\n');
    const passages = splitMarkdown(md, 'b.md', { maxChars: 600 });
    expect(passages.map((p) => p.headings)).toEqual([['Listing'], ['Prose']]);
    expect(passages[0].text.startsWith('Short.')).toBe(true);
    expect(passages[1].text).toBe('Real prose  with a tag and a [link][ref] in it.');
  });

  it('keeps angle-bracket placeholders that are not HTML', () => {
    const md = '# Files\n\nThe current `MANIFEST-<n>` file lists segments; a `Vec<T>` holds values.<br> Done <a id="x"></a>here.';
    expect(splitMarkdown(md, 'g.md')[0].text).toBe('The current `MANIFEST-<n>` file lists segments; a `Vec<T>` holds values. Done here.');
  });

  it('packs paragraphs up to maxChars with a prose overlap between consecutive passages', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => prose(`Paragraph ${i} talks about topic ${i}`, 4));
    const md = `# Long\n\n${paragraphs.join('\n\n')}`;
    const passages = splitMarkdown(md, 'c.md', { maxChars: 600, overlapChars: 100 });
    expect(passages.length).toBeGreaterThan(2);
    for (const p of passages) expect(p.text.length).toBeLessThanOrEqual(600);
    for (let i = 1; i < passages.length; i++) {
      const previous = passages[i - 1].text;
      const overlap = passages[i].text.split('\n\n')[0];
      expect(overlap.length).toBeLessThanOrEqual(100);
      expect(previous.endsWith(overlap)).toBe(true);
    }
    // Every paragraph survives somewhere.
    for (let i = 0; i < 12; i++) expect(passages.some((p) => p.text.includes(`Paragraph ${i} talks`))).toBe(true);
  });

  it('splits a single paragraph longer than maxChars at sentence ends', () => {
    const md = `# One\n\n${prose('A sentence that is long enough to matter here', 60)}`;
    const passages = splitMarkdown(md, 'd.md', { maxChars: 500, overlapChars: 0 });
    expect(passages.length).toBeGreaterThan(4);
    for (const p of passages) {
      expect(p.text.length).toBeLessThanOrEqual(500);
      expect(p.text.endsWith('.')).toBe(true);
    }
  });

  it('treats text before the first heading as a passage with an empty trail', () => {
    const passages = splitMarkdown('Just a plain paragraph of text with no heading at all.\r\n', 'e.txt');
    expect(passages).toEqual([{ id: 'e.txt#0', file: 'e.txt', headings: [], text: 'Just a plain paragraph of text with no heading at all.' }]);
  });

  it('rejects out-of-range options', () => {
    expect(() => splitMarkdown('x', 'f.md', { maxChars: 10 })).toThrow(RangeError);
    expect(() => splitMarkdown('x', 'f.md', { maxChars: 400, overlapChars: 300 })).toThrow(RangeError);
  });
});
