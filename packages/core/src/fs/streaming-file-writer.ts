import { dirname } from 'node:path';
import type { Vfs } from './vfs.js';

/**
 * Writes a file of any size in one pass with a fixed buffer, and publishes it
 * only when complete: the bytes go to `<path>.tmp`, which `commit()` fsyncs and
 * renames over `path`. A failed or abandoned write never leaves a truncated
 * file under the final name.
 */
export class StreamingFileWriter {
  private readonly buffer: Uint8Array;
  private used = 0;
  private fd: number | null;
  private readonly tmp: string;
  private written = 0;

  constructor(
    private readonly vfs: Vfs,
    readonly path: string,
    bufferBytes = 1 << 20,
  ) {
    this.tmp = `${path}.tmp`;
    if (vfs.exists(this.tmp)) vfs.unlink(this.tmp);
    this.fd = vfs.open(this.tmp, 'wx');
    this.buffer = new Uint8Array(bufferBytes);
  }

  /** Bytes accepted so far. */
  get lengthBytes(): number {
    return this.written;
  }

  write(bytes: Uint8Array): void {
    if (this.fd === null) throw new Error(`${this.path}: write after commit or abort`);
    this.written += bytes.byteLength;
    if (bytes.byteLength > this.buffer.byteLength - this.used) {
      this.flush();
      // A piece larger than the buffer goes straight to the file.
      if (bytes.byteLength > this.buffer.byteLength) {
        this.vfs.write(this.fd, bytes);
        return;
      }
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.byteLength;
  }

  /** Flushes, fsyncs and renames the temp file over `path`. */
  async commit(): Promise<void> {
    if (this.fd === null) throw new Error(`${this.path}: commit after commit or abort`);
    this.flush();
    const fd = this.fd;
    this.fd = null;
    try {
      await this.vfs.fdatasync(fd);
    } finally {
      this.vfs.close(fd);
    }
    // Crash before the rename ⇒ only the .tmp file exists and the target is untouched.
    this.vfs.rename(this.tmp, this.path);
    await this.vfs.fsyncDirectory(dirname(this.path));
  }

  /** Closes and deletes the temp file; safe to call after commit (does nothing then). */
  abort(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    this.vfs.close(fd);
    if (this.vfs.exists(this.tmp)) this.vfs.unlink(this.tmp);
  }

  private flush(): void {
    if (this.used === 0 || this.fd === null) return;
    this.vfs.write(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}
