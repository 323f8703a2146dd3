import { decode, Encoder } from '@msgpack/msgpack';
import { OperationKind, type Operation } from '../format/operation.js';
import type { Metadata, Metric } from '../types.js';
import type { IndexFactory } from './index-factory.js';
import { Memtable } from './memtable.js';
import type { Segment } from './segment.js';

/** Where a live record is: in a segment or (segment null) in the memtable. */
export interface RecordLocation {
  segment: Segment | null;
  row: number;
}

/** A record as read back. */
export interface StoredRecord {
  id: string;
  vector: Float32Array;
  metadata: Metadata | null;
  document: string | null;
}

/**
 * The in-memory state of one collection: sealed segments (oldest first) and
 * the memtable. `apply` is the single place where an operation changes state;
 * live writes and WAL replay both go through it, so replay reproduces exactly
 * what was acknowledged.
 */
export class CollectionState {
  memtable: Memtable | null = null;
  /** Bumped on every change, so callers can cache derived data. */
  version = 0;
  /** Whether tombstones changed in some segment since the last checkpoint. */
  tombstonesDirty = false;

  constructor(
    public dimension: number | null,
    readonly metric: Metric,
    readonly factory: IndexFactory,
    public segments: Segment[] = [],
  ) {}

  /** The live location of `id`, newest first: memtable, then segments from newest to oldest. */
  locate(id: string): RecordLocation | undefined {
    if (this.memtable) {
      const row = this.memtable.find(id);
      if (row >= 0) return { segment: null, row };
    }
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const row = this.segments[i].find(id);
      if (row >= 0) return { segment: this.segments[i], row };
    }
    return undefined;
  }

  read(loc: RecordLocation): StoredRecord {
    if (loc.segment) {
      const s = loc.segment;
      return { id: s.externalId(loc.row), vector: s.index.vector(loc.row), metadata: s.metadataOf(loc.row), document: s.document(loc.row) };
    }
    const m = this.memtable!;
    const meta = m.metadataBytes(loc.row);
    return { id: m.externalId(loc.row), vector: m.index.vector(loc.row), metadata: meta ? (decode(meta) as Metadata) : null, document: m.document(loc.row) };
  }

  get count(): number {
    let n = this.memtable?.liveCount ?? 0;
    for (const s of this.segments) n += s.liveCount;
    return n;
  }

  /** Applies a validated operation. */
  apply(op: Operation): void {
    this.version++;
    if (op.type === OperationKind.Delete) {
      for (const id of op.ids) {
        const loc = this.locate(id);
        if (loc) this.kill(loc);
      }
      return;
    }
    if (this.dimension === null) this.dimension = op.dim;
    const dim = op.dim;
    op.ids.forEach((id, i) => {
      const existing = this.locate(id);
      let vector = op.vectors ? op.vectors.subarray(i * dim, (i + 1) * dim) : null;
      let metadata: Uint8Array | null;
      let document: string | null;
      if (op.type === OperationKind.Update) {
        // Chroma's update: given fields replace, metadata keys merge (a null value removes the key).
        if (!existing) return;
        const current = this.read(existing);
        vector ??= current.vector;
        metadata = op.metadatas ? encodeMetadata(mergeMetadata(current.metadata, op.metadatas[i])) : encodeMetadata(current.metadata);
        document = op.documents ? op.documents[i] : current.document;
      } else {
        metadata = op.metadatas ? encodeMetadata(op.metadatas[i]) : null;
        document = op.documents ? op.documents[i] : null;
      }
      if (existing) this.kill(existing);
      this.ensureMemtable().append(id, vector!, metadata, document);
    });
  }

  ensureMemtable(): Memtable {
    this.memtable ??= new Memtable(this.factory.create(this.dimension!, this.metric));
    return this.memtable;
  }

  private kill(loc: RecordLocation): void {
    if (loc.segment) {
      loc.segment.kill(loc.row);
      this.tombstonesDirty = true;
    } else {
      this.memtable!.kill(loc.row);
    }
  }
}

/**
 * One encoder for all rows: `Encoder.encode` returns an exact-size copy, where
 * the module-level `encode()` returns a view into a fresh 2 KiB buffer, which
 * a memtable row would keep alive (measured: ~2 KiB of hidden memory per row).
 * ignoreUndefined: a key set to undefined is absent, as JSON.stringify treats it.
 */
const metadataEncoder = new Encoder({ ignoreUndefined: true });

function encodeMetadata(metadata: Metadata | null | undefined): Uint8Array | null {
  if (metadata === null || metadata === undefined) return null;
  return metadataEncoder.encode(metadata);
}

function mergeMetadata(current: Metadata | null, patch: Metadata | null | undefined): Metadata | null {
  if (patch === undefined || patch === null) return current;
  const merged: Metadata = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return Object.keys(merged).length > 0 ? merged : null;
}
