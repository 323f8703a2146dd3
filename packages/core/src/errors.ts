/**
 * The closed set of errors OmenDB raises. Every error extends {@link OmenError}
 * and carries a stable string `code` that callers may switch on; messages may
 * change between versions, codes do not.
 */

/** One problem found while validating input, in the shape zod reports. */
export interface ValidationIssue {
  /** Stable machine-readable code, e.g. `invalid_type`, `non_finite`. */
  code: string;
  /** Where in the input: `['embeddings', 3, 17]`. */
  path: (string | number)[];
  message: string;
}

export abstract class OmenError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input rejected before anything was written. */
export class ValidationError extends OmenError {
  readonly code: string = 'VALIDATION';
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[] = []) {
    super(issues.length > 0 ? `${message}: ${formatIssues(issues)}` : message);
    this.issues = issues;
  }
}

/** A vector whose length differs from the collection's dimension. */
export class DimensionMismatchError extends ValidationError {
  override readonly code = 'DIMENSION_MISMATCH';
  constructor(
    readonly expected: number,
    readonly actual: number,
    path: (string | number)[] = [],
  ) {
    super(`expected a vector of dimension ${expected}, got ${actual}`, [
      { code: 'dimension_mismatch', path, message: `expected ${expected}, got ${actual}` },
    ]);
  }
}

/** An id given to `add` that already exists, or twice in one call. */
export class DuplicateIdError extends ValidationError {
  override readonly code = 'DUPLICATE_ID';
  constructor(readonly id: string, detail: string) {
    super(`duplicate id ${JSON.stringify(id)}: ${detail}`);
  }
}

/** A collection (or other named object) that does not exist. */
export class NotFoundError extends OmenError {
  readonly code = 'NOT_FOUND';
}

/** `createCollection` of a name that is taken. */
export class AlreadyExistsError extends OmenError {
  readonly code = 'ALREADY_EXISTS';
}

/** Stored bytes that fail a checksum or a structural check. */
export class CorruptionError extends OmenError {
  readonly code = 'CORRUPTION';
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`corruption in ${file} at offset ${offset}: ${detail}`);
  }
}

/** The directory is held by another open database (this or another process). */
export class LockError extends OmenError {
  readonly code = 'LOCKED';
  /** The process holding the lock, when it could be read from the LOCK file. */
  readonly holder: { pid: number; host: string } | undefined;
  constructor(message: string, options?: { cause?: unknown; holder?: { pid: number; host: string } }) {
    super(message, options);
    this.holder = options?.holder;
  }
}

/**
 * A write (add, upsert, update, delete, modify, createCollection,
 * deleteCollection, checkpoint, compact) through a database opened with
 * `readOnly: true`. Nothing was written; open the directory without
 * `readOnly` in the one process that writes it.
 */
export class ReadOnlyError extends OmenError {
  readonly code = 'READ_ONLY';
}

/** Use of a database or collection after `close()` or `deleteCollection()`. */
export class ClosedError extends OmenError {
  readonly code = 'CLOSED';
}

/**
 * An I/O operation failed while writing. The database refuses all further
 * writes (it never reports success after a failed write or fsync); reopen it.
 */
export class IOError extends OmenError {
  readonly code = 'IO';
}

/**
 * A text call could not get its embeddings: the collection has no usable
 * embedding function (none given, none rebuildable from the manifest, the
 * default package not installed), the function threw or returned vectors of
 * the wrong shape, or a different function was passed than the collection
 * was created with. Nothing was written.
 */
export class EmbeddingFunctionError extends OmenError {
  readonly code = 'EMBEDDING_FUNCTION';
}

function formatIssues(issues: ValidationIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
