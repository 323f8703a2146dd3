import { decode } from '@msgpack/msgpack';
import type { VectorIndex } from '../index/types.js';
import type { CollectionState } from '../storage/collection-state.js';
import type { Segment } from '../storage/segment.js';
import type { Metadata } from '../types.js';
import type { DocumentPredicate, MetadataPredicate } from './filter/index.js';

/** A result row of a collection-wide search. */
export interface Hit {
  /** The segment holding the row, or null for the memtable. */
  segment: Segment | null;
  row: number;
  distance: number;
}

export interface RowFilter {
  where?: MetadataPredicate;
  whereDocument?: DocumentPredicate;
}

/** One searchable part of a collection: its index and which rows count. */
interface Source {
  segment: Segment | null;
  index: VectorIndex;
  accept: (row: number) => boolean;
}

/**
 * Searches the memtable and every segment, each with its own index, and
 * merges their top k by distance. Tombstoned and filtered-out rows never
 * appear.
 */
export function searchCollection(
  state: CollectionState,
  query: Float32Array,
  k: number,
  filter: RowFilter,
  options: { efSearch?: number; exact?: boolean } = {},
): Hit[] {
  const hits: Hit[] = [];
  for (const source of sources(state, filter)) {
    for (const n of source.index.search(query, k, { ...options, accept: source.accept })) {
      hits.push({ segment: source.segment, row: n.row, distance: n.distance });
    }
  }
  hits.sort((a, b) => a.distance - b.distance);
  return hits.slice(0, k);
}

/** Every live row that passes the filter, in storage order (oldest segment first, memtable last). */
export function* scanCollection(state: CollectionState, filter: RowFilter): Generator<{ segment: Segment | null; row: number }> {
  for (const source of sources(state, filter)) {
    for (let row = 0; row < source.index.size; row++) if (source.accept(row)) yield { segment: source.segment, row };
  }
}

/** Whether the record at a location passes the filter. */
export function passes(state: CollectionState, segment: Segment | null, row: number, filter: RowFilter): boolean {
  const { where, whereDocument } = filter;
  if (where && !where(metadataAt(state, segment, row))) return false;
  if (whereDocument && !whereDocument(documentAt(state, segment, row))) return false;
  return true;
}

function sources(state: CollectionState, filter: RowFilter): Source[] {
  const out: Source[] = state.segments.map((segment) => ({
    segment,
    index: segment.index,
    accept: (row: number) => segment.isLive(row) && passes(state, segment, row, filter),
  }));
  const memtable = state.memtable;
  if (memtable) {
    out.push({ segment: null, index: memtable.index, accept: (row) => memtable.isLive(row) && passes(state, null, row, filter) });
  }
  return out;
}

function metadataAt(state: CollectionState, segment: Segment | null, row: number): Metadata | null {
  if (segment) return segment.metadataOf(row);
  const bytes = state.memtable!.metadataBytes(row);
  return bytes ? (decode(bytes) as Metadata) : null;
}

function documentAt(state: CollectionState, segment: Segment | null, row: number): string | null {
  return segment ? segment.document(row) : state.memtable!.document(row);
}
