/**
 * `omendb stats`, `verify` and `export` while another process writes the
 * database: they open it read-only (docs/format/readers.md), so they neither
 * wait for nor disturb the writer, and each sees a state the writer had
 * acknowledged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { omendb } from './fixtures/cli-harness.js';
import { DIST_INDEX } from './helpers/dist.js';
import { tempDir } from './helpers/tmp.js';

const src = DIST_INDEX;
let dir: string;
let cleanup: () => void;
let writer: ChildProcess | undefined;
beforeEach(() => ({ dir, cleanup } = tempDir('omendb-cli-live-')));
afterEach(async () => {
  if (writer && writer.exitCode === null) {
    writer.kill('SIGKILL');
    await new Promise((r) => writer!.once('exit', r));
  }
  writer = undefined;
  cleanup();
});

/**
 * A child that adds one record per call (ids w0, w1, … in order) and
 * checkpoints every 25, printing `ACK i` after each add resolved.
 */
async function startWriter(): Promise<{ acked: () => number }> {
  writer = spawn(process.execPath, ['--input-type=module', '-e', `
    import { OmenDB } from ${JSON.stringify(src)};
    const db = await OmenDB.open(${JSON.stringify(dir)});
    const col = await db.createCollection({ name: 'live', dimension: 2, embeddingFunction: null });
    console.log('READY');
    for (let i = 0; ; i++) {
      await col.add({ ids: ['w' + i], embeddings: [[i, 1]], metadatas: [{ i }] });
      console.log('ACK ' + i);
      if (i % 25 === 24) await db.checkpoint();
    }`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  writer.stdout!.on('data', (d) => (out += d));
  await new Promise<void>((resolve) => {
    const check = () => (out.includes('ACK 30') ? resolve() : setTimeout(check, 20));
    check();
  });
  return { acked: () => Math.max(...[...out.matchAll(/ACK (\d+)/g)].map((m) => Number(m[1]))) };
}

describe('the CLI beside a live writer', () => {
  it('stats, export and verify read the acknowledged state without stopping the writer', async () => {
    const w = await startWriter();
    let floor = w.acked() + 1;
    const stats = await omendb('stats', dir, '--json');
    expect(stats.stderr).toBe('');
    expect(stats.code).toBe(0);
    const report = JSON.parse(stats.stdout) as { collections: { name: string; count: number }[] };
    expect(report.collections[0].name).toBe('live');
    expect(report.collections[0].count).toBeGreaterThanOrEqual(floor);

    floor = w.acked() + 1;
    const out = join(dir, 'live.jsonl');
    const exported = await omendb('export', dir, '--collection', 'live', '--out', out);
    expect(exported.code, exported.stderr).toBe(0);
    const ids = readFileSync(out, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids.length).toBeGreaterThanOrEqual(floor);
    // One record per call, in order: a reader sees w0 … w(n−1), nothing torn or skipped.
    expect(new Set(ids)).toEqual(new Set(ids.map((_, i) => `w${i}`)));

    const verified = await omendb('verify', dir, '--json');
    expect(verified.stderr).toBe('');
    expect((JSON.parse(verified.stdout) as { problems: { severity: string }[] }).problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(verified.code).toBe(0);

    // The writer goes on writing: nothing took its lock or stopped it (polled, no clock in the verdict).
    const after = w.acked();
    for (let i = 0; i < 600 && w.acked() === after; i++) await new Promise((r) => setTimeout(r, 100));
    expect(w.acked()).toBeGreaterThan(after);
  });
});
