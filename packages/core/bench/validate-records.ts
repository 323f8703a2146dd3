/**
 * What does validating the arguments of `add` cost? Times `validateRecords`
 * (the edge check every add / upsert / update runs before anything is
 * logged) on the SciFact corpus: 5,183 records of bge 1024-d vectors, the
 * abstract as document and `{ title, docId, words, tags }` as metadata, in
 * batches of 1,000, in CPU microseconds per record of this process. For
 * scale, the same batches are then added to a collection with the default
 * options (durability 'sync': WAL write and fdatasync, memtable insert, graph
 * linking included) and that is timed the same way.
 *
 * Medians of RUNS runs (default 5) after one warm-up run.
 *
 * Run: npx tsx packages/core/bench/validate-records.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateRecords } from '../src/api/records.js';
import { OmenDB } from '../src/index.js';
import { DATA_DIR, loadDataset } from '../test/helpers/datasets.js';
import type { Metadata } from '../src/types.js';
import { median } from './ann-stats.js';

const RUNS = Number(process.env.RUNS ?? 5);
const BATCH = 1000;

const data = loadDataset('scifact-bge', 'ip');
const { dim } = data;
const corpus = readFileSync(join(DATA_DIR, 'scifact/corpus.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => JSON.parse(line) as { _id: string; title: string; text: string });
const n = Math.min(data.base.count, corpus.length);
const batches: { ids: string[]; embeddings: Float32Array[]; metadatas: Metadata[]; documents: string[] }[] = [];
for (let start = 0; start < n; start += BATCH) {
  const rows = Array.from({ length: Math.min(BATCH, n - start) }, (_, i) => start + i);
  batches.push({
    ids: rows.map((r) => `doc-${corpus[r]._id}`),
    embeddings: rows.map((r) => data.base.data.subarray(r * dim, (r + 1) * dim)),
    metadatas: rows.map((r) => ({ title: corpus[r].title, docId: Number(corpus[r]._id), words: corpus[r].text.split(' ').length, tags: ['scifact', 'abstract'] })),
    documents: rows.map((r) => corpus[r].text),
  });
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function validateRun(): number {
  const started = cpuMicros();
  for (const batch of batches) validateRecords(batch, { requireEmbeddings: true, dimension: dim, metric: 'ip' });
  return (cpuMicros() - started) / n;
}

async function addRun(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'omendb-bench-validate-'));
  try {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'scifact', dimension: dim, metric: 'ip' });
    const started = cpuMicros();
    for (const batch of batches) await col.add(batch);
    const perRecord = (cpuMicros() - started) / n;
    await db.close();
    return perRecord;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

validateRun();
const validate: number[] = [];
for (let run = 0; run < RUNS; run++) validate.push(validateRun());
await addRun();
const add: number[] = [];
for (let run = 0; run < RUNS; run++) add.push(await addRun());
console.log(`scifact-bge + scifact text, ${n} records × ${dim}-d, batches of ${BATCH}, median of ${RUNS} runs`);
console.log(`validateRecords: ${median(validate).toFixed(2)} µs CPU per record (runs: ${validate.map((v) => v.toFixed(2)).join(', ')})`);
console.log(`add ('none'):    ${median(add).toFixed(2)} µs CPU per record (runs: ${add.map((v) => v.toFixed(0)).join(', ')})`);
