/**
 * Word tokenisation for the lexical embedder: lowercase, split on anything that
 * is not a letter or digit, drop English stop words, and strip plural endings
 * with Harman's S-stemmer (Harman 1991, "How effective is suffixing?", JASIS
 * 42(1)), which is conservative enough not to merge unrelated words.
 */

/**
 * Function words that carry no topic. Without corpus statistics (no IDF) these
 * would dominate every vector, so they are removed outright.
 */
const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have ' +
    'having he her here hers herself him himself his how i if in into is it its itself just me more most ' +
    'my myself no nor not now of off on once only or other our ours ourselves out over own same she should ' +
    'so some such than that the their theirs them themselves then there these they this those through to ' +
    'too under until up very was we were what when where which while who whom why will with would you your ' +
    'yours yourself yourselves also may might must shall us let lets get gets got one two use used using ' +
    'way ways want need make makes made see ll ve re don doesn didn isn aren wasn won wouldn couldn shouldn'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;

/** Harman's S-stemmer: `ies`→`y`, `es`→`e`, `s`→`` with its three exceptions each. */
export function sStem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) return word.slice(0, -3) + 'y';
  if (word.endsWith('es') && !word.endsWith('aes') && !word.endsWith('ees') && !word.endsWith('oes')) {
    return word.slice(0, -1);
  }
  if (word.endsWith('s') && !word.endsWith('us') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** A lowercase letter followed by an uppercase one: the seam inside a camelCase identifier. */
const CAMEL_SEAM = /(\p{Ll})(\p{Lu})/gu;

/**
 * The content words of `text`, in order: camelCase identifiers split
 * (`queryEmbeddings` → `query embeddings`, so code and prose share words),
 * lowercased, stop words removed, plurals stemmed.
 * `"How do I handle errors with Result?"` → `["handle", "error", "result"]`.
 */
export function contentWords(text: string): string[] {
  const out: string[] = [];
  for (const match of text.replace(CAMEL_SEAM, '$1 $2').toLowerCase().matchAll(WORD)) {
    const word = match[0];
    // Single letters are mostly type parameters and loop variables (`T`, `E`, `i`).
    if (word.length === 1 && !/\p{N}/u.test(word)) continue;
    if (STOP_WORDS.has(word)) continue;
    out.push(sStem(word));
  }
  return out;
}
