import { createRequire } from 'node:module';

/** The part of `fs-native-extensions` OmenDB uses. */
interface LockBinding {
  /** Returns false (EAGAIN) when another open file description holds a conflicting lock. */
  tryLock(fd: number, options: { shared: boolean }): boolean;
}

let binding: LockBinding | null | undefined;

/**
 * The native lock binding, or null where it does not load (no prebuilt
 * binary for this platform). `fs-native-extensions` locks the whole file with
 * `fcntl(F_OFD_SETLK)` on Linux and `flock` on macOS: both belong to the open
 * file description, so two descriptors conflict even inside one process, and
 * the kernel drops the lock when the last descriptor closes, which a killed
 * process cannot skip.
 */
function lockBinding(): LockBinding | null {
  if (binding !== undefined) return binding;
  try {
    // createRequire: the binding is CommonJS, and this module is bundled to both ESM and CJS.
    const required = createRequire(import.meta.url)('fs-native-extensions') as LockBinding & { default?: LockBinding };
    binding = required.default ?? required;
  } catch {
    binding = null;
  }
  return binding;
}

/** Whether {@link tryLockFile} works on this platform. */
export function kernelLocksAvailable(): boolean {
  return lockBinding() !== null;
}

/**
 * Takes a whole-file lock on `fd` without waiting: `exclusive` needs a
 * descriptor open for writing, `shared` one open for reading. Returns false
 * when a conflicting lock is held; the lock lasts until `fd` is closed.
 * Throws where {@link kernelLocksAvailable} is false.
 */
export function tryLockFile(fd: number, mode: 'shared' | 'exclusive'): boolean {
  const lock = lockBinding();
  if (lock === null) throw new Error('kernel file locks are unavailable on this platform');
  return lock.tryLock(fd, { shared: mode === 'shared' });
}
