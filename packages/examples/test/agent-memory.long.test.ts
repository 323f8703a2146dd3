/**
 * The agent-memory command as CI runs it (no TTY, no network, scripted
 * model): two processes on one database directory; the second recalls what
 * the first was told. Long tier: each process starts through tsx (seconds
 * on a busy machine). Needs `pnpm build`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let work: string;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'omendb-agent-memory-cli-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('agent-memory command', () => {
  it('runs as two processes: the second recalls what the first was told', async () => {
    const dir = join(work, 'two-runs');
    const env = { ...process.env, OPENAI_API_KEY: '' };
    const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/agent-memory/main.ts', '--db', dir, '--user', 'alice', ...args], { cwd: packageDir, env });
    const learn = await cli('Remember that my favourite tea is genmaicha', 'Remember that I live in Lisbon');
    expect(learn.stdout).toContain('LLM: scripted');
    expect(learn.stdout).toContain('Saved: I live in Lisbon');
    const recall = await cli('Which tea do I like?');
    expect(recall.stdout).toMatch(/agent: From memory:\n- my favourite tea is genmaicha/);
  });
});
