import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { words, wordsBySegmenter } from '../src/text/words.js';
import { DATA_DIR } from './helpers/datasets.js';

describe('word segmentation', () => {
  it('cuts ASCII punctuation as UAX #29 does', () => {
    const text = "e.g. don't 3.14 1,000 a:b a_b _x x_ IL-6 (p<0.05) U.S.A. 'quoted' end. x.1 1.x 1;2 a;b";
    expect(words(text)).toEqual(wordsBySegmenter(text));
    expect(words("don't stop, 3.14!")).toEqual(["don't", 'stop', '3.14']);
  });

  it('equals Intl.Segmenter word for word on real text (SciFact abstracts, Rust book)', () => {
    const sci = readFileSync(join(DATA_DIR, 'scifact', 'corpus.jsonl'), 'utf8').split('\n').filter(Boolean);
    const rust = readFileSync(join(DATA_DIR, 'rust-book', 'passages.jsonl'), 'utf8').split('\n').filter(Boolean);
    const texts = [
      ...sci.filter((_, i) => i % 40 === 0).map((l) => { const o = JSON.parse(l) as { title: string; text: string }; return `${o.title} ${o.text}`; }),
      ...rust.filter((_, i) => i % 10 === 0).map((l) => (JSON.parse(l) as { text: string }).text),
      'naïve café — “quoted” text, 10 µm α-synuclein; 東京は晴れ; Ελληνικά κείμενο',
    ];
    for (const text of texts) expect(words(text), text.slice(0, 60)).toEqual(wordsBySegmenter(text));
  });
});
