/**
 * The WAL writer's reused record buffer: records encoded in it one after
 * another reach the file intact, whatever their sizes, and the writer keeps
 * one buffer (counted in stats) instead of a fresh one per write batch.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeOperation, encodeOperation, OperationKind, walRecordType, type Operation } from '../src/format/operation.js';
import { encodeWalFileHeader, readWalRecord, WAL_FILE_HEADER_BYTES, WAL_RECORD_HEADER_BYTES } from '../src/format/wal-record.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { OmenDB } from '../src/index.js';
import type { Durability } from '../src/types.js';
import { WalWriter } from '../src/wal/writer.js';
import { tempDir } from './helpers/tmp.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function addOf(rows: number, dim: number, seed: number): Operation {
  const vectors = new Float32Array(rows * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = seed + i / vectors.length;
  const ids = Array.from({ length: rows }, (_, i) => `s${seed}-${i}`);
  return { type: OperationKind.Add, ids, dim, vectors, metadatas: null, documents: null };
}

async function writeAll(durability: Durability, ops: Operation[]): Promise<{ records: Operation[]; buffers: ArrayBufferLike[]; writer: WalWriter }> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const vfs = new NodeVfs();
  const path = join(dir, 'wal.log');
  const fd = vfs.open(path, 'wx');
  vfs.write(fd, encodeWalFileHeader());
  const writer = new WalWriter(vfs, path, fd, durability, WAL_FILE_HEADER_BYTES);
  const buffers: ArrayBufferLike[] = [];
  const acks = ops.map((op, i) => {
    const framed = encodeOperation(op, WAL_RECORD_HEADER_BYTES, (bytes) => writer.recordBuffer(bytes));
    buffers.push(framed.buffer);
    return writer.appendFramed(walRecordType(op.type), i + 1, framed);
  });
  await Promise.all(acks);
  await writer.close();
  const bytes = vfs.readFile(path);
  const records: Operation[] = [];
  for (let at = WAL_FILE_HEADER_BYTES; ; ) {
    const read = readWalRecord(bytes, at);
    if (read.kind !== 'record') {
      expect(read.kind).toBe('end');
      break;
    }
    expect(read.record.lsn).toBe(records.length + 1);
    records.push(decodeOperation(read.record.type, read.record.payload));
    at = read.nextOffset;
  }
  return { records, buffers, writer };
}

/** Same ids, same vector bytes (a deep equality of millions of floats is slow). */
function expectSame(read: Operation[], written: Operation[]): void {
  expect(read.map((op) => op.ids)).toEqual(written.map((op) => op.ids));
  read.forEach((op, i) => {
    const [a, b] = [op, written[i]].map((o) => (o.type === OperationKind.Delete ? null : o.vectors));
    expect(Buffer.from(a!.buffer, a!.byteOffset, a!.byteLength).equals(Buffer.from(b!.buffer, b!.byteOffset, b!.byteLength))).toBe(true);
  });
}

describe('WAL writer record buffer', () => {
  // Growing, shrinking and growing again: a record shorter than the last must not carry its tail.
  const ops = [addOf(50, 16, 1), addOf(400, 16, 2), addOf(3, 16, 3), addOf(900, 16, 4), addOf(10, 16, 5)];

  it("under 'sync', every record is read back as written, from one reused buffer per size step", async () => {
    const { records, buffers, writer } = await writeAll('sync', ops);
    expectSame(records, ops);
    // Grown twice (400 and 900 rows), reused for the records after each growth.
    expect(new Set(buffers).size).toBe(3);
    expect(buffers[2]).toBe(buffers[1]);
    expect(buffers[4]).toBe(buffers[3]);
    expect(writer.memoryBytes).toBe(buffers[4].byteLength);
  });

  it("under 'none', records wait in memory, so each gets a buffer of its own", async () => {
    const { records, buffers } = await writeAll('none', ops);
    expectSame(records, ops);
    expect(new Set(buffers).size).toBe(ops.length);
  });

  it('a record over 4 MiB gets a buffer of its own, and the reused one stays', async () => {
    const big = addOf(9000, 128, 6); // 4.6 MB of vectors
    const { records, buffers, writer } = await writeAll('os', [ops[0], big, ops[1]]);
    expectSame(records, [ops[0], big, ops[1]]);
    expect(buffers[1]).not.toBe(buffers[0]);
    expect(buffers[1].byteLength).toBeGreaterThan(4 * 2 ** 20);
    expect(writer.memoryBytes).toBeLessThanOrEqual(4 * 2 ** 20);
  });

  it("stats() counts the buffer as the collection's wal memory", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'w', dimension: 16 });
    expect(col.stats().components.wal).toBe(0);
    await col.add({ ids: ['a', 'b'], embeddings: [new Float32Array(16).fill(1), new Float32Array(16).fill(2)] });
    // Two 16-d rows are 128 bytes; the record adds its header and the ids.
    expect(col.stats().components.wal).toBeGreaterThan(128);
    await db.close();
  });
});
