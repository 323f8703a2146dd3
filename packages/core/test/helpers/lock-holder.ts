import { spawn, type ChildProcess } from 'node:child_process';
import { printed } from '../fixtures/reliability-spawn.js';

/** A child process holding a database open (test/fixtures/reliability-lock-holder.ts). */
export interface Holder {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Asks it to close the database; resolves when it has (it prints CLOSED). */
  close(): Promise<void>;
  exited: Promise<void>;
}

/**
 * Starts `argv` (a node command line ending in the fixture's arguments)
 * and resolves once it printed `OPENED`; rejects with its output otherwise.
 */
export async function startHolder(command: string, argv: string[]): Promise<Holder> {
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await printed(child, 'OPENED').catch((err: Error) => {
    throw new Error(`${err.message}; it printed: ${out}`);
  });
  return {
    child,
    output: () => out,
    close: async () => {
      const closed = printed(child, 'CLOSED');
      child.stdin!.end('close\n');
      await closed;
    },
    exited,
  };
}
