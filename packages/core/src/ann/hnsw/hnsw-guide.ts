import type { HnswBuildOptions } from './hnsw-options.js';
import { mappedArray } from '../../kernels/mapped-array.js';
import { checkSource, type GraphSeed, liveRows, type SeedGraph } from './hnsw-seed.js';

/**
 * A merge's other segment with a finished graph: the build's rows from `at`
 * are its rows not flagged 1 in `dead`, in order (as a seed's are).
 */
export interface GuidePart {
  source: SeedGraph;
  /** One byte per source row: 1 = dropped (not in the build). */
  dead: Uint8Array;
  at: number;
}

/**
 * The guide lists of one batch, on shared memory for every linking thread:
 * batch row i's (row start + i of the graph) are `links[start[i] … start[i + 1])`,
 * rows of the graph as it is linked. Rows of the seed, and of segments
 * without a graph, have none.
 */
export interface GuideBatch {
  start: Int32Array;
  links: Int32Array;
}

/** An empty {@link GuideBatch} for batches of up to `maxBatch` rows of degree ≤ 2·M. */
export function guideBatch(maxBatch: number, M: number): GuideBatch {
  return {
    start: new Int32Array(new SharedArrayBuffer(4 * (maxBatch + 1))),
    links: new Int32Array(new SharedArrayBuffer(4 * maxBatch * 2 * M)),
  };
}

/**
 * The level-0 neighbours each row of a merge had in its own segment's graph
 * (Lucene 10's merge of HNSW graphs), renumbered to the rows of the merged
 * graph as it is linked, handed out batch by batch ({@link fill}) so that
 * only 8 bytes a row are held besides the segments' own graphs.
 */
export class MergeGuide {
  private readonly parts: Array<{
    source: SeedGraph;
    /** Linked rows [first, first + sourceRow.length) are this part's live rows. */
    first: number;
    /** Source row of each of its live rows. */
    sourceRow: Int32Array;
    /** Linked row of each source row; −1: dropped. */
    linkedRow: Int32Array;
  }>;

  /** Guides of a build whose rows are linked in seed order (the seed's `live` rows stored from `seedAt` first; see storageRow in hnsw-seed.ts). */
  constructor(parts: readonly GuidePart[], seedAt: number, live: number) {
    const linked = (stored: number): number => (stored < seedAt ? stored + live : stored < seedAt + live ? stored - seedAt : stored);
    this.parts = parts.map(({ source, dead, at }) => {
      const sourceRow = mappedArray(Int32Array, liveRows(dead));
      const linkedRow = mappedArray(Int32Array, source.size);
      let next = 0;
      for (let row = 0; row < source.size; row++) {
        if (dead[row] === 1) linkedRow[row] = -1;
        else {
          linkedRow[row] = linked(at + next);
          sourceRow[next++] = row;
        }
      }
      return { source, first: linked(at), sourceRow, linkedRow };
    });
  }

  /** Writes the guide lists of linked rows [start, end) (≤ the batch's rows) into `batch`. */
  fill(start: number, end: number, batch: GuideBatch): void {
    let count = 0;
    for (let x = start; x < end; x++) {
      batch.start[x - start] = count;
      const part = this.parts.find((p) => x >= p.first && x < p.first + p.sourceRow.length);
      if (part === undefined) continue;
      const { source, linkedRow } = part;
      const links = source.linkArray(0);
      const at = source.linkIndex(part.sourceRow[x - part.first], 0);
      for (let j = 1, degree = links[at]; j <= degree; j++) {
        const y = linkedRow[links[at + j]];
        if (y >= 0) batch.links[count++] = y;
      }
    }
    batch.start[end - start] = count;
  }
}

/**
 * Width of the level-0 search that links a guided row (Lucene 10's merge:
 * min(beamWidth / 2, 3·M), at least M). It starts next to the row, from the
 * rows its own graph linked it to, so it has no distance to cover and a
 * narrower beam finds most of the neighbours a full-width search from the
 * entry point would. Measured with bench/merge-beam.ts (generated-100k
 * split 70k + 30k, M 16, efConstruction 200, batches of 64; one round,
 * recall@10 over 1,000 queries at efSearch 16 / 32 / 64): merge CPU 16.8 s
 * → 7.7 s against the unguided merge (beam 140), recall 0.919 / 0.961 /
 * 0.985 → 0.912 / 0.958 / 0.982; a guided beam of 64 gave 0.917 / 0.959 /
 * 0.982 for 11.7 s against 17.5 s. Queries per CPU second at equal
 * efSearch were the same or higher on the guided graphs (two rounds).
 */
export function guidedBeam(efConstruction: number, M: number): number {
  return Math.max(M, Math.min(efConstruction >> 1, 3 * M));
}

/**
 * The guide of a seeded build of `rows` rows from `guides` (see
 * HnswBuildOptions.guides), or undefined when none has a finished graph.
 * Throws ValidationError as checkSeed does for a guide of another
 * dimension, metric or M, dead flags not one per row, or rows outside the build.
 */
export function guideOf(
  guides: HnswBuildOptions['guides'],
  target: { dimension: number; code: number; M: number },
  rows: number,
  seed: GraphSeed,
): MergeGuide | undefined {
  const parts: GuidePart[] = [];
  for (const { index, dead, at } of guides ?? []) {
    const source = index.seedGraph();
    if (source === undefined) continue;
    checkSource(source, dead, at, target, rows, 'guide');
    parts.push({ source, dead, at });
  }
  if (parts.length === 0) return undefined;
  return new MergeGuide(parts, seed.at, liveRows(seed.dead));
}
