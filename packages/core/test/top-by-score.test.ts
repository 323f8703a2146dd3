import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { topByScore } from '../src/search/top-by-score.js';
import type { Part } from '../src/storage/part.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

type TestHit = { part: Part; row: number; score: number };

/** A part whose row r has the id `${prefix}${r}`: only externalId is used by the ranking. */
function fakePart(prefix: string): Part {
  return { externalId: (row: number) => `${prefix}${row}` } as unknown as Part;
}

/** The ranking by a full sort: score descending, then id ascending. */
function reference(hits: readonly TestHit[], limit: number): string[] {
  return [...hits]
    .sort((a, b) => b.score - a.score || (a.part.externalId(a.row) < b.part.externalId(b.row) ? -1 : 1))
    .slice(0, Math.max(0, limit))
    .map((h) => `${h.part.externalId(h.row)}:${h.score}`);
}

const show = (hits: readonly TestHit[]) => hits.map((h) => `${h.part.externalId(h.row)}:${h.score}`);

describe('topByScore', () => {
  it('equals a full sort with id tie-break, on seeded hits with many ties over several parts and every limit', () => {
    const parts = [fakePart('b'), fakePart('a'), fakePart('c')];
    for (let seed = 1; seed <= 40; seed++) {
      const rand = seededRandom(seed);
      const n = Math.floor(rand() * 120);
      // Few distinct scores (negative ones too, as sparse dot products can be): most hits tie with others.
      const values = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => Math.round((rand() - 0.3) * 8) / 4);
      const hits: TestHit[] = Array.from({ length: n }, (_, i) => ({ part: parts[Math.floor(rand() * parts.length)], row: i, score: values[Math.floor(rand() * values.length)] }));
      for (const limit of [0, 1, 2, 5, 10, n - 1, n, n + 3]) {
        expect(show(topByScore([...hits], limit)), `seed ${seed}, n ${n}, limit ${limit}`).toEqual(reference(hits, limit));
      }
    }
  });

  it('keeps ties at the cut by ascending id, whatever their input order', () => {
    const part = fakePart('id-');
    const hits: TestHit[] = [9, 3, 7, 1, 5].map((row) => ({ part, row, score: 1 }));
    hits.push({ part, row: 8, score: 2 });
    expect(show(topByScore(hits, 3))).toEqual(['id-8:2', 'id-1:1', 'id-3:1']);
  });
});

describe('BM25 ranking with many ties', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('cuts equal scores by ascending id across a segment and the memtable, as the whole ranking orders them', async () => {
    const seed = 20261206;
    const rand = seededRandom(seed);
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 't', dimension: 0, fullText: true });
    // Three documents only, repeated: every hit ties with about a third of the others.
    const texts = ['red apples and green pears', 'red apples', 'green pears and yellow lemons'];
    const ids = Array.from({ length: 240 }, (_, i) => `doc-${String(i).padStart(3, '0')}`).sort(() => rand() - 0.5);
    const documents = ids.map(() => texts[Math.floor(rand() * texts.length)]);
    await col.add({ ids: ids.slice(0, 150), documents: documents.slice(0, 150) });
    await db.checkpoint();
    await col.add({ ids: ids.slice(150), documents: documents.slice(150) });
    for (const query of ['red apples', 'green pears', 'apples lemons']) {
      // Every hit (limit above the corpus): the order a full sort gives.
      const all = await col.fullTextSearch({ query, limit: 1000 });
      const pairs = all.ids.map((id, i) => [id, all.scores[i]] as const);
      const sorted = [...pairs].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
      expect(pairs, `seed ${seed}, ${query}`).toEqual(sorted);
      expect(new Set(all.scores).size, `seed ${seed}, ${query}`).toBeLessThan(all.scores.length / 10);
      for (const limit of [1, 7, 50, 101]) {
        const top = await col.fullTextSearch({ query, limit });
        expect(top.ids, `seed ${seed}, ${query}, limit ${limit}`).toEqual(all.ids.slice(0, limit));
        expect(top.scores, `seed ${seed}, ${query}, limit ${limit}`).toEqual(all.scores.slice(0, limit));
      }
    }
    await db.close();
  });
});
