/**
 * kill -9 of a writer of sparse vectors (fixtures/reliability-sparse-writer.ts):
 * after each kill the database reopens, every acknowledged add or delete is
 * there, every record's stored sparse vector is the one its version wrote,
 * and a `Knn` on the sparse key (bm25 idf on) equals the reference computed
 * from the recovered records, before and after a checkpoint and compaction.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K, Knn, Search } from 'chromadb-search';
import { OmenDB, type Collection } from '../src/index.js';
import { sparseOf, SPARSE_SCHEMA, type SparseOp } from './fixtures/reliability-sparse-writer.js';
import { buildChildTree, exited, printed, startChild, type ChildTree } from './fixtures/reliability-spawn.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const KILLS = Number(process.env.SPARSE_KILLS ?? 12);
const SEED = Number(process.env.SPARSE_SEED ?? 4242);

let tree: ChildTree;
beforeAll(async () => void (tree = await buildChildTree()));
afterAll(() => tree?.cleanup());

type Sparse = { indices: number[]; values: number[] };

async function reference(col: Collection, query: Sparse): Promise<Map<string, number>> {
  const all = await col.get({ include: ['metadatas'] });
  const vectors = all.metadatas.map((m) => m!.sv as Sparse);
  const out = new Map<string, number>();
  const idf = query.indices.map((dim) => {
    const df = vectors.filter((v) => v.indices.includes(dim)).length;
    return Math.log(1 + (vectors.length - df + 0.5) / (df + 0.5));
  });
  all.ids.forEach((id, i) => {
    let s = 0;
    query.indices.forEach((dim, q) => {
      const j = vectors[i].indices.indexOf(dim);
      if (j >= 0) s += query.values[q] * idf[q] * vectors[i].values[j];
    });
    if (s !== 0) out.set(id, -s);
  });
  return out;
}

async function checkRanking(col: Collection, label: string): Promise<void> {
  for (const query of [{ indices: [3, 17], values: [1, 0.5] }, { indices: [0, 1, 2, 39], values: [1, 1, 1, 1] }]) {
    const want = await reference(col, query);
    const r = await col.search(new Search().rank(Knn({ query, key: 'sv', limit: 100_000 })).limit(100_000).select(K.SCORE));
    const got = new Map(r.ids[0].map((id, i) => [id, (r.scores[0] as number[])[i]]));
    expect([...got.keys()].sort(), label).toEqual([...want.keys()].sort());
    for (const [id, s] of want) expect(got.get(id)!, `${label} ${id}`).toBeCloseTo(s, 4);
  }
}

describe('sparse vectors under kill -9', () => {
  it(`recovers the sparse index consistent with the records after ${KILLS} kills (seed ${SEED})`, async () => {
    const { dir, cleanup } = tempDir();
    const rand = seededRandom(SEED);
    const issued: SparseOp[] = [];
    const acked = new Set<number>();
    let nextSeq = 0;
    let segments = 0;
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const child = startChild(tree.script('reliability-sparse-writer'), [dir, String(SEED + kill), String(nextSeq)]);
        const done = exited(child);
        await printed(child, 'READY').catch(async (err: Error) => {
          throw new Error(`${err.message}: ${(await done).stderr}`);
        });
        await sleep(100 + rand() * 900);
        child.kill('SIGKILL');
        const { stdout, stderr } = await done;
        expect(stderr, `seed ${SEED}, kill ${kill}`).toBe('');
        for (const line of stdout.split('\n')) {
          const m = /^(I|A) (\d+)(?: (.*))?$/.exec(line);
          if (m?.[1] === 'I') issued.push(JSON.parse(m[3]) as SparseOp);
          if (m?.[1] === 'A') acked.add(Number(m[2]));
        }
        nextSeq = issued.length === 0 ? nextSeq : Math.max(nextSeq, issued[issued.length - 1].seq + 1);

        const db = await OmenDB.open(dir);
        const col = await db.getCollection('s');
        const all = await col.get({ include: ['metadatas'] });
        const present = new Set(all.ids);
        all.ids.forEach((id, i) => {
          const m = all.metadatas[i]!;
          expect(m.sv, `seed ${SEED}, kill ${kill}, ${id}`).toEqual(sparseOf(id, m.v as number));
        });
        const deletedSomewhere = new Set(issued.filter((op) => op.kind === 'delete').flatMap((op) => op.ids));
        for (const op of issued) {
          if (!acked.has(op.seq)) continue;
          if (op.kind === 'add') for (const id of op.ids) if (!deletedSomewhere.has(id)) expect(present.has(id), `seed ${SEED}: acked add of ${id} lost`).toBe(true);
          if (op.kind === 'delete') {
            const readded = issued.some((o) => o.seq > op.seq && o.kind !== 'delete' && o.ids.some((id) => op.ids.includes(id)));
            if (!readded) for (const id of op.ids) expect(present.has(id), `seed ${SEED}: acked delete of ${id} lost`).toBe(false);
          }
        }
        await checkRanking(col, `seed ${SEED}, kill ${kill}, recovered`);
        segments = Math.max(segments, col.stats().segments);
        if (kill % 4 === 3) {
          await db.checkpoint();
          await col.compact();
          await checkRanking(col, `seed ${SEED}, kill ${kill}, compacted`);
        }
        await db.close();
      }
      expect(acked.size, 'the writer made progress').toBeGreaterThan(KILLS);
      process.stderr.write(`sparse kill -9: ${KILLS} kills, ${issued.length} calls issued, ${acked.size} acknowledged, up to ${segments} segments\n`);
    } finally {
      cleanup();
    }
  });
});
