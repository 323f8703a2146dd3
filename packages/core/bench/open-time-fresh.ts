/**
 * Open time in fresh processes: RUNS (default 5) child processes
 * (bench/open-once.ts) each open the database at OPEN_DIR, built and kept
 * by bench/open-time.ts (OPEN_DIR=… ROWS=… npx tsx bench/open-time.ts), and
 * run one query. A fresh process is what a restart pays: nothing of the
 * previous open's memory to reuse. The page cache is warm (the files were
 * just read). Prints the medians of open, first query, open + first query
 * (wall seconds), CPU seconds and RSS after them; writes
 * bench/results/open-time-fresh.json.
 *
 * Run: OPEN_DIR=/tmp/open-1m RUNS=5 npx tsx packages/core/bench/open-time-fresh.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './ann-stats.js';

const dir = process.env.OPEN_DIR;
if (dir === undefined) throw new Error('set OPEN_DIR to a database built by bench/open-time.ts');
const RUNS = Number(process.env.RUNS ?? 5);
const here = dirname(fileURLToPath(import.meta.url));

interface Run {
  openSeconds: number;
  firstQuerySeconds: number;
  totalSeconds: number;
  cpuSeconds: number;
  rssBytes: number;
  memoryBytes: number;
  mappedBytes: number;
  count: number;
}

const runs: Run[] = [];
for (let run = 0; run < RUNS; run++) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'open-once.ts'), dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`open-once failed: ${r.stderr}`);
  runs.push(JSON.parse(r.stdout) as Run);
}
const med = (key: keyof Run) => median(runs.map((r) => r[key]));
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  rows: runs[0].count,
  runs: RUNS,
  openSeconds: med('openSeconds'),
  firstQuerySeconds: med('firstQuerySeconds'),
  totalSeconds: med('totalSeconds'),
  cpuSeconds: med('cpuSeconds'),
  rssBytes: med('rssBytes'),
  memoryBytes: runs[0].memoryBytes,
  mappedBytes: runs[0].mappedBytes,
  all: runs.map((r) => r.totalSeconds),
};
console.log(
  `${report.rows} rows, ${RUNS} fresh processes: open ${report.openSeconds.toFixed(3)} s + first query ${(report.firstQuerySeconds * 1000).toFixed(1)} ms = ` +
    `${report.totalSeconds.toFixed(3)} s wall (median; all ${report.all.map((x) => x.toFixed(3)).join(', ')}), ${report.cpuSeconds.toFixed(3)} CPU-s, ` +
    `RSS ${(report.rssBytes / 2 ** 20).toFixed(0)} MiB, stats memoryBytes ${(report.memoryBytes / 2 ** 20).toFixed(0)} MiB`,
);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'open-time-fresh.json'), JSON.stringify(report, null, 2) + '\n');
