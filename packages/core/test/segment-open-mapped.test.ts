/**
 * Opening a segment through a read-only mapping of its file (NodeVfs) and
 * with positional reads (a Vfs without mapReadOnly) gives the same answers
 * as each other and as the collection gave before it was closed,
 * and a damaged section is a CorruptionError at open either way, before any
 * query runs — but the vectors, checked a page at a time as they load: a
 * damaged page fails the query that reaches it (or the background load). adviseHugePages is a hint that never changes bytes nor throws.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CorruptionError, OmenDB } from '../src/index.js';
import { decodeSegmentTable, SectionKind } from '../src/format/segment-file.js';
import { adviseHugePages, populatePages } from '../src/fs/mmap.js';
import { KernelMemory } from '../src/kernels/kernel-memory.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import type { CollectionStore } from '../src/storage/collection-store.js';
import { layout } from '../src/storage/layout.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const SEED = 1723;
const DIM = 8;
const ROWS = 400;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** NodeVfs without mapReadOnly: segments are read with positional reads. */
function unmappedVfs(): NodeVfs {
  const vfs = new NodeVfs();
  Object.defineProperty(vfs, 'mapReadOnly', { value: undefined });
  return vfs;
}

/** A database with one checkpointed segment of ROWS seeded rows; returns its directory and segment file. */
async function oneSegment(): Promise<{ dir: string; file: string; embeddings: number[][] }> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const rand = seededRandom(SEED);
  const embeddings = Array.from({ length: ROWS }, () => Array.from({ length: DIM }, () => Math.floor(rand() * 8) + rand() * 0.1));
  const db = await OmenDB.open(dir);
  const col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: { M: 8, efConstruction: 32 } });
  await col.add({ ids: embeddings.map((_, i) => `r${i}`), embeddings, documents: embeddings.map((_, i) => `doc ${i}`) });
  await db.checkpoint();
  const store = (col as unknown as { store: CollectionStore }).store;
  const file = layout.segmentFile(store.dir, store.manifest.segments[0].id);
  await db.close();
  return { dir, file, embeddings };
}

async function answers(dir: string, vfs: NodeVfs, queries: number[][]): Promise<string[][]> {
  const db = await OmenDB.open(dir, { vfs });
  const col = await db.getCollection('c');
  const result = await col.query({ queryEmbeddings: queries, nResults: 5 });
  await db.close();
  return result.ids;
}

/** Offset of the first byte of section `kind` in the segment file. */
function sectionOffset(file: string, kind: SectionKind): number {
  const bytes = new Uint8Array(readFileSync(file));
  return decodeSegmentTable(bytes, bytes.byteLength, file).sections.find((s) => s.kind === kind)!.offset;
}

describe('segment open through a mapping', () => {
  it('answers as the positional reads do', async () => {
    const { dir, embeddings } = await oneSegment();
    const queries = [embeddings[3], embeddings[200], embeddings[399]];
    const mapped = await answers(dir, new NodeVfs(), queries);
    expect(mapped.map((ids) => ids[0]), `seed ${SEED}`).toEqual(['r3', 'r200', 'r399']);
    expect(await answers(dir, unmappedVfs(), queries)).toEqual(mapped);
  });

  it('answers after reopening exactly as before the close, ids and distances', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const rand = seededRandom(SEED + 1);
    const embeddings = Array.from({ length: ROWS }, () => Array.from({ length: DIM }, () => Math.floor(rand() * 8) + rand() * 0.1));
    const queries = Array.from({ length: 8 }, () => Array.from({ length: DIM }, () => rand() * 8));
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: { M: 8, efConstruction: 32 } });
    await col.add({ ids: embeddings.map((_, i) => `r${i}`), embeddings });
    await db.checkpoint();
    const before = await col.query({ queryEmbeddings: queries, nResults: 10 });
    await db.close();
    for (const vfs of [new NodeVfs(), unmappedVfs()]) {
      const reopened = await OmenDB.open(dir, { vfs });
      const after = await (await reopened.getCollection('c')).query({ queryEmbeddings: queries, nResults: 10 });
      await reopened.close();
      expect(after.ids, `seed ${SEED + 1}`).toEqual(before.ids);
      expect(after.distances, `seed ${SEED + 1}`).toEqual(before.distances);
    }
  });

  it('reports a flipped byte of the vectors section as a CorruptionError before any answer computed from it, mapped or not', async () => {
    const { dir, file, embeddings } = await oneSegment();
    // A version-2 segment checks its vectors a 4 KiB page at a time, as they load (docs/format/segment.md).
    const at = sectionOffset(file, SectionKind.Vectors) + 37;
    const bytes = readFileSync(file);
    bytes[at] ^= 0x10;
    writeFileSync(file, bytes);
    for (const vfs of [new NodeVfs(), unmappedVfs()]) {
      const db = await OmenDB.open(dir, { vfs });
      try {
        const col = await db.getCollection('c');
        const err = await col.query({ queryEmbeddings: [embeddings[1]], nResults: 5 }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, `seed ${SEED}`).toBeInstanceOf(CorruptionError);
        expect((err as CorruptionError).file).toBe(file);
      } finally {
        await db.close().catch(() => undefined);
      }
    }
  });

  it.each([
    ['graph', SectionKind.Graph],
    ['ids', SectionKind.Ids],
  ] as const)('reports a flipped byte of the %s section as a CorruptionError at open, mapped or not', async (_name, kind) => {
    const { dir, file } = await oneSegment();
    const at = sectionOffset(file, kind) + 37;
    const bytes = readFileSync(file);
    bytes[at] ^= 0x10;
    writeFileSync(file, bytes);
    for (const vfs of [new NodeVfs(), unmappedVfs()]) {
      const err = await OmenDB.open(dir, { vfs }).then(
        async (db) => {
          // A collection opens when first asked for: the error must come before any answer.
          try {
            await db.getCollection('c');
            return null;
          } catch (e) {
            return e;
          } finally {
            await db.close().catch(() => undefined);
          }
        },
        (e: unknown) => e,
      );
      expect(err, `seed ${SEED}`).toBeInstanceOf(CorruptionError);
      expect((err as CorruptionError).file).toBe(file);
    }
  });
});

describe('populatePages', () => {
  it('keeps the bytes of a kernel memory and of unaligned views, and never throws', () => {
    const memory = KernelMemory.create();
    memory.ensureBytes(1 << 20);
    const whole = memory.u8;
    whole.fill(5, 0, 10_000);
    populatePages(whole.subarray(3, 9_000));
    populatePages(whole.subarray(100, 200));
    populatePages(whole);
    expect(whole.subarray(0, 10_000).every((b) => b === 5)).toBe(true);
    expect(whole.subarray(10_000).every((b) => b === 0)).toBe(true);
  });
});

describe('adviseHugePages', () => {
  it('keeps the bytes of a kernel memory and of an unaligned view, and never throws', () => {
    const memory = KernelMemory.create();
    memory.ensureBytes(4 << 20);
    const whole = memory.u8;
    whole[5] = 7;
    adviseHugePages(whole);
    whole.fill(3, 1 << 20);
    expect(whole[5]).toBe(7);
    expect(whole[whole.length - 1]).toBe(3);
    const plain = new Uint8Array((4 << 20) + 3).fill(9);
    adviseHugePages(plain.subarray(3));
    expect(plain.every((b) => b === 9)).toBe(true);
  });
});
