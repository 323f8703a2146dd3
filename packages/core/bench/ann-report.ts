/**
 * The Markdown tables of bench/ann.ts: one summary table per set (build
 * rate, recall, QPS at recall 0.95, latency, open time, memory, ratios to
 * hnswlib-node) and one efSearch sweep table per set.
 */
import { REFERENCE_ENGINE, type EngineSummary } from './ann-summary.js';

export interface SetReport {
  name: string;
  title: string;
  rows: number;
  dim: number;
  metric: string;
  source: 'real' | 'generated';
  queryCount: number;
  engines: EngineSummary[];
  /** File name of the recall-vs-QPS chart, next to the report. */
  plot: string;
  /** When and how this set was measured (sets of a file may come from different runs). */
  date: string;
  command: string;
  runs: number;
  loadAverage: number[];
  /** CPU model of the machine that measured this set (sets of a file may come from different machines). */
  cpu?: string;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  loadAverage: number[];
}

const DEFAULT_EF = 64;

const int = (x: number | null) => (x === null ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const ms = (x: number | null) => (x === null ? 'n/a' : x < 10 ? x.toFixed(2) : x.toFixed(0));
/** A ratio; '–' when absent (null, or a set in ann.json measured before the ratio existed). */
const times = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${x.toFixed(2)}×`);

function summaryTable(set: SetReport): string[] {
  const lines = [
    `| engine | build (vectors/s · /CPU-s) | recall@10 (ef ${DEFAULT_EF}) | QPS at recall 0.95 (per CPU-s) | p50 / p99 latency (ms) | open + 1st query (ms) | RSS Δ (MB) | bytes/vector (RSS · anon · heap+ext) | vs ${REFERENCE_ENGINE}: build (wall · CPU) · QPS · open · bytes |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const e of set.engines) {
    const atDefault = e.sweep.find((s) => s.ef === DEFAULT_EF) ?? e.sweep[0];
    const r = e.ratios;
    const open = e.openSeconds === null ? (e.persistNote ? 'n/a¹' : 'n/a') : `${ms(e.openSeconds * 1000)}`;
    lines.push(
      `| ${e.engine}${e.kind === 'exact' ? ' (exact)' : ''} | ${int(e.buildRate)} · ${int(e.buildRateCpu)} | ${atDefault.recall.toFixed(3)} | ${int(e.qpsAt95Cpu)} | ` +
        `${ms(e.p50Ms)} / ${ms(e.p99Ms)} | ${open} | ${(e.rssDeltaBytes / 2 ** 20).toFixed(1)} | ` +
        `${int(e.rssBytesPerVector)} · ${int(e.anonymousBytesPerVector ?? null)} · ${int(e.heapExternalBytesPerVector)} | ` +
        `${r ? `${times(r.buildRate)} · ${times(r.buildRateCpu)} · ${times(r.qpsAt95Cpu)} · ${times(r.openSeconds)} · ${times(r.rssBytesPerVector)}` : '–'} |`,
    );
  }
  const notes = set.engines.filter((e) => e.openSeconds === null && e.persistNote).map((e) => `${e.engine}: ${e.persistNote}`);
  if (notes.length > 0) lines.push('', `¹ ${notes.join('; ')}.`);
  return lines;
}

/**
 * OmenDB's own accounting (`stats()` after the build) per vector: what stays
 * resident by component, and the segment file mapped for the float32
 * vectors of quantized segments (read on demand for rescoring; Node counts
 * the mapping in `external`, so the heap+ext column above includes it).
 */
function memoryTable(set: SetReport): string[] {
  const omen = set.engines.filter((e) => e.stats !== undefined);
  if (omen.length === 0) return [];
  const float = omen.find((e) => e.engine === 'omendb');
  const per = (bytes: number | undefined) => ((bytes ?? 0) / set.rows).toFixed(0);
  const lines = [
    '| engine | float32 vectors | codes | codebook | graph | ids, metadata, other | resident total | vs omendb | mapped (file) |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const e of omen) {
    const c = e.stats!.components;
    const vectors = c.vectors ?? 0;
    const resident = e.stats!.memoryBytes;
    lines.push(
      `| ${e.engine} | ${per(vectors)} | ${per(c.codes)} | ${per(c.codebook)} | ${per(c.graph)} | ` +
        `${per((c.ids ?? 0) + (c.idIndex ?? 0) + (c.metadata ?? 0) + (c.documents ?? 0) + (c.tombstones ?? 0) + (c.memtable ?? 0))} | ${per(resident)} | ` +
        `${float ? times(resident / float.stats!.memoryBytes) : '–'} | ${per(e.stats!.mappedBytes)} |`,
    );
  }
  return lines;
}

function sweepTable(set: SetReport): string[] {
  const graph = set.engines.filter((e) => e.kind === 'graph');
  if (graph.length === 0) return [];
  const lines = [
    `| efSearch | ${graph.map((e) => `${e.engine} recall · QPS/CPU-s`).join(' | ')} |`,
    `|--:|${graph.map(() => '--:').join('|')}|`,
  ];
  graph[0].sweep.forEach((point, i) => {
    lines.push(`| ${point.ef} | ${graph.map((e) => `${e.sweep[i].recall.toFixed(3)} · ${int(e.sweep[i].qpsCpu)}`).join(' | ')} |`);
  });
  return lines;
}

/** The whole report as Markdown; `plotPrefix` is prepended to chart file names (a relative path). */
export function markdownReport(sets: readonly SetReport[], machine: MachineInfo, plotPrefix = ''): string {
  const out = [
    `Machine: ${machine.cores} cores shared with other jobs, ${machine.memoryGiB} GiB, Node ${machine.node}; the CPU is named with each set. ` +
      'QPS is per CPU-second of the engine\'s own process (steadier than wall time on a shared machine; wall figures are in the JSON), ' +
      'queries one at a time on one thread; latency and open time are wall time. Builds are given per wall second and per CPU-second: ' +
      'omendb (the API) links rows on two threads, both counted in its CPU-seconds; omendb-hnsw (the index alone, sequential add) and ' +
      'every other engine insert on one thread. M = 16, efConstruction = 200, k = 10, each engine in its own process, ' +
      'engines alternating within each run; figures are medians over runs. Open = reopen the persisted index + first query, page cache warm. ' +
      'Memory = growth of the process over the build (bench/process-memory.ts): a fresh process per engine and run; the data set is loaded ' +
      '(and so touched) before the baseline and held to the end, so it is in neither read; each read is taken once RSS has settled after ' +
      'a full GC (full GCs every 0.1 s for at least 25 s, until RSS stays within 0.5 MB for 1.5 s: V8 shrinks its heap and frees buffers ' +
      'on background threads up to ≈ 20 s after a GC). A command with WARMUP_ROWS=n first built, queried and dropped an index of n rows ' +
      'with the same engine in the same process, before the baseline (bench/ann.ts). RSS for every engine (the only measure of native memory), anon = anonymous resident memory (smaps_rollup; RSS without ' +
      'mapped files and code), heap + external for the JS/WebAssembly ones (hnswlib-node and usearch allocate outside it; shared WebAssembly ' +
      'memories are in none of Node\'s counters). hnswlib-node gets each row as a number[] copied into one reused array, so its build holds ' +
      'no JS heap.',
  ];
  for (const set of sets) {
    out.push(
      '',
      `### ${set.title}`,
      '',
      `Measured ${set.date.slice(0, 10)}${set.cpu === undefined ? '' : ` on ${set.cpu}`} with \`${set.command}\` (${set.runs} run${set.runs === 1 ? '' : 's'}, load average ${set.loadAverage.map((l) => l.toFixed(1)).join(' / ')} at the start).`,
      '',
      ...summaryTable(set),
      '',
      // Sets kept from ann.json that predate the settled, loader-free memory reads have no anonymous figure.
      ...(set.engines.every((e) => e.anonymousBytesPerVector === undefined)
        ? ['Memory of this set was measured by the earlier method (worker under tsx, one GC before each read); its RSS figures are not comparable with sets measured since.', '']
        : []),
      ...(memoryTable(set).length > 0
        ? ['OmenDB memory from `stats()` after the build, bytes per vector (resident; quantized segments keep their float32 vectors in the mapped segment file):', '', ...memoryTable(set), '']
        : []),
      `![recall vs QPS, ${set.name}](${plotPrefix}${set.plot})`,
      '',
      '<details><summary>efSearch sweep</summary>',
      '',
      ...sweepTable(set),
      '',
      '</details>',
    );
  }
  return out.join('\n') + '\n';
}
