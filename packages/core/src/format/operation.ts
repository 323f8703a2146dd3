import { decode, Encoder } from '@msgpack/msgpack';
import type { Metadata } from '../types.js';
import { viewOf } from './header.js';
import type { WalRecordType } from './wal-record.js';

/**
 * What a mutation does: the one name the API and the storage use for it. Each
 * kind is logged as the WAL record type of the same number
 * (docs/format/wal.md); {@link walRecordType} and {@link decodeOperation} map
 * between the two.
 */
export const enum OperationKind {
  Add = 1,
  Upsert = 2,
  Update = 3,
  Delete = 4,
}

/** The WAL record type that logs an operation of `kind`. */
export function walRecordType(kind: OperationKind): WalRecordType {
  return kind as number as WalRecordType;
}

/**
 * A validated mutation of one collection: what a WAL record's payload holds
 * (docs/format/wal.md). Vectors are packed row-major, n × dim float32.
 */
export type Operation =
  | {
      type: OperationKind.Add | OperationKind.Upsert | OperationKind.Update;
      ids: string[];
      dim: number;
      /** n × dim; null for an update that keeps the stored vectors. */
      vectors: Float32Array | null;
      /** null when the call gave no metadatas; entries null for "none". */
      metadatas: (Metadata | null)[] | null;
      documents: (string | null)[] | null;
    }
  | { type: OperationKind.Delete; ids: string[] };

/**
 * Payload = u32 head length, MessagePack head, then the raw float32 vectors
 * (if any), after `prefixBytes` bytes left for the caller (a WAL record
 * header, see frameWalRecord), in a buffer of the whole length from
 * `allocate` (default: a fresh, zeroed one).
 */
export function encodeOperation(op: Operation, prefixBytes = 0, allocate: (bytes: number) => Uint8Array = (bytes) => new Uint8Array(bytes)): Uint8Array {
  // A fresh encoder per payload: the shared one would keep a buffer as large as the largest batch.
  // ignoreUndefined: a key set to undefined is absent, as JSON.stringify treats it.
  const encoder = new Encoder({ ignoreUndefined: true });
  const head =
    op.type === OperationKind.Delete
      ? encoder.encode({ ids: op.ids })
      : encoder.encode({ ids: op.ids, dim: op.dim, hasVectors: op.vectors !== null, metadatas: op.metadatas, documents: op.documents });
  const vectorBytes = op.type !== OperationKind.Delete && op.vectors ? op.vectors.byteLength : 0;
  const out = allocate(prefixBytes + 4 + head.byteLength + vectorBytes);
  viewOf(out).setUint32(prefixBytes, head.byteLength, true);
  out.set(head, prefixBytes + 4);
  if (vectorBytes > 0 && op.type !== OperationKind.Delete) {
    out.set(new Uint8Array(op.vectors!.buffer, op.vectors!.byteOffset, vectorBytes), prefixBytes + 4 + head.byteLength);
  }
  return out;
}

/**
 * Decodes the payload of a WAL record of type `recordType` (1…4, checked by
 * the record decoder), written by encodeOperation; throws on malformed bytes.
 */
export function decodeOperation(recordType: WalRecordType, payload: Uint8Array): Operation {
  const type = recordType as number as OperationKind;
  if (payload.byteLength < 4) throw new Error('payload shorter than its head length');
  const headLength = viewOf(payload).getUint32(0, true);
  if (4 + headLength > payload.byteLength) throw new Error('payload head runs past the record');
  const raw = decode(payload.subarray(4, 4 + headLength)) as Record<string, unknown>;
  const ids = raw.ids as string[];
  if (!Array.isArray(ids)) throw new Error('payload has no ids');
  if (type === OperationKind.Delete) return { type, ids };
  const dim = raw.dim as number;
  let vectors: Float32Array | null = null;
  if (raw.hasVectors) {
    const bytes = payload.subarray(4 + headLength);
    if (bytes.byteLength !== ids.length * dim * 4) throw new Error(`payload holds ${bytes.byteLength} vector bytes for ${ids.length} × ${dim}`);
    // Copy: the payload view may be unaligned for a Float32Array.
    vectors = new Float32Array(ids.length * dim);
    new Uint8Array(vectors.buffer).set(bytes);
  }
  return {
    type,
    ids,
    dim,
    vectors,
    metadatas: (raw.metadatas as (Metadata | null)[] | null) ?? null,
    documents: (raw.documents as (string | null)[] | null) ?? null,
  };
}
