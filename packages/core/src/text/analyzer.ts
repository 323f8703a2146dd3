import { stemmer } from 'stemmer';
import { words } from './words.js';

/** Analyzer id stored in the postings section (docs/format/postings.md). */
export const ENGLISH_ANALYZER = 1;

/**
 * Lucene's English stop words (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`), the
 * list Elasticsearch's `english` analyzer removes. Kept as this exact list
 * rather than a stop-word package's (those hold 170–1,300 English words):
 * BM25 figures are compared with BEIR's, which Elasticsearch's analyzer made.
 */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not', 'of', 'on',
  'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was', 'will', 'with',
]);

/** Apostrophes of a trailing possessive 's (Lucene's EnglishPossessiveFilter): ', ’ and ＇. */
const APOSTROPHES = new Set([0x27, 0x2019, 0xff07]);
/** Stems of recent words: the stemmer costs more than a lookup, and word frequencies are skewed. */
const STEM_CACHE_MAX = 65536;
const stems = new Map<string, string>();

/**
 * Terms of `text` for BM25, in order, repeats kept: Unicode word segments
 * (UAX #29, as `Intl.Segmenter` cuts them; see words.ts) that hold a letter or digit, possessive `'s`
 * removed, lowercased, Lucene's English stop words dropped, then stemmed
 * with Porter's algorithm (Porter 1980, package `stemmer`). This follows
 * Elasticsearch's `english` analyzer (standard tokenizer, possessive,
 * lowercase, stop, porter_stem), the analysis behind BEIR's BM25 baselines.
 * Porter rather than Snowball's Porter2: it is the stemmer that analyzer uses.
 */
export function analyzeEnglish(text: string): string[] {
  const out: string[] = [];
  for (const segment of words(text)) {
    let word = segment.toLowerCase();
    const n = word.length;
    if (n >= 2 && word.charCodeAt(n - 1) === 0x73 && APOSTROPHES.has(word.charCodeAt(n - 2))) word = word.slice(0, -2);
    if (word.length === 0 || STOP_WORDS.has(word)) continue;
    let stem = stems.get(word);
    if (stem === undefined) {
      stem = stemmer(word);
      if (stems.size >= STEM_CACHE_MAX) stems.clear();
      stems.set(word, stem);
    }
    out.push(stem);
  }
  return out;
}
