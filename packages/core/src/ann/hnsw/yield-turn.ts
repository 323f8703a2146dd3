/** Rows a yielding sequential build inserts between turns of the event loop. */
export const SEQUENTIAL_YIELD_ROWS = 256;

/**
 * One turn of the event loop (a macrotask, so timers and I/O callbacks run
 * before the build goes on), then throws the signal's reason if it was aborted.
 */
export async function yieldTurn(signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
}
