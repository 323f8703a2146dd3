/**
 * Embedding speed of the default model on one core: model load time, then
 * ms per text and texts per second for SciFact claims (short sentences) at
 * several batch sizes, and for SciFact abstracts (≈ 1,500 characters).
 * Reports both wall time and this process's CPU time (user + system), since
 * on a shared machine wall time also counts other processes.
 *
 *   npx tsx packages/default-embed/bench/speed.ts      (data: ../shared/data/scifact)
 *
 * `N_CLAIMS` (default 256) and `N_ABSTRACTS` (default 64) set the sample sizes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DefaultEmbeddingFunction } from '../src/index.js';

const dataDir = fileURLToPath(new URL('../../../../shared/data/scifact/', import.meta.url));
const nClaims = Number(process.env.N_CLAIMS ?? 256);
const nAbstracts = Number(process.env.N_ABSTRACTS ?? 64);

function jsonl<T>(file: string, n: number): T[] {
  return readFileSync(dataDir + file, 'utf8').split('\n').filter(Boolean).slice(0, n).map((l) => JSON.parse(l) as T);
}

async function timed(fn: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
}

async function main(): Promise<void> {
  const claims = jsonl<{ text: string }>('queries.jsonl', nClaims).map((q) => q.text);
  const abstracts = jsonl<{ title: string; text: string }>('corpus.jsonl', nAbstracts).map((d) => `${d.title} ${d.text}`);
  const rows: Record<string, unknown>[] = [];
  const load = await timed(() => new DefaultEmbeddingFunction().generate(['warm up']));
  rows.push({ what: 'model load + first text', wallMs: Math.round(load.wallMs), cpuMs: Math.round(load.cpuMs) });
  const run = async (what: string, texts: string[], batchSize: number) => {
    const ef = new DefaultEmbeddingFunction({ batchSize });
    const t = await timed(() => ef.generate(texts));
    const chars = texts.reduce((s, x) => s + x.length, 0) / texts.length;
    rows.push({
      what: `${texts.length} ${what} (avg ${Math.round(chars)} chars), batch ${batchSize}`,
      wallMsPerText: +(t.wallMs / texts.length).toFixed(1),
      cpuMsPerText: +(t.cpuMs / texts.length).toFixed(1),
      textsPerCpuSecond: +((1000 * texts.length) / t.cpuMs).toFixed(1),
    });
  };
  for (const b of [1, 16, 64]) await run('SciFact claims', claims, b);
  await run('SciFact abstracts', abstracts, 16);
  console.table(rows);
  console.log(JSON.stringify(rows));
}

void main();
