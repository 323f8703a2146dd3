import { describe, expect, it } from 'vitest';
import { formatBytes, snippet } from '../src/cli/format.js';
import { summarizeLatency } from '../src/cli/latency.js';
import { exampleProgram, parseExampleArgs } from '../src/cli/options.js';
import { createProgress } from '../src/cli/progress.js';

describe('createProgress without a TTY', () => {
  it('prints a few plain lines, the last at 100%, instead of redrawing', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (chunk: string) => lines.push(chunk) } as unknown as NodeJS.WriteStream;
    const progress = createProgress('Embedding', 1000, { unit: 'passages', stream, plainLines: 4 });
    for (let i = 0; i < 1000; i += 7) progress.increment(Math.min(7, 1000 - i));
    progress.stop();
    expect(lines).toHaveLength(4);
    expect(lines.every((line) => !line.includes('\r') && line.endsWith('\n'))).toBe(true);
    expect(lines[3]).toMatch(/^Embedding: 1000\/1000 passages \(100%/);
  });
});

describe('summarizeLatency', () => {
  it('reports nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarizeLatency(samples)).toEqual({ count: 100, medianMs: 50, p95Ms: 95, maxMs: 100 });
    expect(summarizeLatency([3])).toEqual({ count: 1, medianMs: 3, p95Ms: 3, maxMs: 3 });
    expect(() => summarizeLatency([])).toThrow(RangeError);
  });
});

describe('format', () => {
  it('formats bytes in binary units and cuts snippets at word boundaries', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
    expect(snippet('one  two\nthree', 100)).toBe('one two three');
    expect(snippet('alpha beta gamma delta', 12)).toBe('alpha beta…');
    expect(snippet('Run:\n\n```sh\ncargo run\n```', 100)).toBe('Run: cargo run');
  });
});

describe('the common options', () => {
  /** Parses like an example's command line; returns commander's error message instead of exiting. */
  function parseError(...args: string[]): string {
    let stderr = '';
    const program = exampleProgram('pnpm demo --', 'test', 'passages to show', 3)
      .exitOverride()
      .configureOutput({ writeErr: (text) => void (stderr += text), writeOut: () => {} });
    expect(() => parseExampleArgs(program, ['node', 'demo', ...args])).toThrow();
    return stderr;
  }

  it('takes the defaults, and `--` as pnpm forwards it', () => {
    const program = exampleProgram('pnpm demo --', 'test', 'passages to show', 3);
    expect(parseExampleArgs(program, ['node', 'demo', '--', '-q', 'a', '-q', 'b'])).toEqual({ query: ['a', 'b'], k: 3, embedder: 'default' });
  });

  it('rejects a --k that is not a positive integer and an unknown embedder, with the allowed choices', () => {
    expect(parseError('--k', '0')).toMatch(/expected an integer >= 1/);
    expect(parseError('--k', '1.5')).toMatch(/expected an integer >= 1/);
    expect(parseError('--embedder', 'openai')).toMatch(/Allowed choices are default, hashing/);
  });
});
