import { join } from 'node:path';
import type { Vfs } from '../fs/vfs.js';
import { encodeWalFileHeader, walFileName } from '../format/wal-record.js';
import type { Durability } from '../types.js';
import { WalWriter } from '../wal/writer.js';

/** Creates `wal/<firstLsn>.wal` with its header, durably, and returns a writer on it. */
export async function createWalFile(vfs: Vfs, walDir: string, firstLsn: number, durability: Durability): Promise<WalWriter> {
  const path = join(walDir, walFileName(firstLsn));
  if (vfs.exists(path)) vfs.unlink(path);
  const fd = vfs.open(path, 'a');
  const header = encodeWalFileHeader();
  vfs.write(fd, header);
  // Crash before these fsyncs ⇒ the file may be missing or short; recovery treats a short last file as empty.
  await vfs.fdatasync(fd);
  await vfs.fsyncDirectory(walDir);
  return new WalWriter(vfs, path, fd, durability, header.byteLength);
}

/** Opens an existing WAL file for appending after its last whole record. */
export function openWalFile(vfs: Vfs, path: string, durability: Durability, sizeBytes: number): WalWriter {
  return new WalWriter(vfs, path, vfs.open(path, 'a'), durability, sizeBytes);
}
