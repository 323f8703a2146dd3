/**
 * Checks what reader children saw against the writer child's log (see
 * fixtures/reliability-readers-*.ts): every state a reader read is the state
 * after some prefix of the writer's calls, no shorter than the calls
 * acknowledged before the reader started that catch-up, and an exact query
 * on it returns the nearest records of that state.
 */
import { digestOf, l2, ReadersModel, vectorOf } from '../fixtures/reliability-readers-model.js';

export interface WriterLog {
  /** Call index and Date.now() of each acknowledgement, in order. */
  acks: { index: number; t: number }[];
  /** Highest call index issued. */
  issued: number;
  /** `RESUMED k` lines: the prefix each restarted writer found. */
  resumed: number[];
  done: { calls: number; elapsedMs: number } | undefined;
}

export interface Observation {
  t0: number;
  digest: string;
  q?: number;
  ids?: string[];
  distances?: number[];
}

export interface ReaderLog {
  observations: Observation[];
  latency: { n: number; p50: number | null; p99: number | null } | undefined;
  error: string | undefined;
  rounds: number | undefined;
}

export function parseWriter(stdout: string, into: WriterLog = { acks: [], issued: 0, resumed: [], done: undefined }): WriterLog {
  for (const line of stdout.split('\n')) {
    const [word, a, b] = line.split(' ');
    if (word === 'ACK') into.acks.push({ index: Number(a), t: Number(b) });
    else if (word === 'ISSUE') into.issued = Math.max(into.issued, Number(a));
    else if (word === 'RESUMED') into.resumed.push(Number(a));
    else if (word === 'DONE') into.done = { calls: Number(a), elapsedMs: Number(b) };
  }
  return into;
}

export function parseReader(stdout: string): ReaderLog {
  const log: ReaderLog = { observations: [], latency: undefined, error: undefined, rounds: undefined };
  for (const line of stdout.split('\n')) {
    if (line.startsWith('{')) log.observations.push(JSON.parse(line) as Observation);
    else if (line.startsWith('LATENCY ')) log.latency = JSON.parse(line.slice(8)) as ReaderLog['latency'];
    else if (line.startsWith('ERROR ')) log.error = line;
    else if (line.startsWith('DONE ')) log.rounds = Number(line.slice(5));
  }
  return log;
}

/** Problems found (empty when every observation is a state the writer acknowledged or was acknowledging). */
export function checkReaders(seed: number, writer: WriterLog, readers: ReaderLog[], maxQueryChecks = 30): { problems: string[]; observations: number; queriesChecked: number } {
  // digest → prefixes (call counts) showing that state.
  const prefixes = new Map<string, number[]>();
  const model = new ReadersModel(seed);
  const note = () => {
    const d = model.digest();
    const list = prefixes.get(d) ?? [];
    list.push(model.calls);
    prefixes.set(d, list);
  };
  note();
  while (model.calls < writer.issued) {
    model.next();
    note();
  }
  const acks = [...writer.acks].sort((a, b) => a.t - b.t);
  const problems: string[] = [];
  let observations = 0;
  let queriesChecked = 0;
  readers.forEach((reader, r) => {
    const queries = reader.observations.filter((o) => o.ids);
    const every = Math.max(1, Math.ceil(queries.length / maxQueryChecks));
    queries.forEach((o, i) => ((o as { checkQuery?: boolean }).checkQuery = i % every === 0));
    for (const o of reader.observations) {
      observations++;
      // Acknowledged strictly before the catch-up began (same clock: one machine).
      let floor = 0;
      for (const a of acks) if (a.t < o.t0) floor = Math.max(floor, a.index);
      const k = (prefixes.get(o.digest) ?? []).find((p) => p >= floor);
      if (k === undefined) {
        problems.push(`seed ${seed}, reader ${r}: state ${o.digest} at t0 ${o.t0} is no prefix of ≥ ${floor} calls (issued ${writer.issued})`);
        continue;
      }
      if (!(o as { checkQuery?: boolean }).checkQuery) continue;
      queriesChecked++;
      const at = new ReadersModel(seed);
      at.advanceTo(k);
      const q = vectorOf('query', o.q!).map(Math.fround);
      const expected = [...at.live].map(([id, v]) => ({ id, d: l2(q, vectorOf(id, v).map(Math.fround)) })).sort((a, b) => a.d - b.d).slice(0, 5);
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
      const distancesMatch = expected.length === o.distances!.length && expected.every((e, i) => close(o.distances![i], e.d));
      const idsMatch = o.ids!.every((id, i) => at.live.has(id) && close(o.distances![i], l2(q, vectorOf(id, at.live.get(id)!).map(Math.fround))));
      if (!distancesMatch || !idsMatch) problems.push(`seed ${seed}, reader ${r}: exact query ${o.q} on prefix ${k} returned ${JSON.stringify(o.ids)} ${JSON.stringify(o.distances)}, expected ${JSON.stringify(expected)}`);
    }
  });
  return { problems, observations, queriesChecked };
}

export { digestOf };
