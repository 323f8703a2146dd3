import type { Vfs } from './vfs.js';

/** One line of a text file, without its `\n` (a `\r` before it is kept). */
export interface Line {
  /** 1-based line number. */
  number: number;
  /** The line's bytes: a view valid until the next line is read; copy it to keep it. */
  bytes: Uint8Array;
  /** Byte offset just past this line's newline (or the end of the file). */
  endOffset: number;
}

/** Longest line `readLines` accepts, so one runaway line cannot exhaust memory. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** A line longer than {@link MAX_LINE_BYTES}. */
export class LineTooLongError extends Error {
  constructor(readonly lineNumber: number) {
    super(`line ${lineNumber} is longer than ${MAX_LINE_BYTES} bytes`);
  }
}

/**
 * Reads `path` line by line through the Vfs in fixed chunks, holding one
 * chunk plus the current line in memory whatever the file size. A last line
 * without a trailing newline is returned too; an empty file yields nothing.
 */
export function* readLines(vfs: Vfs, path: string, chunkBytes = 1 << 20): Generator<Line> {
  const fd = vfs.open(path, 'r');
  try {
    const chunk = new Uint8Array(chunkBytes);
    // Bytes of the current line carried over from earlier chunks.
    let carry: Uint8Array = new Uint8Array(0);
    let carryLength = 0;
    let position = 0;
    let number = 0;
    for (;;) {
      const read = vfs.read(fd, chunk, 0, chunkBytes, position);
      if (read === 0) break;
      let start = 0;
      for (let i = 0; i < read; i++) {
        if (chunk[i] !== 0x0a) continue;
        number++;
        let bytes: Uint8Array = chunk.subarray(start, i);
        if (carryLength > 0) {
          carry = append(carry, carryLength, bytes, number);
          bytes = carry.subarray(0, carryLength + bytes.byteLength);
          carryLength = 0;
        }
        yield { number, bytes, endOffset: position + i + 1 };
        start = i + 1;
      }
      if (start < read) {
        const rest = chunk.subarray(start, read);
        carry = append(carry, carryLength, rest, number + 1);
        carryLength += rest.byteLength;
      }
      position += read;
    }
    if (carryLength > 0) yield { number: number + 1, bytes: carry.subarray(0, carryLength), endOffset: position };
  } finally {
    vfs.close(fd);
  }
}

/** `carry[0, used)` followed by `more`, growing `carry` by doubling. */
function append(carry: Uint8Array, used: number, more: Uint8Array, lineNumber: number): Uint8Array {
  const need = used + more.byteLength;
  if (need > MAX_LINE_BYTES) throw new LineTooLongError(lineNumber);
  let out = carry;
  if (need > carry.byteLength) {
    out = new Uint8Array(Math.min(MAX_LINE_BYTES, Math.max(need, carry.byteLength * 2, 4096)));
    out.set(carry.subarray(0, used));
  }
  out.set(more, used);
  return out;
}
