/**
 * Turns the per-run results of bench/ann-worker.ts into one summary per
 * engine (medians over runs) with ratios to hnswlib-node.
 */
import type { EngineRun } from './ann-worker.js';
import { median, qpsAtRecall } from './ann-stats.js';

export const TARGET_RECALL = 0.95;
export const REFERENCE_ENGINE = 'hnswlib-node';

export interface EngineSummary {
  engine: string;
  kind: 'graph' | 'exact';
  runs: number;
  queries: number;
  /** Rows inserted per wall second and per CPU second of the worker process. */
  buildRate: number;
  buildRateCpu: number;
  /** Median recall@k and QPS (per wall second, per CPU second) per efSearch (null: exact engine). */
  sweep: { ef: number | null; recall: number; qps: number; qpsCpu: number }[];
  /** QPS at recall@k = 0.95, interpolated between sweep points; null if never reached. */
  qpsAt95: number | null;
  qpsAt95Cpu: number | null;
  /** qpsAt95Cpu of each run on its own sweep, in run order (the spread behind the median); absent in results written before. */
  qpsAt95CpuRuns?: (number | null)[];
  latencyAt: { ef: number | null; recall: number };
  p50Ms: number;
  p99Ms: number;
  persistSeconds: number | null;
  /** Reopen + first query of the persisted index, wall and CPU seconds. */
  openSeconds: number | null;
  openCpuSeconds: number | null;
  reopenSameRows: boolean | null;
  rssDeltaBytes: number;
  heapExternalDeltaBytes: number;
  /** RSS delta and heap + external delta per stored vector. */
  rssBytesPerVector: number;
  /** Anonymous-memory delta per stored vector; null off Linux, absent in results written before it was measured. */
  anonymousBytesPerVector?: number | null;
  heapExternalBytesPerVector: number;
  persistNote?: string;
  /** OmenDB engines: `stats()` after the build (the same in every run for a seeded build). */
  stats?: EngineRun['stats'];
  /** Each figure divided by hnswlib-node's (higher is better for rates, lower for the rest). */
  ratios: Record<'buildRate' | 'buildRateCpu' | 'qpsAt95Cpu' | 'p50Ms' | 'p99Ms' | 'openSeconds' | 'rssBytesPerVector', number | null> | null;
}

/** QPS (`key`: per wall or CPU second) at recall TARGET_RECALL on a sweep, interpolated between its points; an exact engine's one point counts only if it reaches it. */
function qpsAtTarget(kind: EngineRun['kind'], sweep: EngineSummary['sweep'], key: 'qps' | 'qpsCpu'): number | null {
  if (kind === 'exact') return sweep[0].recall >= TARGET_RECALL ? sweep[0][key] : null;
  return qpsAtRecall(sweep.map((s) => ({ ef: s.ef!, recall: s.recall, qps: s[key] })), TARGET_RECALL);
}

/** One run's QPS per CPU second at recall TARGET_RECALL, on its own sweep (as the medians' figure is). */
export function runQpsAt95Cpu(run: EngineRun): number | null {
  return qpsAtTarget(run.kind, run.sweep, 'qpsCpu');
}

function medianOrNull(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : median(present);
}

function summarizeEngine(runs: EngineRun[], rows: number): Omit<EngineSummary, 'ratios'> {
  const first = runs[0];
  const sweep = first.sweep.map((point, i) => ({
    ef: point.ef,
    recall: median(runs.map((r) => r.sweep[i].recall)),
    qps: median(runs.map((r) => r.sweep[i].qps)),
    qpsCpu: median(runs.map((r) => r.sweep[i].qpsCpu)),
  }));
  const at = (key: 'qps' | 'qpsCpu') => qpsAtTarget(first.kind, sweep, key);
  const rss = median(runs.map((r) => r.rssDeltaBytes));
  const heap = median(runs.map((r) => r.heapExternalDeltaBytes));
  // Results written before the anonymous delta existed have none.
  const anonymous = medianOrNull(runs.map((r) => r.anonymousDeltaBytes ?? null));
  return {
    engine: first.engine,
    kind: first.kind,
    runs: runs.length,
    queries: first.queries,
    buildRate: rows / median(runs.map((r) => r.buildSeconds)),
    buildRateCpu: rows / median(runs.map((r) => r.buildCpuSeconds)),
    sweep,
    qpsAt95: at('qps'),
    qpsAt95Cpu: at('qpsCpu'),
    qpsAt95CpuRuns: runs.map(runQpsAt95Cpu),
    latencyAt: first.latencyAt,
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    persistSeconds: medianOrNull(runs.map((r) => r.persistSeconds)),
    openSeconds: medianOrNull(runs.map((r) => r.openSeconds)),
    openCpuSeconds: medianOrNull(runs.map((r) => r.openCpuSeconds)),
    reopenSameRows: runs.every((r) => r.reopenSameRows === null) ? null : runs.every((r) => r.reopenSameRows !== false),
    rssDeltaBytes: rss,
    heapExternalDeltaBytes: heap,
    rssBytesPerVector: rss / rows,
    anonymousBytesPerVector: anonymous === null ? null : anonymous / rows,
    heapExternalBytesPerVector: heap / rows,
    persistNote: first.persistNote,
    stats: first.stats,
  };
}

/** Summaries of every engine that ran, with ratios to hnswlib-node when it ran too. */
export function summarize(byEngine: Map<string, EngineRun[]>, rows: number): EngineSummary[] {
  const summaries = [...byEngine].filter(([, runs]) => runs.length > 0).map(([, runs]) => summarizeEngine(runs, rows));
  const reference = summaries.find((s) => s.engine === REFERENCE_ENGINE);
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b !== 0 ? a / b : null);
  return summaries.map((s) => ({
    ...s,
    ratios: reference
      ? {
          buildRate: ratio(s.buildRate, reference.buildRate),
          buildRateCpu: ratio(s.buildRateCpu, reference.buildRateCpu),
          qpsAt95Cpu: ratio(s.qpsAt95Cpu, reference.qpsAt95Cpu),
          p50Ms: ratio(s.p50Ms, reference.p50Ms),
          p99Ms: ratio(s.p99Ms, reference.p99Ms),
          openSeconds: ratio(s.openSeconds, reference.openSeconds),
          rssBytesPerVector: ratio(s.rssBytesPerVector, reference.rssBytesPerVector),
        }
      : null,
  }));
}
