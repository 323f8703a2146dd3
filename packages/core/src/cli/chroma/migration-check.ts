import { SeededRandom } from '../../kernels/seeded-random.js';
import { formatCount, formatPercent } from '../format.js';
import { compareMetadata } from './chroma-metadata.js';
import type { MigrationRecord, Side } from './sides.js';

/** Seed of the record sample, fixed so that a check run twice looks at the same records. */
export const SAMPLE_SEED = 20240917;
/** Queries run on both sides: the first sampled records' embeddings. */
const MAX_QUERIES = 20;
const K = 10;

/**
 * A uniform sample of `size` records out of a stream of unknown length
 * (reservoir sampling, Vitter 1985, algorithm R), seeded.
 */
export class Reservoir {
  readonly records: MigrationRecord[] = [];
  private seen = 0;
  private readonly random = new SeededRandom(SAMPLE_SEED);

  constructor(private readonly size: number) {}

  offer(record: MigrationRecord): void {
    this.seen++;
    if (this.records.length < this.size) this.records.push(record);
    else {
      const j = Math.floor(this.random.next() * this.seen);
      if (j < this.size) this.records[j] = record;
    }
  }
}

/** The result of checking one migrated collection. */
export interface MigrationCheck {
  name: string;
  sourceCount: number;
  targetCount: number;
  sampled: number;
  /** Sampled records read back bit for bit equal on both sides. */
  identical: number;
  /** Sampled records equal within rounding, by what was rounded. */
  rounded: { embedding: number; metadata: number };
  /** Sampled records that differ (or are missing in the target). */
  different: number;
  /** First differences found, for the report. */
  differences: string[];
  queries: number;
  /** Mean |top-k(source) ∩ top-k(target)| / k over the queries. */
  overlap: number;
  minOverlap: number;
}

/**
 * Compares source and target after a copy: both counts; each sampled record
 * read back from both sides (embedding, metadata, document); and the top-10
 * ids of the first sampled embeddings as queries on both sides. Equal within
 * rounding, and reported as such: metadata numbers a few float64 ulps apart
 * (Chroma returns some that way), and with `tolerant`, embeddings within
 * 1e-6 of the vector's length (Chroma normalises the vectors of cosine
 * collections and returns them rescaled).
 */
export async function checkMigration(source: Side, target: Side, sample: MigrationRecord[], tolerant: boolean): Promise<MigrationCheck> {
  const [sourceCount, targetCount] = await Promise.all([source.count(), target.count()]);
  const ids = sample.map((r) => r.id);
  // Chroma rejects a get by an empty id list.
  const [fromSource, fromTarget] = ids.length === 0 ? [[], []] : await Promise.all([source.byIds(ids), target.byIds(ids)]);
  const targetById = new Map(fromTarget.map((r) => [r.id, r]));
  const check: MigrationCheck = {
    name: source.name,
    sourceCount,
    targetCount,
    sampled: sample.length,
    identical: 0,
    rounded: { embedding: 0, metadata: 0 },
    different: 0,
    differences: [],
    queries: 0,
    overlap: 1,
    minOverlap: 1,
  };
  for (const a of fromSource) {
    const b = targetById.get(a.id);
    const result = b ? compare(a, b, tolerant) : { different: 'missing in the target' };
    if ('different' in result) {
      check.different++;
      if (check.differences.length < 5) check.differences.push(`${JSON.stringify(a.id)}: ${result.different}`);
    } else if (result.embedding === 'identical' && result.metadata === 'identical') check.identical++;
    else {
      if (result.embedding === 'rounded') check.rounded.embedding++;
      if (result.metadata === 'rounded') check.rounded.metadata++;
    }
  }
  const queries = sample.slice(0, MAX_QUERIES).map((r) => r.embedding);
  check.queries = queries.length;
  if (queries.length > 0) {
    const [a, b] = await Promise.all([source.query(queries, K), target.query(queries, K)]);
    const per = a.map((ids, q) => {
      const other = new Set(b[q]);
      const expected = Math.min(K, ids.length, b[q].length);
      return expected === 0 ? 1 : ids.filter((id) => other.has(id)).length / expected;
    });
    check.overlap = per.reduce((sum, x) => sum + x, 0) / per.length;
    check.minOverlap = Math.min(...per);
  }
  return check;
}

/** True when counts agree and every sampled record is identical (query overlap is reported, not judged). */
export function checkPassed(c: MigrationCheck): boolean {
  return c.sourceCount === c.targetCount && c.different === 0;
}

/** The check as printed after a migration. */
export function renderCheck(c: MigrationCheck, sourceKind: string, targetKind: string): string {
  let out = `Check of ${JSON.stringify(c.name)} (${sourceKind} → ${targetKind}): ${checkPassed(c) ? 'passed' : 'FAILED'}\n`;
  out += `  records        ${formatCount(c.sourceCount)} in ${sourceKind}, ${formatCount(c.targetCount)} in ${targetKind}${c.sourceCount === c.targetCount ? ' (equal)' : ' (DIFFERENT)'}\n`;
  const equal = c.sampled - c.different;
  if (equal === c.identical) {
    out += `  sample         ${formatCount(c.identical)} of ${formatCount(c.sampled)} sampled records identical (id, embedding, metadata, document)\n`;
  } else {
    const why = [
      c.rounded.embedding > 0 ? `${formatCount(c.rounded.embedding)} with embeddings within 1e-6 (Chroma normalises cosine vectors)` : '',
      c.rounded.metadata > 0 ? `${formatCount(c.rounded.metadata)} with metadata numbers a few float64 ulps off (as Chroma returns them)` : '',
    ].filter(Boolean);
    out += `  sample         ${formatCount(equal)} of ${formatCount(c.sampled)} sampled records equal (id, embedding, metadata, document): ${formatCount(c.identical)} bit for bit${why.length > 0 ? `, ${why.join(', ')}` : ''}\n`;
  }
  for (const d of c.differences) out += `                 differs: ${d}\n`;
  out +=
    c.queries === 0
      ? '  query top-10   no queries (the collection is empty)\n'
      : `  query top-10   ${c.queries} queries, mean overlap ${formatPercent(c.overlap)}, lowest ${formatPercent(c.minOverlap)} (both sides search approximately)\n`;
  return out;
}

type Level = 'identical' | 'rounded';

/** How two copies of a record compare, or what differs. */
function compare(a: MigrationRecord, b: MigrationRecord, tolerant: boolean): { embedding: Level; metadata: Level } | { different: string } {
  if (a.embedding.length !== b.embedding.length) return { different: `embedding has ${a.embedding.length} values in the source, ${b.embedding.length} in the target` };
  let norm = 0;
  for (const x of a.embedding) norm += x * x;
  const tolerance = tolerant ? 1e-6 * Math.sqrt(norm) : 0;
  let embedding: Level = 'identical';
  for (let i = 0; i < a.embedding.length; i++) {
    const x = Math.fround(a.embedding[i]);
    const y = Math.fround(b.embedding[i]);
    if (x === y) continue;
    if (!(Math.abs(x - y) <= tolerance)) return { different: `embedding[${i}] is ${x} in the source, ${y} in the target` };
    embedding = 'rounded';
  }
  const metadata = compareMetadata(a.metadata, b.metadata);
  if (metadata === 'different') return { different: `metadata ${JSON.stringify(a.metadata)} in the source, ${JSON.stringify(b.metadata)} in the target` };
  if (a.document !== b.document) return { different: 'document differs' };
  return { embedding, metadata };
}
