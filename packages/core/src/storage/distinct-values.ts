import { decode } from '@msgpack/msgpack';
import type { Metadata } from '../types.js';
import type { Part } from './part.js';

/** A value `distinct` counts: a top-level metadata scalar other than null. */
export type DistinctValue = string | number | boolean;

interface KeyCounts {
  counts: Map<DistinctValue, number>;
  /** The values in `distinct` order, or null once a value appeared or vanished since it was sorted. */
  sorted: DistinctValue[] | null;
}

/**
 * Per metadata key, the distinct values held by live records and how many
 * records hold each: the facet counts behind `Collection.distinct` (SQL's
 * `SELECT key, count(*) … GROUP BY key`, MongoDB's `distinct`).
 *
 * A key is tracked from the first time it is asked for: one pass over the
 * live rows of the current parts then fills its counts, and from there
 * `CollectionState.apply` — the single place where writes and WAL replay
 * change records — moves them with every add, upsert, update and delete, in
 * the same synchronous step as the change itself. Checkpoints and
 * compactions move rows between parts without changing which records are
 * live, so they leave the counts alone. Nothing is persisted: after a reopen
 * the first ask of a key makes the pass again.
 */
export class DistinctValues {
  private readonly keys = new Map<string, KeyCounts>();

  /** Whether any key is tracked (else a write pays nothing here). */
  get tracking(): boolean {
    return this.keys.size > 0;
  }

  /**
   * The values of `key` with their record counts, in `distinct` order
   * (numbers ascending, then strings by UTF-16 code units, then false, true).
   * Starts tracking `key` with one pass over `parts` when it is not tracked yet.
   */
  list(key: string, parts: readonly Part[]): { values: DistinctValue[]; counts: number[] } {
    let entry = this.keys.get(key);
    if (!entry) {
      entry = { counts: new Map(), sorted: null };
      for (const part of parts) {
        for (let row = 0; row < part.rows; row++) {
          if (!part.isLive(row)) continue;
          const bytes = part.metadataBytes(row);
          if (bytes) bump(entry, (decode(bytes) as Metadata)[key], 1);
        }
      }
      this.keys.set(key, entry);
    }
    entry.sorted ??= [...entry.counts.keys()].sort(compareValues);
    return { values: entry.sorted, counts: entry.sorted.map((v) => entry.counts.get(v)!) };
  }

  /** A record with `metadata` became live. */
  added(metadata: Metadata | null): void {
    if (metadata) for (const [key, entry] of this.keys) bump(entry, metadata[key], 1);
  }

  /** A record with `metadata` stopped being live (deleted or replaced). */
  removed(metadata: Metadata | null): void {
    if (metadata) for (const [key, entry] of this.keys) bump(entry, metadata[key], -1);
  }

  /** Bytes held, estimated: a map entry and the value (strings at 2 bytes per code unit). */
  memoryBytes(): number {
    let bytes = 0;
    for (const entry of this.keys.values()) {
      for (const value of entry.counts.keys()) bytes += 64 + (typeof value === 'string' ? 2 * value.length : 8);
    }
    return bytes;
  }
}

function bump(entry: KeyCounts, value: unknown, by: 1 | -1): void {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return;
  const next = (entry.counts.get(value) ?? 0) + by;
  if (next > 0) {
    if (next === 1 && by === 1) entry.sorted = null;
    entry.counts.set(value, next);
  } else {
    entry.counts.delete(value);
    entry.sorted = null;
  }
}

const TYPE_RANK = { number: 0, string: 1, boolean: 2 } as const;

function compareValues(a: DistinctValue, b: DistinctValue): number {
  const ta = TYPE_RANK[typeof a as keyof typeof TYPE_RANK];
  const tb = TYPE_RANK[typeof b as keyof typeof TYPE_RANK];
  if (ta !== tb) return ta - tb;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
