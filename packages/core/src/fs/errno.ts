/** The errno codes the simulated and fault-injecting file systems raise. */
export type ErrnoCode = 'ENOENT' | 'EEXIST' | 'EISDIR' | 'ENOTDIR' | 'ENOTEMPTY' | 'EBADF' | 'EIO' | 'ENOSPC';

const ERRNO: Record<ErrnoCode, number> = {
  ENOENT: -2,
  EEXIST: -17,
  EISDIR: -21,
  ENOTDIR: -20,
  ENOTEMPTY: -39,
  EBADF: -9,
  EIO: -5,
  ENOSPC: -28,
};

/**
 * An error shaped like the ones `node:fs` throws (`code`, `errno`, `syscall`,
 * `path`), so engine code that switches on `err.code` behaves the same on a
 * simulated file system as on a real one.
 */
export function errnoError(code: ErrnoCode, syscall: string, path?: string, detail?: string): NodeJS.ErrnoException {
  const where = path === undefined ? '' : ` '${path}'`;
  const err: NodeJS.ErrnoException = new Error(`${code}: ${detail ?? 'simulated'}, ${syscall}${where}`);
  err.code = code;
  err.errno = ERRNO[code];
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  return err;
}
