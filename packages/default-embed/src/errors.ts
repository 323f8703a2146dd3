/**
 * Errors of `@omendb/default-embed`. Each carries a stable `code`, as
 * `@omendb/core`'s errors do, so callers branch on the code, not the message.
 * This package does not depend on core (core loads it), so it has its own.
 */

/** Stable error codes of this package. */
export type DefaultEmbedErrorCode = 'VALIDATION' | 'MODEL_LOAD' | 'EMBEDDING';

/** Base class; `code` says what went wrong. */
export class DefaultEmbedError extends Error {
  readonly code: DefaultEmbedErrorCode;

  constructor(code: DefaultEmbedErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A bad argument: `texts` not an array of strings, or a config that does not parse. */
export class EmbedValidationError extends DefaultEmbedError {
  constructor(message: string) {
    super('VALIDATION', message);
  }
}

/** The bundled model could not be read or initialised (a damaged install, not the network: nothing is fetched). */
export class ModelLoadError extends DefaultEmbedError {
  constructor(message: string, cause: unknown) {
    super('MODEL_LOAD', message, { cause });
  }
}
