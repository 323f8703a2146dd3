import { decode, Encoder } from '@msgpack/msgpack';
import { OperationKind, type Operation } from '../format/operation.js';
import type { Metadata, Metric } from '../types.js';
import { DistinctValues } from './distinct-values.js';
import type { IndexFactory } from './index-factory.js';
import { Memtable } from './memtable.js';
import { mergesIntoOlder, segmentShapes, type MergePolicyOptions } from './merge-policy.js';
import type { Part } from './part.js';
import type { Segment } from './segment.js';

/** Where a live record is: a part (segment or memtable) and its row there. */
export interface RecordLocation {
  part: Part;
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
 * The in-memory state of one collection: sealed segments (oldest first), the
 * memtable being sealed by a checkpoint (immutable, still readable, killed
 * rows aside) and the memtable taking writes. `apply` is the single place
 * where an operation changes state; live writes and WAL replay both go
 * through it, so replay reproduces exactly what was acknowledged.
 *
 * Readers see one view: the parts listed by `parts`. A checkpoint or a
 * compaction replaces parts only in one synchronous step (`CheckpointJob`'s
 * switch), and a read runs synchronously, so every read sees either the parts
 * before a switch or after it, never a mix and never a part being torn down.
 */
export class CollectionState {
  memtable: Memtable | null = null;
  /** The memtable a checkpoint is sealing into a segment; readable until the segment is published. */
  sealing: Memtable | null = null;
  /** Bumped on every change, so callers can cache derived data. */
  version = 0;
  /** Whether tombstones changed in some segment since the last checkpoint. */
  tombstonesDirty = false;
  /** Distinct metadata values of the tracked keys, moved by `apply` (see distinct-values.ts). */
  readonly distinct = new DistinctValues();

  /** Bytes the memtable fills before it is sealed (see Memtable.limitBytes); the store sets it before each write. */
  memtableLimitBytes = Infinity;
  /**
   * The background merges' policy, or false for none; the store sets it. A
   * memtable started while its segment would merge into an older one is
   * created `transient` (IndexFactory.create).
   */
  mergePolicy: MergePolicyOptions | false = false;

  constructor(
    public dimension: number | null,
    readonly metric: Metric,
    readonly factory: IndexFactory,
    public segments: Segment[] = [],
  ) {}

  /** The parts a read fans out over, oldest first: segments, the memtable being sealed, the memtable. */
  get parts(): Part[] {
    const out: Part[] = [...this.segments];
    if (this.sealing) out.push(this.sealing);
    if (this.memtable) out.push(this.memtable);
    return out;
  }

  /** The live location of `id`, newest part first (an id is live in one part at most). */
  locate(id: string): RecordLocation | undefined {
    const parts = this.parts;
    for (let i = parts.length - 1; i >= 0; i--) {
      const row = parts[i].find(id);
      if (row >= 0) return { part: parts[i], row };
    }
    return undefined;
  }

  read(loc: RecordLocation): StoredRecord {
    const { part, row } = loc;
    const meta = part.metadataBytes(row);
    return { id: part.externalId(row), vector: part.index.vector(row), metadata: meta ? (decode(meta) as Metadata) : null, document: part.document(row) };
  }

  get count(): number {
    let n = 0;
    for (const part of this.parts) n += part.liveCount;
    return n;
  }

  /** Applies a validated operation. */
  apply(op: Operation): void {
    this.version++;
    if (op.type === OperationKind.Delete) {
      for (const id of op.ids) {
        const loc = this.locate(id);
        if (!loc) continue;
        if (this.distinct.tracking) this.distinct.removed(this.metadataOf(loc));
        this.kill(loc);
      }
      return;
    }
    if (this.dimension === null) this.dimension = op.dim;
    const dim = op.dim;
    op.ids.forEach((id, i) => {
      const existing = this.locate(id);
      let vector = op.vectors ? op.vectors.subarray(i * dim, (i + 1) * dim) : null;
      let metadata: Metadata | null;
      let document: string | null;
      let previous: Metadata | null = null;
      if (op.type === OperationKind.Update) {
        // Chroma's update: given fields replace, metadata keys merge (a null value removes the key).
        if (!existing) return;
        const current = this.read(existing);
        vector ??= current.vector;
        previous = current.metadata;
        metadata = op.metadatas ? mergeMetadata(current.metadata, op.metadatas[i]) : current.metadata;
        document = op.documents ? op.documents[i] : current.document;
      } else {
        metadata = op.metadatas?.[i] ?? null;
        document = op.documents ? op.documents[i] : null;
        if (existing && this.distinct.tracking) previous = this.metadataOf(existing);
      }
      if (existing) this.kill(existing);
      this.ensureMemtable().append(id, vector!, encodeMetadata(metadata), document);
      if (this.distinct.tracking) {
        this.distinct.removed(previous);
        this.distinct.added(metadata);
      }
    });
  }

  ensureMemtable(): Memtable {
    if (!this.memtable) {
      const policy = this.mergePolicy;
      const filled = this.sealing?.filled === true ? { fileBytes: this.memtableLimitBytes, rows: this.sealing.rows, liveRows: this.sealing.liveCount } : null;
      const transient = policy !== false && mergesIntoOlder(segmentShapes(this.segments), policy, this.memtableLimitBytes, filled);
      this.memtable = new Memtable(this.factory.create(this.dimension!, this.metric, { transient }), this.factory.text?.create() ?? null, this.factory.sparse ?? null);
    }
    // Also a memtable replayed from the WAL before the store set the limit.
    this.memtable.limitBytes = this.memtableLimitBytes;
    return this.memtable;
  }

  private metadataOf(loc: RecordLocation): Metadata | null {
    const bytes = loc.part.metadataBytes(loc.row);
    return bytes ? (decode(bytes) as Metadata) : null;
  }

  private kill(loc: RecordLocation): void {
    loc.part.kill(loc.row);
    // A row of the active memtable dies with it at the next seal; any other kill is a tombstone to persist
    // (the memtable being sealed persists its dead rows as of the checkpoint's LSN, later ones at the next).
    if (loc.part !== this.memtable) this.tombstonesDirty = true;
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
