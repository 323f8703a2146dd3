import type { Part } from '../storage/part.js';

/** Whitespace at which word segmentation always breaks (text/words.ts). */
const SPACE = /[ \t\n\r\f\v]/;
const ASCII_WORD = /^[A-Za-z0-9]+$/;

/**
 * Terms that every document passing a validated `whereDocument` filter must
 * hold in the full-text index, so only rows whose postings have them all
 * need the exact substring test. Taken from `$contains` operands (at the top
 * or under `$and`; never under `$or` or a negation): a run of ASCII letters
 * and digits with whitespace on both sides inside the operand is, in any
 * document containing the operand, a whole word cut there by UAX #29 and
 * analysed alone to the same term. Words the analyzer drops (stop words) add
 * nothing; so does a word at an operand's edge, which may be part of a
 * longer word of the document. Empty: no narrowing. The substring test still
 * decides; this only skips rows it would reject.
 */
export function requiredTerms(whereDocument: unknown, analyze: (text: string) => string[]): string[] {
  const out = new Set<string>();
  const visit = (filter: unknown) => {
    if (typeof filter !== 'object' || filter === null) return;
    for (const [op, operand] of Object.entries(filter as Record<string, unknown>)) {
      if (op === '$contains' && typeof operand === 'string') for (const term of interiorTerms(operand, analyze)) out.add(term);
      else if (op === '$and' && Array.isArray(operand)) operand.forEach(visit);
    }
  };
  visit(whereDocument);
  return [...out];
}

function interiorTerms(operand: string, analyze: (text: string) => string[]): string[] {
  const pieces = operand.split(SPACE);
  // The first and last pieces touch the operand's edges: not known to be whole words of the document.
  const terms: string[] = [];
  for (const word of pieces.slice(1, -1)) {
    if (!ASCII_WORD.test(word)) continue;
    const analysed = analyze(word);
    if (analysed.length === 1) terms.push(analysed[0]);
  }
  return terms;
}

/**
 * Rows of `part` whose postings hold every term (one byte per row, 1 = a
 * candidate), or undefined when the part has no full-text index or there is
 * no term to narrow by. Dead rows may be candidates; liveness is checked apart.
 */
export function candidateRows(part: Part, terms: readonly string[]): Uint8Array | undefined {
  if (terms.length === 0 || part.text === null) return undefined;
  const postings = part.text.postings;
  const lists = terms.map((t) => postings.postings(t));
  const out = new Uint8Array(part.rows);
  if (lists.some((l) => l === null)) return out;
  // Start from the shortest list and keep rows every other list holds.
  lists.sort((a, b) => a!.rows.length - b!.rows.length);
  const counts = new Uint8Array(part.rows);
  for (const row of lists[0]!.rows) counts[row] = 1;
  for (let i = 1; i < lists.length; i++) for (const row of lists[i]!.rows) if (counts[row] === i) counts[row] = i + 1;
  for (const row of lists[0]!.rows) if (counts[row] === lists.length) out[row] = 1;
  return out;
}
