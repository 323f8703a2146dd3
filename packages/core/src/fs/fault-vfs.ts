import { errnoError } from './errno.js';
import type { Vfs } from './vfs.js';

/** One call through a {@link FaultVfs}. */
export interface VfsCall {
  /** The Vfs method. */
  op: keyof Vfs;
  /** The path the call is about (for descriptor calls, the path the descriptor was opened with). */
  path: string;
  /** 1-based number among the calls `counts` accepts; 0 for calls it does not count. */
  index: number;
}

export interface FaultPlan {
  /**
   * Fails the counted call numbered `at` with `code`; with `persistent`, every
   * counted call from then on too (a disk that stays full or broken). A failed
   * `write` first writes half of its bytes, as a real short write does.
   */
  fail?: { at: number; code: 'EIO' | 'ENOSPC'; persistent?: boolean };
  /** Which calls get a number (default: all). ENOSPC tests count only calls that allocate space. */
  counts?: (call: Omit<VfsCall, 'index'>) => boolean;
  /** Runs before every call; it may throw (the call then fails) or end the process (a kill -9 at a named point). */
  before?: (call: VfsCall) => void;
  /** Runs after every call that returned (for flushes: after the flush completed). */
  after?: (call: VfsCall) => void;
  /**
   * Flushes for which this returns true do nothing and report success: a
   * deliberately broken build, used as a negative control to show a test
   * catches a missing fsync.
   */
  skipSync?: (call: VfsCall) => boolean;
}

/** Calls that can allocate disk space, and so fail with ENOSPC on a full disk. */
export const SPACE_CALLS: ReadonlySet<keyof Vfs> = new Set<keyof Vfs>(['open', 'write', 'fdatasync', 'fsyncDirectory', 'truncate', 'rename', 'link', 'mkdir']);

/**
 * A {@link Vfs} that forwards to another and injects faults: an errno error
 * (EIO, ENOSPC) at the N-th call, hooks before and after each call (to kill
 * the process at a named point), and skipped flushes (negative controls).
 * Wrap a {@link SimVfs} to combine faults with power loss, or the real
 * `NodeVfs` to test on a real disk.
 */
export class FaultVfs implements Vfs {
  private counted = 0;
  private readonly paths = new Map<number, string>();
  /** Calls that were failed on purpose, in order. */
  readonly injected: VfsCall[] = [];

  /** Forwarded (and counted) when the inner Vfs has it. */
  readonly tryLock?: (fd: number, mode: 'shared' | 'exclusive') => boolean;

  constructor(
    private readonly inner: Vfs,
    private readonly plan: FaultPlan = {},
  ) {
    const lock = inner.tryLock?.bind(inner);
    if (lock) this.tryLock = (fd, mode) => this.run('tryLock', this.paths.get(fd) ?? `fd ${fd}`, () => lock(fd, mode));
  }

  /** Counted calls so far: run a workload once without `fail` to learn how many points to try. */
  get callCount(): number {
    return this.counted;
  }

  open(path: string, flags: 'r' | 'a' | 'wx' | 'r+'): number {
    return this.run('open', path, () => {
      const fd = this.inner.open(path, flags);
      this.paths.set(fd, path);
      return fd;
    });
  }

  close(fd: number): void {
    this.run('close', this.pathOf(fd), () => {
      this.inner.close(fd);
      this.paths.delete(fd);
    });
  }

  write(fd: number, data: Uint8Array, position?: number): void {
    const call = this.begin('write', this.pathOf(fd));
    const error = this.faultFor(call);
    if (error) {
      // A short write: part of the data reaches the file before the error.
      const half = data.subarray(0, data.byteLength >> 1);
      if (half.byteLength > 0) this.inner.write(fd, half, position);
      throw error;
    }
    this.inner.write(fd, data, position);
    this.plan.after?.(call);
  }

  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    return this.run('read', this.pathOf(fd), () => this.inner.read(fd, buffer, offset, length, position));
  }

  fdatasync(fd: number): Promise<void> {
    return this.flush('fdatasync', this.pathOf(fd), () => this.inner.fdatasync(fd));
  }

  fsyncDirectory(path: string): Promise<void> {
    return this.flush('fsyncDirectory', path, () => this.inner.fsyncDirectory(path));
  }

  readFile(path: string, maxBytes?: number): Uint8Array {
    return this.run('readFile', path, () => this.inner.readFile(path, maxBytes));
  }

  sizeOf(path: string): number | undefined {
    return this.run('sizeOf', path, () => this.inner.sizeOf(path));
  }

  truncate(path: string, lengthBytes: number): void {
    this.run('truncate', path, () => this.inner.truncate(path, lengthBytes));
  }

  rename(from: string, to: string): void {
    this.run('rename', `${from} -> ${to}`, () => this.inner.rename(from, to));
  }

  link(from: string, to: string): void {
    this.run('link', `${from} -> ${to}`, () => this.inner.link(from, to));
  }

  unlink(path: string): void {
    this.run('unlink', path, () => this.inner.unlink(path));
  }

  mkdir(path: string): void {
    this.run('mkdir', path, () => this.inner.mkdir(path));
  }

  removeTree(path: string): void {
    this.run('removeTree', path, () => this.inner.removeTree(path));
  }

  list(path: string): string[] {
    return this.run('list', path, () => this.inner.list(path));
  }

  exists(path: string): boolean {
    return this.run('exists', path, () => this.inner.exists(path));
  }

  isDirectory(path: string): boolean {
    return this.run('isDirectory', path, () => this.inner.isDirectory(path));
  }

  private run<T>(op: keyof Vfs, path: string, fn: () => T): T {
    const call = this.begin(op, path);
    const error = this.faultFor(call);
    if (error) throw error;
    const result = fn();
    this.plan.after?.(call);
    return result;
  }

  private async flush(op: 'fdatasync' | 'fsyncDirectory', path: string, fn: () => Promise<void>): Promise<void> {
    const call = this.begin(op, path);
    const error = this.faultFor(call);
    if (error) throw error;
    if (!this.plan.skipSync?.(call)) await fn();
    this.plan.after?.(call);
  }

  private begin(op: keyof Vfs, path: string): VfsCall {
    const counted = this.plan.counts?.({ op, path }) ?? true;
    const call: VfsCall = { op, path, index: counted ? ++this.counted : 0 };
    this.plan.before?.(call);
    return call;
  }

  private faultFor(call: VfsCall): NodeJS.ErrnoException | undefined {
    const fail = this.plan.fail;
    if (!fail || call.index === 0) return undefined;
    if (call.index !== fail.at && !(fail.persistent && call.index > fail.at)) return undefined;
    this.injected.push(call);
    return errnoError(fail.code, call.op, call.path, `injected at call ${call.index}`);
  }

  private pathOf(fd: number): string {
    return this.paths.get(fd) ?? `fd ${fd}`;
  }
}
