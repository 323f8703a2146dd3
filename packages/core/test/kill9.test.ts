import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { batchRecords } from './fixtures/crash-records.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const ITERATIONS = Number(process.env.OMENDB_KILL9_ITERATIONS ?? 20);
const SEED = Number(process.env.OMENDB_SEED ?? 20261121);
const BATCH = 25;
const DIM = 16;
const child = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const { dir, cleanup } = tempDir('omendb-kill9-');
afterAll(() => cleanup());

/** Runs the writer, kills it with SIGKILL after `ms`, and returns the batches it acknowledged. */
function runAndKill(first: number, ms: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, String(first), String(BATCH), String(DIM)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    // Start the clock at the first acknowledgement, so kills land while writing, not while starting.
    let timer: NodeJS.Timeout | undefined;
    proc.stdout.once('data', () => (timer = setTimeout(() => proc.kill('SIGKILL'), ms)));
    const failsafe = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(failsafe);
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited (${code}): ${err}`));
      resolve([...out.matchAll(/^ACK (\d+)$/gm)].map((m) => Number(m[1])));
    });
  });
}

describe(`kill -9 while writing with durability 'sync' (seed ${SEED})`, () => {
  it(`loses no acknowledged batch over ${ITERATIONS} kills`, async () => {
    const rand = seededRandom(SEED);
    let next = 0;
    let acknowledged = 0;
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const acks = await runAndKill(next, 5 + Math.floor(rand() * 300));
      const db = await OmenDB.open(dir);
      const col = await db.getCollection('crash');
      const lastAck = acks.length > 0 ? acks[acks.length - 1] : next - 1;
      // Every acknowledged batch is present with its exact vectors and metadata.
      for (let batch = 0; batch <= lastAck; batch++) {
        const want = batchRecords(batch, BATCH, DIM);
        const got = await col.get({ ids: want.ids, include: ['embeddings', 'metadatas'] });
        expect(got.ids, `iteration ${iteration} batch ${batch} (seed ${SEED})`).toEqual(want.ids);
        expect(got.embeddings).toEqual(want.embeddings);
        expect(got.metadatas).toEqual(want.metadatas);
      }
      // Batches in flight at the kill are all-or-nothing.
      let present = lastAck + 1;
      for (;;) {
        const want = batchRecords(present, BATCH, DIM);
        const n = (await col.get({ ids: want.ids })).ids.length;
        expect([0, BATCH], `batch ${present} is partial (seed ${SEED})`).toContain(n);
        if (n === 0) break;
        present++;
      }
      expect(await col.count()).toBe(present * BATCH);
      acknowledged += acks.length;
      next = present;
      await db.close();
    }
    expect(acknowledged).toBeGreaterThan(ITERATIONS);
  });
});
