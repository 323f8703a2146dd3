import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OmenDB, ValidationError, type Collection, type Metadata } from '../src/index.js';
import { randomVectors, seededRandom, tempDir } from './helpers/tmp.js';

// Collection.distinct: the distinct values of a metadata key among live
// records, with counts, kept by every write (and by WAL replay), so that a
// store can list e.g. its namespaces without reading every record.

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** The answer of `distinct` computed the slow way: every live record read and counted. */
async function countByHand(col: Collection, key: string): Promise<Map<unknown, number>> {
  const all = await col.get({ include: ['metadatas'] });
  const counts = new Map<unknown, number>();
  for (const m of all.metadatas) {
    const v = m?.[key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

async function distinctMap(col: Collection, key: string): Promise<Map<unknown, number>> {
  const { values, counts } = await col.distinct({ key });
  return new Map(values.map((v, i) => [v, counts[i]]));
}

describe('Collection.distinct', () => {
  it('counts scalar values per live record, in order numbers, strings, booleans, and pages them', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'c', dimension: 0 });
    const metadatas: (Metadata | null)[] = [{ k: 'b' }, { k: 'a' }, { k: 'b' }, { k: 10 }, { k: 2 }, { k: true }, { k: false }, { k: [1, 2] }, { k: { x: 1 } }, { other: 1 }, null, { k: '10' }];
    await col.add({ ids: metadatas.map((_, i) => `r${i}`), metadatas });
    expect(await col.distinct({ key: 'k' })).toEqual({ values: [2, 10, '10', 'a', 'b', false, true], counts: [1, 1, 1, 1, 2, 1, 1] });
    expect(await col.distinct({ key: 'k', offset: 2, limit: 3 })).toEqual({ values: ['10', 'a', 'b'], counts: [1, 1, 2] });
    expect(await col.distinct({ key: 'k', limit: 0 })).toEqual({ values: [], counts: [] });
    expect(await col.distinct({ key: 'missing' })).toEqual({ values: [], counts: [] });
    await db.close();
  });

  it('moves with add, upsert, update (merge, key removal) and delete, and drops a value whose last record goes', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'c', dimension: 0 });
    await col.add({ ids: ['a', 'b'], metadatas: [{ ns: 'x' }, { ns: 'x' }] });
    expect(await distinctMap(col, 'ns')).toEqual(new Map([['x', 2]]));
    await col.upsert({ ids: ['b', 'c'], metadatas: [{ ns: 'y' }, { ns: 'y' }] });
    expect(await distinctMap(col, 'ns')).toEqual(new Map([['x', 1], ['y', 2]]));
    await col.update({ ids: ['c'], metadatas: [{ ns: null, other: 1 }] });
    await col.update({ ids: ['a'], metadatas: [{ more: 2 }] });
    expect(await distinctMap(col, 'ns')).toEqual(new Map([['x', 1], ['y', 1]]));
    await col.delete({ ids: ['a'] });
    expect(await distinctMap(col, 'ns')).toEqual(new Map([['y', 1]]));
    await col.upsert({ ids: ['b'], documents: ['no metadata now'] });
    expect((await col.distinct({ key: 'ns' })).values).toEqual([]);
    await db.close();
  });

  it('equals a count of every record through random writes, checkpoints, compactions and reopens (vectors and dimension 0)', async () => {
    const seed = 20261206;
    const random = seededRandom(seed);
    let db = await OmenDB.open(dir, { memtableLimitBytes: 1 << 16 });
    await db.createCollection({ name: 'v', dimension: 4 });
    await db.createCollection({ name: 'kv', dimension: 0 });
    const vectors = randomVectors(400, 4, seed);
    const pick = (n: number) => Math.floor(random() * n);
    for (let step = 0; step < 400; step++) {
      for (const name of ['v', 'kv']) {
        const col = await db.getCollection(name);
        const ids = Array.from({ length: 1 + pick(5) }, () => `id${pick(60)}`).filter((id, i, all) => all.indexOf(id) === i);
        const metadatas = ids.map(() => (random() < 0.1 ? null : { g: `g${pick(8)}`, n: pick(3) }));
        const embeddings = name === 'v' ? ids.map(() => vectors[pick(vectors.length)]) : undefined;
        const roll = random();
        if (roll < 0.5) await col.upsert({ ids, metadatas, embeddings });
        else if (roll < 0.7) await col.delete({ ids });
        else if (roll < 0.8) await col.delete({ where: { g: `g${pick(8)}` } });
        else {
          const live = (await col.get({ ids, include: [] })).ids;
          if (live.length > 0) await col.update({ ids: live, metadatas: live.map(() => ({ g: random() < 0.3 ? null : `g${pick(8)}` })) });
        }
        // Checked now and then, so that tracking starts at different points of the history.
        if (step % 37 === 0 || step === 399) {
          for (const key of ['g', 'n']) expect(await distinctMap(col, key), `step ${step} ${name}.${key} (seed ${seed})`).toEqual(await countByHand(col, key));
        }
      }
      if (step % 50 === 25) await db.checkpoint();
      if (step % 120 === 60) await (await db.getCollection('v')).compact();
      if (step % 150 === 149) {
        await db.close();
        db = await OmenDB.open(dir, { memtableLimitBytes: 1 << 16 });
      }
    }
    for (const name of ['v', 'kv']) {
      const col = await db.getCollection(name);
      const expected = await countByHand(col, 'g');
      await db.close();
      db = await OmenDB.open(dir, { memtableLimitBytes: 1 << 16 });
      expect(await distinctMap(await db.getCollection(name), 'g'), `${name} after reopen (seed ${seed})`).toEqual(expected);
    }
    await db.close();
  });

  it('answers from the writes acknowledged before it, also while a checkpoint seals', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'c', dimension: 0 });
    await col.distinct({ key: 'ns' });
    const writes = Array.from({ length: 50 }, (_, i) => col.upsert({ ids: [`k${i % 20}`], metadatas: [{ ns: `n${i % 7}` }] }));
    const sealing = db.checkpoint();
    await Promise.all(writes);
    expect(await distinctMap(col, 'ns')).toEqual(await countByHand(col, 'ns'));
    await sealing;
    expect(await distinctMap(col, 'ns')).toEqual(await countByHand(col, 'ns'));
    await db.close();
  });

  it('rejects malformed arguments with a ValidationError', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'c', dimension: 0 });
    for (const bad of [{}, { key: '' }, { key: 'k', limit: -1 }, { key: 'k', offset: 1.5 }, { key: 'k', where: { a: 1 } }]) {
      await expect(col.distinct(bad as never), JSON.stringify(bad)).rejects.toThrow(ValidationError);
    }
    await db.close();
  });
});
