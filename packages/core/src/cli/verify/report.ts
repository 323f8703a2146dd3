import { CorruptionError } from '../../errors.js';

/**
 * One finding of `omendb verify`. An `error` is damage that makes the
 * database fail to open or lose data; a `warning` is something the next open
 * repairs by itself (a torn WAL tail, leftovers of an interrupted checkpoint).
 */
export interface Problem {
  severity: 'error' | 'warning';
  /** Absolute path of the file (or directory) concerned. */
  file: string;
  /** Byte offset of the bad field or section in the file, when one can be named. */
  offset?: number;
  /** Bytes covered from `offset` (a checksummed section: the flipped byte is somewhere inside). */
  lengthBytes?: number;
  message: string;
}

/** What verify found in one collection. */
export interface CollectionSummary {
  name: string;
  /** Directory name under `collections/`. */
  id: string;
  /** Live records after replaying the WAL over the segments, as the next open would count them; null when a segment is unreadable. */
  records: number | null;
  segments: number;
  /** WAL records after the checkpoint (replayed on open). */
  walRecords: number;
}

/** The whole result of a verification. */
export interface VerifyReport {
  dir: string;
  problems: Problem[];
  collections: CollectionSummary[];
  filesChecked: number;
  bytesChecked: number;
}

/** Accumulates problems and counts files while the checkers run. */
export class Findings {
  readonly problems: Problem[] = [];
  filesChecked = 0;
  bytesChecked = 0;

  error(file: string, message: string, offset?: number, lengthBytes?: number): void {
    this.problems.push({ severity: 'error', file, offset, lengthBytes, message });
  }

  warning(file: string, message: string, offset?: number): void {
    this.problems.push({ severity: 'warning', file, offset, message });
  }

  /** Records a CorruptionError from a decoder as an error at its file and offset. */
  corruption(err: CorruptionError, lengthBytes?: number): void {
    this.error(err.file, corruptionDetail(err), err.offset, lengthBytes);
  }

  /** Counts a file read in full. */
  read(bytes: Uint8Array): Uint8Array {
    this.count(bytes.byteLength);
    return bytes;
  }

  /** Counts a file of `lengthBytes` read in full elsewhere. */
  count(lengthBytes: number): void {
    this.filesChecked++;
    this.bytesChecked += lengthBytes;
  }

  get errors(): number {
    return this.problems.filter((p) => p.severity === 'error').length;
  }
}

/**
 * Runs `fn`; a CorruptionError it throws becomes a finding and `undefined` is
 * returned, so one damaged part does not stop the checks of the others.
 */
export function attempt<T>(findings: Findings, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CorruptionError) {
      findings.corruption(err);
      return undefined;
    }
    throw err;
  }
}

/** The detail of a CorruptionError without its "corruption in <file> at offset <n>: " prefix. */
function corruptionDetail(err: CorruptionError): string {
  const prefix = `corruption in ${err.file} at offset ${err.offset}: `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}
