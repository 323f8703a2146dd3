/**
 * kill -9 during concurrent puts from a graph: a child process runs a
 * compiled graph whose node puts 8 memories at once, in a loop, and prints
 * each acknowledged put; the parent kills it with SIGKILL at a seeded random
 * time, reopens the store and checks that every acknowledged put is there
 * with its value and its vector. Then a second process reopens the store and
 * searches it. Runs against the built package (`pnpm build` first).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OmenDB } from '@omendb/core';
import { afterAll, describe, expect, it } from 'vitest';
import { OmenStore } from '../src/index.js';
import { WordEmbeddings } from './word-embeddings.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const SEED = Number(process.env.OMENDB_SEED ?? 20261206);
const ROUNDS = Number(process.env.OMENDB_LANGGRAPH_KILL_ROUNDS ?? 4);
const dir = mkdtempSync(join(tmpdir(), 'omendb-langgraph-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ack {
  namespace: string[];
  key: string;
  text: string;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

/** Starts the graph writer, waits for its first acknowledged put plus `killAfterMs`, kills it with SIGKILL; returns the acknowledged puts. */
async function writeAndKill(round: number, killAfterMs: number): Promise<Ack[]> {
  const child = spawn(process.execPath, [join(FIXTURES, 'graph-writer.mjs'), dir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\nACK ')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`writer exited (${code}) before its first put: ${err}`)));
  });
  await new Promise((r) => setTimeout(r, killAfterMs));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return out
    .split('\n')
    .filter((l) => l.startsWith('ACK '))
    .map((l) => JSON.parse(l.slice(4)) as Ack);
}

describe('OmenStore under kill -9', () => {
  it(`keeps every acknowledged put, with its vector, across ${ROUNDS} kills (seed ${SEED})`, async () => {
    const random = seeded(SEED);
    const embeddings = new WordEmbeddings();
    const acked: Ack[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const killAfterMs = 300 + Math.floor(random() * 1200);
      const acks = await writeAndKill(round, killAfterMs);
      acked.push(...acks);

      const store = new OmenStore({ path: dir, index: { embeddings, dims: 64, fields: ['text'] } });
      for (const a of acked) {
        const item = await store.get(a.namespace, a.key);
        expect(item?.value, `round ${round}, ${a.key} lost (seed ${SEED})`).toEqual({ text: a.text });
      }
      await store.stop();
      // Each acknowledged put's vector is its text's embedding, read straight from core.
      const db = await OmenDB.open(dir);
      const vectors = await db.getCollection('langgraph-store-vectors');
      const ids = acked.map((a) => `${JSON.stringify([a.namespace, a.key])}#0`);
      const got = await vectors.get({ ids, include: ['embeddings'] });
      expect(got.ids.length, `round ${round}: vectors missing (seed ${SEED})`).toBe(acked.length);
      const expected = await embeddings.embedDocuments(acked.map((a) => a.text));
      // Stored as float32, exactly as given.
      got.ids.forEach((id, i) => expect(got.embeddings![i], id).toEqual(Array.from(Float32Array.from(expected[ids.indexOf(id)]))));
      await db.close();
    }

    console.info(`kill -9: ${acked.length} acknowledged puts over ${ROUNDS} kills, all present with their vectors (seed ${SEED})`);

    // A second process reopens the store and finds a memory by meaning.
    const probe = acked[Math.floor(random() * acked.length)];
    const child = spawn(process.execPath, [join(FIXTURES, 'searcher.mjs'), dir, probe.namespace[1], probe.text], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const answer = JSON.parse(out.trim()) as { hits: { key: string; score: number }[]; namespaces: string[][] };
    // The test embedder hashes words into 64 buckets, so another memory's text can embed identically:
    // the probe must be among the hits tied at the top score, which is 1 (its own vector).
    expect(answer.hits[0].score).toBeCloseTo(1, 5);
    const top = answer.hits.filter((h) => h.score > answer.hits[0].score - 1e-6).map((h) => h.key);
    expect(top, `seed ${SEED}`).toContain(probe.key);
    expect(answer.namespaces).toEqual([['mem', 'u0'], ['mem', 'u1'], ['mem', 'u2']]);
  });
});
