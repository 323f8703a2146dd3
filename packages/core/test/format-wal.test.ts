/**
 * WAL files byte for byte as docs/format/wal.md lays them out: the file header
 * and records of each type (with their MessagePack payloads), and the decoder's
 * verdict on damaged bytes.
 */
import { describe, expect, it } from 'vitest';
import { decodeOperation, encodeOperation, OperationKind, walRecordType, type Operation } from '../src/format/operation.js';
import { FILE_HEADER_AT } from '../src/format/header.js';
import { checkWalFileHeader, encodeWalFileHeader, encodeWalRecord, frameWalRecord, readWalRecord, RECORD_AT, WAL_RECORD_HEADER_BYTES, WalRecordType } from '../src/format/wal-record.js';
import { concat, corruptionAt, crc, fromHex, hex, magic, patched, u32, u64, u8 } from './helpers/golden-bytes.js';

const FILE = 'wal/00000000000000000001.wal';

describe('WAL file header (wal.md)', () => {
  it('is magic, version 1 and the CRC-32 of bytes 0..12', () => {
    const head = concat(magic('OMENWAL'), u32(1));
    const expected = concat(head, crc(head));
    expect(hex(encodeWalFileHeader())).toBe(hex(expected));
    expect(() => checkWalFileHeader(expected, FILE)).not.toThrow();
  });

  it('raises CorruptionError at the bad field', () => {
    const good = encodeWalFileHeader();
    expect(corruptionAt(FILE, () => checkWalFileHeader(patched(good, 0, u8(0)), FILE))).toBe(0);
    expect(corruptionAt(FILE, () => checkWalFileHeader(patched(good, 12, u32(1)), FILE))).toBe(12);
    const v2 = concat(magic('OMENWAL'), u32(2));
    expect(corruptionAt(FILE, () => checkWalFileHeader(concat(v2, crc(v2)), FILE))).toBe(8);
  });
});

describe('WAL records (wal.md)', () => {
  /** length, CRC-32 of type + lsn + payload, type, lsn, payload. */
  const record = (type: number, lsn: number, payload: Uint8Array) => concat(u32(payload.byteLength), crc(u8(type), u64(lsn), payload), u8(type), u64(lsn), payload);

  it('a delete: the head holds only the ids', () => {
    // MessagePack: fixmap(1) "ids" → fixarray(2) ["a", "bc"].
    const head = fromHex('81 a3 696473 92 a1 61 a2 6263');
    const payload = concat(u32(head.byteLength), head);
    const op: Operation = { type: OperationKind.Delete, ids: ['a', 'bc'] };
    expect(hex(encodeOperation(op))).toBe(hex(payload));
    const bytes = encodeWalRecord({ type: walRecordType(op.type), lsn: 7, payload });
    expect(hex(bytes)).toBe(hex(record(4, 7, payload)));
    const read = readWalRecord(bytes, 0);
    expect(read).toMatchObject({ kind: 'record', nextOffset: bytes.byteLength, record: { type: WalRecordType.Delete, lsn: 7 } });
    if (read.kind === 'record') expect(decodeOperation(read.record.type, read.record.payload)).toEqual(op);
  });

  it('an add: head, then the vectors as raw float32, row-major', () => {
    // fixmap(5): ids ["x"], dim 2, hasVectors true, metadatas [{"k": 1}], documents [nil].
    const head = fromHex(`85 a3 696473 91 a1 78  a3 64696d 02  aa 68617356656374
      6f7273 c3  a9 6d6574616461746173 91 81 a1 6b 01  a9 646f63756d656e7473 91 c0`);
    const vectors = fromHex('0000803f 000000c0'); // 1, −2
    const payload = concat(u32(head.byteLength), head, vectors);
    const op: Operation = { type: OperationKind.Add, ids: ['x'], dim: 2, vectors: Float32Array.of(1, -2), metadatas: [{ k: 1 }], documents: [null] };
    const encoded = encodeOperation(op);
    expect(hex(encoded)).toBe(hex(payload));
    const bytes = encodeWalRecord({ type: walRecordType(op.type), lsn: 2 ** 32 + 5, payload: encoded });
    expect(hex(bytes)).toBe(hex(record(1, 2 ** 32 + 5, payload)));
    expect(decodeOperation(WalRecordType.Add, payload)).toEqual(op);
  });

  it('a payload encoded after a reserved header frames into the same record bytes, with no copy', () => {
    const op: Operation = { type: OperationKind.Add, ids: ['x', 'y'], dim: 3, vectors: Float32Array.of(1, -2, 3, 0.5, 4, -1), metadatas: null, documents: null };
    const framed = encodeOperation(op, WAL_RECORD_HEADER_BYTES);
    expect(hex(framed.subarray(WAL_RECORD_HEADER_BYTES))).toBe(hex(encodeOperation(op)));
    const bytes = frameWalRecord(walRecordType(op.type), 9, framed);
    expect(bytes).toBe(framed);
    expect(hex(bytes)).toBe(hex(encodeWalRecord({ type: walRecordType(op.type), lsn: 9, payload: encodeOperation(op) })));
  });

  it('an update that keeps the stored vectors says hasVectors false and carries none', () => {
    const head = fromHex(`85 a3 696473 91 a1 78  a3 64696d 02  aa 68617356656374
      6f7273 c2  a9 6d6574616461746173 c0  a9 646f63756d656e7473 91 a1 64`);
    const op: Operation = { type: OperationKind.Update, ids: ['x'], dim: 2, vectors: null, metadatas: null, documents: ['d'] };
    expect(hex(encodeOperation(op))).toBe(hex(concat(u32(head.byteLength), head)));
  });

  it('the named offsets are the tables of wal.md', () => {
    expect(FILE_HEADER_AT).toEqual({ magic: 0, version: 8, crc: 12 });
    expect(RECORD_AT).toEqual({ length: 0, crc: 4, type: 8, lsn: 9, payload: 17 });
  });

  it('the operation kinds are the record types 1 add, 2 upsert, 3 update, 4 delete', () => {
    expect([OperationKind.Add, OperationKind.Upsert, OperationKind.Update, OperationKind.Delete].map(walRecordType)).toEqual([1, 2, 3, 4]);
  });

  it('reading: the end, a torn tail, and a damaged record followed by more', () => {
    // Payloads are opaque to the record layer: any bytes do.
    const a = record(4, 1, fromHex('0102030405'));
    const b = record(4, 2, fromHex('060708'));
    const log = concat(a, b);
    expect(readWalRecord(log, log.byteLength)).toEqual({ kind: 'end' });
    // Header or payload past the end, or a bad checksum in the last record: a torn tail.
    expect(readWalRecord(log.subarray(0, a.byteLength + 10), a.byteLength)).toEqual({ kind: 'torn' });
    expect(readWalRecord(log.subarray(0, log.byteLength - 1), a.byteLength)).toEqual({ kind: 'torn' });
    expect(readWalRecord(patched(log, log.byteLength - 1, u8(0xff)), a.byteLength)).toEqual({ kind: 'torn' });
    // A bad checksum followed by zeros only is torn too; followed by data it is corruption.
    expect(readWalRecord(concat(patched(a, a.byteLength - 1, u8(0xff)), new Uint8Array(32)), 0)).toEqual({ kind: 'torn' });
    expect(readWalRecord(patched(log, a.byteLength - 1, u8(0xff)), 0)).toMatchObject({ kind: 'corrupt' });
    // A type outside 1…4 with a valid checksum.
    expect(readWalRecord(record(9, 1, new Uint8Array(4)), 0)).toMatchObject({ kind: 'corrupt' });
  });
});
