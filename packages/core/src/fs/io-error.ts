import { IOError, OmenError } from '../errors.js';

/**
 * Turns a failed system call (an error with an errno `code`, as `node:fs`
 * throws) into the typed IOError, keeping it as the cause. Anything else —
 * OmenError subclasses, programming errors — passes through unchanged.
 */
export function asIOError(err: unknown, what: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (!(err instanceof Error) || err instanceof OmenError || typeof code !== 'string') return err;
  return new IOError(`${what}: ${err.message}`, { cause: err });
}
