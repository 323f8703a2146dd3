// The HNSW traversal (Malkov & Yashunin 2018): SEARCH-LAYER (Alg. 2) and the
// greedy descent (search with ef = 1, Alg. 5 lines 1–4), written once and
// used by every index: float32 rows (l2 / ip / cosine) and quantized codes
// (sq8 int8, binary Hamming, PQ tables) alike. Links, visited tags, rows or
// codes, the query and both heaps live in linear memory, so a search makes no
// JS call except the optional filter.
//
// Distances come from the current scorer, set by useFloatScorer or
// useCodeScorer before a walk (per instance: each thread has its own).
//
// Graph view: adjacency is degree-prefixed int32 blocks [degree, ids…], as the
// graph section stores them (docs/format/graph.md), located in one of two
// ways. Fixed blocks of `stride` int32 (a growable graph, as hnswlib): on
// level 0 node n's block starts at `links + n·stride·4` (`offsets` = 0); on
// levels l ≥ 1 at word `offsets[n]` of `links`, its level-l block
// (l − 1)·stride words further (its upper blocks in one run). Compact
// blocks (a sealed graph, `stride` = 0): node n's level-0 block starts at
// word `offsets[n]` of `links`, its blocks of levels 1, 2, … following it
// in order, each degree + 1 words.

import { METRIC_COSINE, metricDistance } from './distance';
import { maxPush, maxReplaceTop, minPop, minPush, sortMaxHeap, topId, topKey } from './heap';
import { codeScore, termAt } from './quantized';

/** The host's row filter for the current search: non-zero = accepted. */
@external('env', 'accept')
declare function accept(row: i32): i32;

// The current scorer.
let onCodes: bool = false;
let kind: i32 = 0; // float metric code, or code method
let query: usize = 0;
let queryInv: f32 = 1;
let base: usize = 0; // float rows or codes
let rowBytes: usize = 0;
let norms: usize = 0;
let len: i32 = 0; // dimension, or the code kernels' len
let bias: f64 = 0;
let scale: f64 = 0;
let scale2: f64 = 0;
let terms: usize = 0; // codes' precomputed raw2, or 0
let warmBytes: usize = 0; // bytes of each float row a walk touches before scoring, 0 for none (see warm)

/**
 * Float32 rows (`dim` values each, from `base`) against the float query at
 * `q`; see distance.ts. `warm` > 0: walks touch the first `warm` bytes of
 * each row (one load per 64-byte line) and its last byte before scoring
 * (see {@link warm}; the host asks for it on rows past the caches).
 */
export function useFloatScorer(metric: i32, q: usize, qInv: f32, rows: usize, rowNorms: usize, dim: i32, warm: i32): void {
  onCodes = false;
  warmBytes = <usize>max(warm, 0);
  kind = metric;
  query = q;
  queryInv = qInv;
  base = rows;
  rowBytes = <usize>dim << 2;
  norms = rowNorms;
  len = dim;
}

/** Codes (`codeBytes` apart from `codes`, raw2 terms at `codeTerms` or 0) against the prepared query image at `image`; see quantized.ts. */
export function useCodeScorer(method: i32, image: usize, codes: usize, codeBytes: i32, codeLen: i32, b: f64, s: f64, s2: f64, codeTerms: usize): void {
  onCodes = true;
  warmBytes = 0;
  kind = method;
  query = image;
  base = codes;
  rowBytes = <usize>codeBytes;
  len = codeLen;
  bias = b;
  scale = s;
  scale2 = s2;
  terms = codeTerms;
}

/** Distance from the current query to `row` by the current scorer. */
@inline
function score(row: i32): f32 {
  const at = base + <usize>row * rowBytes;
  if (onCodes) return <f32>codeScore(kind, query, at, len, bias, scale, scale2, termAt(terms, row));
  const inv: f32 = kind == METRIC_COSINE ? load<f32>(norms + (<usize>row << 2)) : 1;
  return metricDistance(kind, at, query, inv, queryInv, len);
}

/** Sink of {@link warm}'s loads, so they are not optimised away. */
let warmed: i32 = 0;

/**
 * Touches the code or row of every neighbour in `block` not tagged `tag`
 * in `visited` (every one when `visited` is 0), and its precomputed term or
 * cosine norm, before any is scored: the loads are independent, so their
 * cache misses overlap, where scoring one by one waits for each (a walk
 * over rows past the caches is bound by those misses, not by the kernel).
 * WebAssembly has no prefetch; a load is the portable one. A code is
 * touched at its first and last byte; a float row at its last byte and
 * once per 64-byte line of its first `warmBytes`, which the host sets
 * (kernels.ts `warmRows`): 0 on rows that fit the caches, where the extra
 * pass costs 10–14 % (sift10k, 5 MB); every line of a row up to 2 KiB
 * (512-d), the first line only above. CPU per search at ef 32, every
 * line against the first (bench/warm-lines.ts, 2026-12-07; generated-100k
 * at 128-d, 50k generated rows around scifact-bge above): 128-d 0.76×,
 * 256-d 0.80×, 384-d 0.88×, 512-d 0.98×, but 768-d 1.07× and 1024-d
 * 1.18× (long rows stream through the hardware prefetcher once their
 * first line is in). First and last byte against none: generated-100k
 * float32 ef 32 and 64 0.70×; sq8 l2 ef 32 0.75× → 0.5–0.6× float32's CPU
 * per query (bench/sq8-walk.ts). Results are identical either way.
 */
@inline
function warm(block: usize, degree: i32, visited: usize, tag: i32): void {
  let touch: i32 = 0;
  for (let j = 1; j <= degree; j++) {
    const neighbour = load<i32>(block + (<usize>j << 2));
    if (visited != 0 && load<i32>(visited + (<usize>neighbour << 2)) == tag) continue;
    const at = base + <usize>neighbour * rowBytes;
    touch |= <i32>load<u8>(at) | <i32>load<u8>(at + rowBytes - 1);
    for (let o: usize = 64; o < warmBytes; o += 64) touch |= <i32>load<u8>(at + o);
    if (onCodes) {
      if (terms != 0) touch |= <i32>load<u8>(termAt(terms, neighbour));
    } else if (kind == METRIC_COSINE) touch |= <i32>load<u8>(norms + (<usize>neighbour << 2));
  }
  warmed = touch;
}

/** Byte address of `node`'s block at `level` in the view (links, stride, offsets). */
@inline
function blockAt(links: usize, stride: i32, offsets: usize, node: i32, level: i32): usize {
  if (offsets == 0) return links + ((<usize>node * <usize>stride) << 2);
  let at = links + (<usize>load<i32>(offsets + (<usize>node << 2)) << 2);
  if (stride > 0) return at + ((<usize>(level - 1) * <usize>stride) << 2);
  for (let l = 0; l < level; l++) at += (<usize>load<i32>(at) + 1) << 2;
  return at;
}

let nearest: f32 = 0;

/** Distance of the node the last {@link greedy} returned. */
export function nearestDistance(): f32 {
  return nearest;
}

/**
 * Greedy walk on `level` from `entry`: moves to the closest neighbour while
 * one is closer (ties keep the current node). Returns the node; its distance
 * is {@link nearestDistance}.
 */
function greedy(links: usize, stride: i32, offsets: usize, level: i32, entry: i32, entryDistance: f32): i32 {
  let node = entry;
  let distance = entryDistance;
  for (let moved = true; moved; ) {
    moved = false;
    const block = blockAt(links, stride, offsets, node, level);
    const degree = load<i32>(block);
    if (onCodes || warmBytes != 0) warm(block, degree, 0, 0);
    // Neighbours are read before any move, as a batched score would.
    let next = node;
    for (let j = 1; j <= degree; j++) {
      const neighbour = load<i32>(block + (<usize>j << 2));
      const d = score(neighbour);
      if (d < distance) {
        distance = d;
        next = neighbour;
        moved = true;
      }
    }
    node = next;
  }
  nearest = distance;
  return node;
}

/**
 * Greedy descent from `entry` through levels `top` … `bottom + 1` (Alg. 5
 * lines 1–4, and INSERT's descent to the new node's level + 1), one
 * {@link greedy} walk per level over the same view. Returns the node
 * reached; its distance is {@link nearestDistance} (`entryDistance` when
 * top ≤ bottom).
 */
export function descend(links: usize, stride: i32, offsets: usize, top: i32, bottom: i32, entry: i32, entryDistance: f32): i32 {
  let node = entry;
  nearest = entryDistance;
  for (let level = top; level > bottom; level--) node = greedy(links, stride, offsets, level, node, nearest);
  return node;
}

let found: i32 = 0;

/** Number of results the last successful {@link searchLayer} left at `res`. */
export function resultCount(): i32 {
  return found;
}

/**
 * SEARCH-LAYER on `level` of the view from `entry`, keeping the `ef` nearest.
 * Visited tag of row r at `visited + r·4`; `cand` and `res` each need 8
 * bytes per row. With `filtered` ≠ 0 only rows `accept` admits enter the
 * results, but every row is still expanded (as hnswlib's filtered search).
 *
 * Returns the rows visited, or −1 once that passes `maxVisits`. On success
 * the results are left at `res` as (distance f32, row i32) pairs sorted
 * ascending, their count returned by {@link resultCount}.
 */
export function searchLayer(
  links: usize,
  stride: i32,
  offsets: usize,
  level: i32,
  visited: usize,
  tag: i32,
  entry: i32,
  entryDistance: f32,
  ef: i32,
  filtered: i32,
  maxVisits: i32,
  cand: usize,
  res: usize,
): i32 {
  let nc = 0;
  let nr = 0;
  store<i32>(visited + (<usize>entry << 2), tag);
  minPush(cand, nc++, entryDistance, entry);
  if (filtered == 0 || accept(entry) != 0) maxPush(res, nr++, entryDistance, entry);
  let bound: f32 = nr > 0 ? topKey(res) : Infinity;
  let visits = 1;
  while (nc > 0) {
    if (topKey(cand) > bound && nr >= ef) break;
    const node = topId(cand);
    minPop(cand, nc--);
    const block = blockAt(links, stride, offsets, node, level);
    const degree = load<i32>(block);
    // The block of the candidate now on top is touched before this node's neighbours are scored, as hnswlib
    // prefetches the top candidate's links: the walk expands it next unless a neighbour scored here comes closer.
    // CPU per search: generated-100k ef 24 0.95–0.97×, sift10k ef 32 0.98×, glove25 ef 16 0.97× (same process,
    // alternating, medians of 16–30 passes, 2026-12-07); results unchanged (a load only).
    let touch: i32 = nc > 0 ? <i32>load<u8>(blockAt(links, stride, offsets, topId(cand), level)) : 0;
    if (onCodes || warmBytes != 0) warm(block, degree, visited, tag);
    // Float rows not warmed (they mostly fit the caches): the next neighbour's row is touched before this one is
    // scored, as hnswlib prefetches it, so its miss overlaps the scoring. glove25 (1.1 MB of rows) ef 16: 0.94×
    // CPU per search, sift10k ef 32: 0.98× (same process, alternating, busy machine); results unchanged.
    const ahead = !onCodes && warmBytes == 0;
    for (let j = 1; j <= degree; j++) {
      const neighbour = load<i32>(block + (<usize>j << 2));
      if (ahead && j < degree) touch |= <i32>load<u8>(base + <usize>load<i32>(block + (<usize>(j + 1) << 2)) * rowBytes);
      const mark = visited + (<usize>neighbour << 2);
      if (load<i32>(mark) == tag) continue;
      store<i32>(mark, tag);
      visits++;
      const d = score(neighbour);
      if (nr >= ef && !(d < bound)) continue;
      minPush(cand, nc++, d, neighbour);
      if (filtered != 0 && accept(neighbour) == 0) continue;
      // Full: the farthest result leaves in one sift-down (glove25 ef 16 and sift10k ef 32: 0.97× the CPU per search).
      if (nr < ef) maxPush(res, nr++, d, neighbour);
      else maxReplaceTop(res, nr, d, neighbour);
      bound = topKey(res);
    }
    warmed = touch;
    if (visits > maxVisits) return -1;
  }
  sortMaxHeap(res, nr);
  found = nr;
  return visits;
}

/**
 * K-NN-SEARCH (Alg. 5) of an unfiltered walk in one call: the distance to
 * `entry`, the greedy descent through levels `top` … 1 of the upper view
 * (`upLinks`, `upStride`, `upOffsets`), then {@link searchLayer} with `ef`
 * on the level-0 view. The same steps, scores and results as those three
 * calls made one by one, without a host call between them (a 25-d query's
 * walk costs ≈ 10 µs, so each crossing shows). Returns {@link resultCount}.
 */
export function knn(
  upLinks: usize,
  upStride: i32,
  upOffsets: usize,
  top: i32,
  links: usize,
  stride: i32,
  offsets: usize,
  visited: usize,
  tag: i32,
  entry: i32,
  ef: i32,
  cand: usize,
  res: usize,
): i32 {
  const node = descend(upLinks, upStride, upOffsets, top, 0, entry, score(entry));
  searchLayer(links, stride, offsets, 0, visited, tag, node, nearest, ef, 0, i32.MAX_VALUE, cand, res);
  return found;
}
