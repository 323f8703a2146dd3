import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { Vfs } from '../fs/vfs.js';
import { encodeWalFileHeader, walFileName } from '../format/wal-record.js';
import type { Durability } from '../types.js';
import { WalWriter } from '../wal/writer.js';

/**
 * Creates `wal/<firstLsn>.wal` holding its header, atomically and durably,
 * and returns a writer on it. Atomic (temp file, fdatasync, rename, fsync of
 * wal/): a WAL file is never seen shorter than its header, so a short one is
 * damage (wal.md), and a file of the same name — an empty one left by an
 * earlier checkpoint or open — is replaced without a moment where neither exists.
 */
export async function createWalFile(vfs: Vfs, walDir: string, firstLsn: number, durability: Durability): Promise<WalWriter> {
  const path = join(walDir, walFileName(firstLsn));
  const header = encodeWalFileHeader();
  // Crash inside ⇒ a *.tmp in wal/ (removed by the next open) or the whole new file; never a short one.
  await writeFileAtomic(vfs, path, header);
  return new WalWriter(vfs, path, vfs.open(path, 'a'), durability, header.byteLength);
}

/** Opens an existing WAL file for appending after its last whole record. */
export function openWalFile(vfs: Vfs, path: string, durability: Durability, sizeBytes: number): WalWriter {
  return new WalWriter(vfs, path, vfs.open(path, 'a'), durability, sizeBytes);
}

/** Makes what a WAL file holds durable (fdatasync), whatever durability wrote it. */
export async function syncWalFile(vfs: Vfs, path: string): Promise<void> {
  const fd = vfs.open(path, 'r+');
  try {
    await vfs.fdatasync(fd);
  } finally {
    vfs.close(fd);
  }
}
