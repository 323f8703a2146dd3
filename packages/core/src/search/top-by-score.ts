import type { Part } from '../storage/part.js';

/**
 * The best `limit` of `hits`, highest score first, ties by ascending id (so
 * a ranking does not depend on which part holds a row). Ids are decoded
 * only for hits that tie, once each.
 */
export function topByScore<H extends { part: Part; row: number; score: number }>(hits: H[], limit: number): H[] {
  const ids = new Map<H, string>();
  const idOf = (h: H) => {
    let id = ids.get(h);
    if (id === undefined) ids.set(h, (id = h.part.externalId(h.row)));
    return id;
  };
  hits.sort((a, b) => b.score - a.score || (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  return hits.slice(0, limit);
}
