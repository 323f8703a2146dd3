/**
 * Plain BM25 (Robertson & Zaragoza 2009), written out from the formula over
 * a list of live documents, as the reference the full-text index must equal:
 * N and avgdl over these documents, df counted by scanning them, a query
 * term repeated counting each time. Terms come from the engine's analyzer
 * (the analysis is tested on its own).
 */
import { analyzeEnglish } from '../../src/text/analyzer.js';

const analysed = new Map<string, string[]>();

function termsOf(text: string): string[] {
  let terms = analysed.get(text);
  if (!terms) analysed.set(text, (terms = analyzeEnglish(text)));
  return terms;
}

/** id → score of every document holding a query term. */
export function referenceBm25(docs: { id: string; text: string }[], query: string, k1 = 1.2, b = 0.75): Map<string, number> {
  const terms = docs.map((d) => termsOf(d.text));
  const avgdl = terms.reduce((n, t) => n + t.length, 0) / docs.length;
  const scores = new Map<string, number>();
  for (const q of analyzeEnglish(query)) {
    const df = terms.filter((t) => t.includes(q)).length;
    const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
    docs.forEach((d, i) => {
      const tf = terms[i].filter((t) => t === q).length;
      if (tf === 0) return;
      const w = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * terms[i].length) / avgdl));
      scores.set(d.id, (scores.get(d.id) ?? 0) + w);
    });
  }
  return scores;
}

/** The reference ranking: highest score first, ties by id, at most `limit`. */
export function referenceRanking(docs: { id: string; text: string }[], query: string, limit: number, k1?: number, b?: number): { ids: string[]; scores: number[] } {
  const ranked = [...referenceBm25(docs, query, k1, b)].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).slice(0, limit);
  return { ids: ranked.map((r) => r[0]), scores: ranked.map((r) => r[1]) };
}
