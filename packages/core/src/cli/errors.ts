import { OmenError } from '../errors.js';

/** Exit codes of the `omendb` command. */
export const EXIT = {
  /** Done; for `verify`: no problem found. */
  ok: 0,
  /** The command failed, or `verify` / a migration check found problems. */
  failed: 1,
  /** Refused before doing anything: bad usage, or the database is locked by a writer. */
  refused: 2,
} as const;

/**
 * An error of the command line itself (bad usage, missing package, bad input
 * line), with a stable `code` like the engine's typed errors, and a `hint`
 * saying what to do about it.
 */
export class CliError extends Error {
  /** The process exit code this error ends the command with (default {@link EXIT.failed}). */
  readonly exitCode: number;

  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown; exitCode?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options?.exitCode ?? EXIT.failed;
  }
}

/** What to do about each engine error code. */
const HINTS: Record<string, string> = {
  LOCKED: 'close the program that has the database open (or wait for it to finish), then run the command again',
  CORRUPTION: 'run "omendb verify <dir>" to list every damaged file, and restore from a backup or export what still reads',
  VALIDATION: 'fix the input and run the command again',
  DIMENSION_MISMATCH: 'every embedding of a collection must have its dimension; fix the input and run the command again',
  DUPLICATE_ID: 'ids must be unique; fix the input and run the command again',
  NOT_FOUND: 'check the name; "omendb stats <dir>" lists the collections',
  ALREADY_EXISTS: 'choose another name or delete the existing one first',
  IO: 'check free disk space and permissions, then run the command again',
  CLOSED: 'this is a bug in the command; rerun with --verbose and report it',
  ENOENT: 'check the path',
  EACCES: 'check the file permissions',
  EPERM: 'check the file permissions',
  ENOSPC: 'free some disk space, then run the command again',
  EISDIR: 'give a file, not a directory',
};

/** Code, one-line message and hint of any thrown value. */
export function describeError(err: unknown): { code: string; message: string; hint: string; exitCode: number } {
  if (err instanceof CliError) return { code: err.code, message: oneLine(err.message), hint: err.hint ?? '', exitCode: err.exitCode };
  if (err instanceof OmenError) {
    return { code: err.code, message: oneLine(err.message), hint: HINTS[err.code] ?? '', exitCode: err.code === 'LOCKED' ? EXIT.refused : EXIT.failed };
  }
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof Error && typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
    return { code: errno, message: oneLine(err.message), hint: HINTS[errno] ?? '', exitCode: EXIT.failed };
  }
  // Chroma's client errors (ChromaClientError, ChromaValueError…), recognised by name: chromadb is optional.
  if (err instanceof Error && /^Chroma\w*Error$/.test(err.name)) {
    return { code: 'CHROMA', message: oneLine(`${err.name}: ${err.message}`), hint: 'the Chroma server or client refused the request; check the server and the records named', exitCode: EXIT.failed };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: oneLine(message), hint: 'rerun with --verbose for the stack trace, and report it', exitCode: EXIT.failed };
}

/**
 * The one line printed for an error: `omendb: error CODE: what — what to do`.
 * With `verbose`, the stack (and the causes' stacks) follow on further lines.
 */
export function formatError(err: unknown, verbose: boolean): string {
  const { code, message, hint } = describeError(err);
  let out = `omendb: error ${code}: ${message}${hint ? ` — ${hint}` : ''}\n`;
  if (verbose) {
    let e: unknown = err;
    while (e instanceof Error) {
      out += `${e.stack ?? e.message}\n`;
      e = e.cause;
      if (e !== undefined) out += 'caused by: ';
    }
  }
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
