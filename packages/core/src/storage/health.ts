import { IOError } from '../errors.js';

/**
 * The failure state shared by a database and its collections. After a failed
 * write or fsync nothing is known about what reached the disk, so every later
 * write is refused until the database is reopened (which recovers from disk).
 */
export class Health {
  private failure: Error | undefined;

  get failed(): boolean {
    return this.failure !== undefined;
  }

  fail(err: Error): void {
    this.failure ??= err;
  }

  /** Throws IOError when a write failed earlier. */
  check(): void {
    if (this.failure) {
      throw new IOError(`the database refuses writes after an I/O failure (${this.failure.message}); reopen it`, {
        cause: this.failure,
      });
    }
  }
}
