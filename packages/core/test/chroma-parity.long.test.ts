/**
 * Long tier: the text-first script of fixtures/chroma-text-script.ts, with the
 * same deterministic embedding function, against a real Chroma server (the
 * one `pnpm parity:chroma` starts, scripts/chroma/server.ts) and against
 * OmenDB. Both must answer the same ids and distances at every step. Needs
 * the linux-x64 glibc Chroma binary; skipped elsewhere.
 */
import type { ChromaClient } from 'chromadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { textFirstScript, type Step } from './fixtures/chroma-text-script.js';
import { startChroma, type ChromaServer } from './helpers/chroma-server.js';
import { tempDir } from './helpers/tmp.js';
import { ToyEmbedding } from './helpers/toy-embedding.js';

const RUNNABLE = process.platform === 'linux' && process.arch === 'x64';
const TOLERANCE = 1e-5;

const tmp = tempDir('omendb-chroma-parity-');
let server: ChromaServer | undefined;
let chroma: ChromaClient;

beforeAll(async () => {
  if (!RUNNABLE) return;
  ({ server, client: chroma } = await startChroma());
});
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

/**
 * Same ids and distances, hit by hit. Hits whose distances tie (within the
 * tolerance) may come in either order, so ids are compared as sets within
 * each run of equal distances.
 */
function expectSameAnswers(omen: Step[], ref: Step[]): void {
  expect(omen.map((s) => s.step)).toEqual(ref.map((s) => s.step));
  omen.forEach((step, i) => {
    const other = ref[i];
    expect(step.ids.map((ids) => ids.length), step.step).toEqual(other.ids.map((ids) => ids.length));
    if (!step.distances) {
      expect(step.ids, step.step).toEqual(other.ids);
      return;
    }
    step.ids.forEach((ids, q) => {
      const d = step.distances![q];
      const e = other.distances![q];
      d.forEach((x, j) => expect(Math.abs(x - e[j]), `${step.step}, query ${q}, hit ${j}: ${x} vs ${e[j]}`).toBeLessThanOrEqual(TOLERANCE));
      let start = 0;
      for (let j = 1; j <= ids.length; j++) {
        if (j === ids.length || Math.abs(d[j] - d[start]) > TOLERANCE) {
          expect(new Set(ids.slice(start, j)), `${step.step}, query ${q}, hits ${start}..${j - 1}`).toEqual(new Set(other.ids[q].slice(start, j)));
          start = j;
        }
      }
    });
  });
}

/**
 * Runs of the script against the server before one matches OmenDB's. Under
 * load the server has answered a query from before the write just
 * acknowledged (the upsert's `new1` missing from the next query, while
 * OmenDB, deterministic, had it); a fresh run then agrees. A wrong OmenDB
 * answer disagrees with every run, so the test still fails on it.
 */
const REFERENCE_RUNS = 3;

describe.skipIf(!RUNNABLE)('the text-first script against a real Chroma server and OmenDB', () => {
  for (const space of ['l2', 'cosine', 'ip'] as const) {
    it(`${space}: same ids and distances at every step`, async () => {
      const db = await OmenDB.open(tmp.dir);
      let ours: Step[];
      try {
        ours = await textFirstScript(db, new ToyEmbedding(), space);
      } finally {
        await db.close();
      }
      for (let run = 1; ; run++) {
        const reference = await textFirstScript(chroma, new ToyEmbedding(), space);
        expect(reference.find((s) => s.step === 'count')!.ids).toEqual([['54']]);
        expect(reference[0].ids.map((ids) => ids.length)).toEqual([5, 5, 5]);
        try {
          expectSameAnswers(ours, reference);
          return;
        } catch (error) {
          if (run === REFERENCE_RUNS) throw error;
          console.warn(`chroma parity, ${space}: run ${run} of the server differed (${(error as Error).message.split('\n')[0]}); running it again`);
        } finally {
          await chroma.deleteCollection({ name: `script-${space}` });
        }
      }
    });
  }
});
