import { NodeVfs } from '../fs/node-vfs.js';
import type { Vfs } from '../fs/vfs.js';

/**
 * Where a command reads and writes: the two output streams, the terminal (if
 * any) progress bars draw on, the file system and the clock. Commands take it
 * as a parameter so tests run them in-process and read what they printed.
 */
export interface CliIO {
  /** Writes to standard output; resolves once the text is accepted (waits while a pipe is full). */
  stdout(text: string): Promise<void>;
  /** Writes to standard error (diagnostics, progress lines). */
  stderr(text: string): void;
  /** The terminal to draw progress bars on, or null to print plain progress lines instead. */
  terminal: NodeJS.WriteStream | null;
  vfs: Vfs;
  /** Milliseconds, monotonic. */
  now(): number;
}

/** The real process: stdout/stderr, a terminal when stderr is a TTY, the real file system. */
export function processIO(): CliIO {
  return {
    stdout: (text) =>
      new Promise<void>((resolve, reject) => {
        // write() returning false means the pipe is full: wait for 'drain' to keep memory constant.
        if (process.stdout.write(text)) resolve();
        else {
          const onError = (err: Error) => reject(err);
          process.stdout.once('error', onError);
          process.stdout.once('drain', () => {
            process.stdout.off('error', onError);
            resolve();
          });
        }
      }),
    stderr: (text) => void process.stderr.write(text),
    terminal: process.stderr.isTTY ? process.stderr : null,
    vfs: new NodeVfs(),
    now: () => performance.now(),
  };
}
