/**
 * Corruption sweeps: for every file kind — WAL, manifest, each segment
 * section, FORMAT, CATALOG, LOCK — flip bits, truncate, zero a sector, append, delete,
 * at many offsets, and open. Each outcome must be a CorruptionError naming the
 * file, or an open database holding exactly a state the damage permits (see
 * fixtures/reliability-damage.ts): never a crash, a hang or a silent wrong answer.
 *
 * Long form: OMENDB_CORRUPTION_OFFSETS=100000 (offsets per region: all of them).
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { buildReference, type RefFile, type Reference } from './fixtures/reliability-corrupt.js';
import { runCase, type Damage } from './fixtures/reliability-damage.js';
import { BASE_SEED, envInt, reportFigures } from './fixtures/reliability-report.js';
import { seededRandom } from './helpers/tmp.js';

const PER_REGION = envInt('OMENDB_CORRUPTION_OFFSETS', 10);
/** An open of the damaged database slower than this counts as a hang. */
const HANG_MS = 5_000;

/** Offsets to damage in a region: the first 17 bytes (headers, lengths, checksums) and evenly spaced others. */
function offsets(start: number, end: number, rand: () => number): number[] {
  const out = new Set<number>();
  for (let o = start; o < Math.min(end, start + 17); o++) out.add(o);
  const span = end - start;
  const extra = Math.min(PER_REGION, span);
  for (let i = 0; i < extra; i++) out.add(start + Math.floor(((i + rand()) * span) / extra));
  return [...out].filter((o) => o < end).sort((a, b) => a - b);
}

function damagesFor(file: RefFile, rand: () => number): { region: string; damage: Damage }[] {
  const list: { region: string; damage: Damage }[] = [];
  for (const region of file.regions) {
    for (const offset of offsets(region.start, region.end, rand)) {
      list.push({ region: region.name, damage: { kind: 'flip', offset, bit: Math.floor(rand() * 8) } });
      list.push({ region: region.name, damage: { kind: 'truncate', offset } });
    }
    list.push({ region: region.name, damage: { kind: 'zero', offset: region.start } });
  }
  const garbage = Uint8Array.from({ length: 64 }, () => Math.floor(rand() * 256));
  list.push({ region: 'end', damage: { kind: 'append', bytes: garbage } });
  list.push({ region: 'end', damage: { kind: 'append', bytes: new Uint8Array(4096) } });
  list.push({ region: 'whole', damage: { kind: 'delete' } });
  return list;
}

/** The pid of a process that has exited: a LOCK naming it is stale. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout as unknown as number;
}

describe(`corruption sweeps (seed ${BASE_SEED})`, () => {
  let ref: Reference;
  const lock = JSON.stringify({ pid: Number(deadPid()), host: hostname(), token: 'stale-lock-of-a-killed-writer' });

  it.each(['FORMAT', 'CATALOG', 'LOCK', 'MANIFEST', 'segment', 'WAL'] as const)('%s: every damage opens correctly or raises a typed error', async (kind) => {
    ref ??= await buildReference(BASE_SEED, lock);
    const file = ref.files.find((f) => f.kind === kind)!;
    const rand = seededRandom(BASE_SEED + kind.length);
    const outcomes: Record<string, number> = {};
    const violations: string[] = [];
    let cases = 0;
    let slowest = 0;
    for (const { region, damage } of damagesFor(file, rand)) {
      const r = await runCase(ref, file, damage);
      cases++;
      slowest = Math.max(slowest, r.ms);
      if (r.ms > HANG_MS) violations.push(`${region} ${JSON.stringify(damage)}: open took ${Math.round(r.ms)} ms`);
      if (r.violation) violations.push(`${region} ${describeDamage(damage)}: ${r.violation}`);
      else outcomes[`${region}: ${r.outcome}`] = (outcomes[`${region}: ${r.outcome}`] ?? 0) + 1;
    }
    expect(violations, `seed ${BASE_SEED}`).toEqual([]);
    const byOutcome: Record<string, number> = {};
    for (const [key, n] of Object.entries(outcomes)) {
      const outcome = key.slice(key.indexOf(': ') + 2);
      byOutcome[outcome] = (byOutcome[outcome] ?? 0) + n;
    }
    reportFigures(`corruption sweep: ${kind}`, { cases, ...byOutcome, violations: 0, slowestOpenMs: Math.round(slowest), fileBytes: file.size });
    console.log(outcomes);
  });
});

function describeDamage(d: Damage): string {
  return d.kind === 'append' ? `append ${d.bytes.byteLength} bytes` : JSON.stringify(d);
}
