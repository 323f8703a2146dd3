/**
 * The tiered merge policy: which run of segments a background merge takes.
 *
 * Segments are kept oldest first, so a merged segment (large, old) sits
 * before the checkpoints that came after it (small, new). The policy grows
 * a run from the newest segment backwards, adding the next older segment
 * while all three hold:
 * - it is at most `sizeRatio` × the size of the run behind it (sizes below
 *   `floorBytes`, one memtable, count as `floorBytes`): a segment is rewritten
 *   only once the data after it is worth ≥ 1/`sizeRatio` of it, which bounds
 *   the rewrites per row (as Lucene's TieredMergePolicy and Qdrant's merge
 *   optimizer do, with tiers of one segment: a query searches every segment's
 *   graph, so few segments matter more here than in a text index);
 * - the merged size stays ≤ `maxMergedBytes` (segments above half of it are
 *   never picked again: they are full);
 * - the run holds at most `maxMergeAtOnce` segments.
 * A run of two or more merges. With the defaults (floor: the 64 MiB memtable
 * limit) any segment up to `maxMergedBytes` takes in every newer one, so a
 * collection of up to ~1 GiB of segments converges to one segment once
 * writes pause. The price is paid by small checkpoints: each one (an explicit
 * checkpoint, or the one at close) rewrites the run before it, up to 1 GiB
 * (a merge rebuilds the run's graph); a lower `sizeRatio` trades segments
 * for less merging.
 *
 * Size is the segment file's bytes scaled by its live fraction: the bytes a
 * merge would write for it.
 */
export interface MergePolicyOptions {
  /** Largest older/newer size ratio a run accepts (≥ 1; default 16). */
  sizeRatio: number;
  /** Largest merged segment, bytes (default 1 GiB; a segment file is mapped whole, under 2 GiB). */
  maxMergedBytes: number;
  /** Most segments one merge takes (≥ 2; default 10, Lucene's maxMergeAtOnce). */
  maxMergeAtOnce: number;
  /**
   * Share of a segment's rows deleted (0–1, default 0.2) from which it is
   * rewritten on its own when no tiered merge is due; see {@link pickVacuum}.
   */
  deletedThreshold: number;
  /**
   * Fewest deleted rows (≥ 1, default 1,000) for which a segment is
   * rewritten on its own: fewer cost the walks that cross them little next
   * to a rewrite. (Qdrant's vacuum optimizer asks for 1,000 vectors in the
   * segment, `vacuum_min_vector_number`; this asks for 1,000 deleted ones,
   * so a small segment is not rewritten for a few deletes.)
   */
  minDeletedRows: number;
}

export const DEFAULT_MERGE_POLICY: MergePolicyOptions = { sizeRatio: 16, maxMergedBytes: 1 << 30, maxMergeAtOnce: 10, deletedThreshold: 0.2, minDeletedRows: 1000 };

/** What the policy knows of a segment. */
export interface SegmentShape {
  fileBytes: number;
  rows: number;
  liveRows: number;
}

/** The shapes of `segments` (file bytes, rows, live rows), as the policy reads them. */
export function segmentShapes(segments: readonly { fileBytes: number; rows: number; liveCount: number }[]): SegmentShape[] {
  return segments.map((s) => ({ fileBytes: s.fileBytes, rows: s.rows, liveRows: s.liveCount }));
}

/** Estimated bytes a merge writes for `s`: its file scaled by its live fraction. */
export function liveBytes(s: SegmentShape): number {
  return s.rows === 0 ? 0 : (s.fileBytes * s.liveRows) / s.rows;
}

/**
 * The run [from, to) of `segments` (oldest first) to merge next, or null when
 * none is warranted. `floorBytes`: sizes below it count as it (the memtable
 * limit: a small last checkpoint still merges into the segment before it).
 */
export function pickMerge(segments: SegmentShape[], policy: MergePolicyOptions, floorBytes: number): { from: number; to: number } | null {
  const to = segments.length;
  if (to < 2) return null;
  const sizes = segments.map(liveBytes);
  let from = to;
  let runBytes = 0;
  // Full segments (over half the largest merge) end the run: nothing older is ever picked past them.
  while (from > 0 && to - from < policy.maxMergeAtOnce) {
    const size = sizes[from - 1];
    if (size > policy.maxMergedBytes / 2 || runBytes + size > policy.maxMergedBytes) break;
    if (from < to && size > policy.sizeRatio * Math.max(runBytes, floorBytes)) break;
    runBytes += size;
    from--;
  }
  return to - from >= 2 ? { from, to } : null;
}

/**
 * The segment to rewrite on its own, dropping its deleted rows, when the
 * tiered policy picks nothing (Qdrant's vacuum optimizer; Lucene's
 * TieredMergePolicy merges segments past its `deletesPctAllowed` likewise),
 * as a run [from, from + 1), or null. `deletedRows[i]`: rows of segment i
 * deleted as of the published manifest, which a merge drops (deletes made
 * since are only carried over to the new segment, so they do not count).
 * Picks the segment with the largest deleted share of those at or above
 * `deletedThreshold` with at least `minDeletedRows` deleted rows. Deleted
 * rows cost queries: a graph walk crosses them (rejected, but visited) on
 * its way to efSearch live ones, and a segment whose every row is deleted
 * stays on disk and in memory until it is rewritten away.
 */
export function pickVacuum(segments: SegmentShape[], deletedRows: readonly number[], policy: MergePolicyOptions): { from: number; to: number } | null {
  let best = -1;
  let bestShare = 0;
  for (let i = 0; i < segments.length; i++) {
    const deleted = deletedRows[i];
    if (deleted < policy.minDeletedRows) continue;
    const share = deleted / segments[i].rows;
    if (share >= policy.deletedThreshold && share > bestShare) [best, bestShare] = [i, share];
  }
  return best < 0 ? null : { from: best, to: best + 1 };
}

/**
 * Live bytes, as a multiple of `floorBytes`, by which an older segment of the
 * run counts as larger than any memtable for {@link mergesIntoOlder}: a full
 * memtable seals into a segment file of about 0.85 × the memtable limit
 * (generated-1m, 128-d: 64 MiB memtables hold 90,000 rows; a 100k-row
 * segment file is 62 MB), so 1.5 × leaves a margin for deletes after the
 * decision.
 */
export const MERGE_SEED_FLOOR_RATIO = 1.5;

/**
 * Whether the segment of a memtable started now would be merged into an
 * older part that stays the merge's seed (the run's segment with the most
 * live rows, the oldest of equals; compaction.ts), so that the merge
 * re-links its rows into that graph: {@link pickMerge} over `segments`,
 * then `filled` (the memtable being sealed because it reached the limit,
 * if any), then the newcomer at `floorBytes`, takes a run in which an older
 * part either holds ≥ {@link MERGE_SEED_FLOOR_RATIO} × `floorBytes` live
 * or has at least `filled`'s rows: a memtable of rows like those before it
 * fills to the same count, and the older part wins the tie. A newcomer
 * that ends with more rows than every older part of its run (longer rows
 * before it, deletes in them) seeds the merge instead and keeps its own
 * graph.
 */
export function mergesIntoOlder(segments: SegmentShape[], policy: MergePolicyOptions, floorBytes: number, filled: SegmentShape | null = null): boolean {
  const older = filled === null ? segments : [...segments, filled];
  const pick = pickMerge([...older, { fileBytes: floorBytes, rows: 1, liveRows: 1 }], policy, floorBytes);
  if (pick === null) return false;
  for (let i = pick.from; i < older.length; i++) {
    if (liveBytes(older[i]) >= MERGE_SEED_FLOOR_RATIO * floorBytes) return true;
    if (filled !== null && older[i].liveRows >= filled.rows) return true;
  }
  return false;
}
