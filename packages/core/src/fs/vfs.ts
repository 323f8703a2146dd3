/**
 * The file-system interface every byte of OmenDB's I/O goes through. The real
 * implementation is {@link NodeVfs}; tests swap in `SimVfs` (an in-memory disk
 * that loses unsynced changes in a simulated power loss, `sim-vfs.ts`) and
 * `FaultVfs` (EIO / ENOSPC at the N-th call, kill points, `fault-vfs.ts`), so
 * power loss, EIO and ENOSPC are testable on one machine. Both are internal
 * (not exported from the package entry); `OmenDB.open(dir, { vfs })` takes them.
 *
 * Calls are synchronous except the flushes, which go to the thread pool so that
 * concurrent writers can share one fdatasync (group commit).
 */
export interface Vfs {
  /**
   * Opens `path`: 'r' read, 'a' append (created if missing), 'wx' create exclusively. Returns a descriptor.
   * Only a regular file opens: a symlink, FIFO, device or directory in its place is CorruptionError
   * (file, offset 0), so a FIFO cannot block the open and a link to /dev/zero cannot be read without end.
   */
  open(path: string, flags: 'r' | 'a' | 'wx' | 'r+'): number;
  close(fd: number): void;
  /** Writes all of `data` at `position` (or the current end for append descriptors). */
  write(fd: number, data: Uint8Array, position?: number): void;
  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; returns bytes read. */
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  /** Flushes file data (and the metadata needed to read it back) to stable storage. */
  fdatasync(fd: number): Promise<void>;
  /** Flushes a directory's entries (creations, renames, unlinks) to stable storage. */
  fsyncDirectory(path: string): Promise<void>;
  /**
   * The whole regular file at `path` (as {@link open}: anything else is CorruptionError). With
   * `maxBytes`, a file longer than that is CorruptionError at offset `maxBytes`, unread.
   */
  readFile(path: string, maxBytes?: number): Uint8Array;
  /** Byte size of a file, or undefined when it does not exist. */
  sizeOf(path: string): number | undefined;
  truncate(path: string, lengthBytes: number): void;
  rename(from: string, to: string): void;
  /** Creates a hard link; throws an error with code EEXIST when `to` exists. */
  link(from: string, to: string): void;
  unlink(path: string): void;
  /**
   * Creates a directory and any missing parents. Each directory it creates is
   * durable when it returns (its parent is fsynced): a directory whose name a
   * power loss can undo would take every file synced inside it along.
   */
  mkdir(path: string): void;
  /** Removes a directory tree; no error when missing. */
  removeTree(path: string): void;
  /** Entry names in a directory; [] when it does not exist. */
  list(path: string): string[];
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  /**
   * Optional: the whole immutable file at `path` mapped read-only into
   * memory, or null when it cannot be mapped (see fs/mmap.ts). Readers fall
   * back to positional `read`s when this is missing or returns null; test
   * file systems leave it out so their faults reach every read.
   */
  mapReadOnly?(path: string): Uint8Array | null;
  /**
   * Optional: takes a whole-file advisory lock on `fd` without waiting, one the
   * kernel drops when the descriptor closes or the process dies (see
   * fs/kernel-lock.ts). `exclusive` needs a descriptor opened for writing,
   * `shared` one opened for reading. Returns false when another descriptor
   * holds a conflicting lock. Missing where the platform has no such lock;
   * the lock file then relies on the holder's recorded identity alone.
   */
  tryLock?(fd: number, mode: 'shared' | 'exclusive'): boolean;
}
