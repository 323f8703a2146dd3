import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CorruptionError, OmenDB } from '../src/index.js';
import { decodeManifest } from '../src/format/manifest.js';
import { PAGE_BYTES } from '../src/format/page-checksums.js';
import { decodeSegmentTable, SectionKind } from '../src/format/segment-file.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { defaultIndexFactory } from '../src/api/default-index.js';
import { layout } from '../src/storage/layout.js';
import { Segment } from '../src/storage/segment.js';
import type { Metric } from '../src/types.js';
import { randomVectors, seededRandom, tempDir } from './helpers/tmp.js';

/**
 * Reopening a checkpointed collection loads each segment's vectors and graph
 * section in place (no re-insert, see bench/open-time.ts for the timing) and
 * must answer exactly as before: same ids and distances for approximate
 * searches at a small efSearch (which depend on every link of the graph),
 * same vectors bit for bit, and tombstones kept.
 */
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

const ROWS = 3000;
const DIM = 24;

describe.each<Metric>(['l2', 'cosine', 'ip'])('reopening a checkpointed collection (%s, seed 11)', (metric) => {
  it('gives identical results without re-inserting into any graph', async () => {
    const vectors = randomVectors(ROWS + 40, DIM, 11);
    const queries = vectors.slice(ROWS);
    const random = seededRandom(12);
    const ids = Array.from({ length: ROWS }, (_, i) => `v${i}`);
    // Background merges off: the two segments must stay as written, so the reopen is compared like for like.
    const db = await OmenDB.open(dir, { durability: 'none', mergePolicy: false });
    const col = await db.createCollection({ name: 'c', metric, dimension: DIM });
    // Two segments: the second checkpoint seals rows added after the first.
    await col.add({ ids: ids.slice(0, 2000), embeddings: vectors.slice(0, 2000), metadatas: ids.slice(0, 2000).map((id) => ({ id })) });
    await db.checkpoint();
    await col.add({ ids: ids.slice(2000), embeddings: vectors.slice(2000, ROWS), documents: ids.slice(2000) });
    await col.delete({ ids: ids.filter(() => random() < 0.05) });
    await db.checkpoint();
    const ask = () => col.query({ queryEmbeddings: queries, nResults: 10, efSearch: 8, include: ['metadatas', 'documents', 'distances'] });
    const before = await ask();
    const sample = ids.filter((_, i) => i % 97 === 0);
    const storedBefore = await col.get({ ids: sample, include: ['embeddings'] });
    const count = await col.count();
    expect(count).toBeLessThan(ROWS);
    await db.close();

    const inserts = vi.spyOn(HnswIndex.prototype, 'add');
    const reopened = await OmenDB.open(dir, { mergePolicy: false });
    const col2 = await reopened.getCollection('c');
    const after = await col2.query({ queryEmbeddings: queries, nResults: 10, efSearch: 8, include: ['metadatas', 'documents', 'distances'] });
    expect(inserts).not.toHaveBeenCalled();
    expect(after.ids).toEqual(before.ids);
    expect(after.distances).toEqual(before.distances);
    expect(after.metadatas).toEqual(before.metadatas);
    expect(after.documents).toEqual(before.documents);
    const storedAfter = await col2.get({ ids: sample, include: ['embeddings'] });
    expect(storedAfter.ids).toEqual(storedBefore.ids);
    expect(storedAfter.embeddings).toEqual(storedBefore.embeddings);
    storedAfter.embeddings!.forEach((e, i) => expect(Float32Array.from(e)).toEqual(Float32Array.from(vectors[Number(storedAfter.ids[i].slice(1))])));
    expect(await col2.count()).toBe(count);
    await reopened.close();
  });
});

describe('Segment.open (sections read in place)', () => {
  async function sealedSegment(metric: Metric) {
    const db = await OmenDB.open(dir, { durability: 'none' });
    const col = await db.createCollection({ name: 's', metric, dimension: DIM });
    const vectors = randomVectors(2500, DIM, 21);
    await col.add({ ids: vectors.map((_, i) => `r${i}`), embeddings: vectors, documents: vectors.map((_, i) => `doc ${i}`) });
    await db.close();
    const collections = join(dir, 'collections');
    const id = readdirSync(collections)[0];
    const manifestName = readdirSync(join(collections, id)).find((n) => n.startsWith('MANIFEST'))!;
    const { state } = decodeManifest(readFileSync(join(collections, id, manifestName)), manifestName);
    const file = layout.segmentFile(join(collections, id), state.segments[0].id);
    const expected = { rows: state.segments[0].rows, dimension: DIM, metric };
    return { file, expected, factory: defaultIndexFactory(state) };
  }

  it.each<Metric>(['l2', 'cosine'])('answers exactly as a segment loaded from the whole file (%s)', async (metric) => {
    const { file, expected, factory } = await sealedSegment(metric);
    const vfs = new NodeVfs();
    const inPlace = Segment.open(vfs, 1, file, expected, factory);
    const whole = Segment.load(1, file, vfs.readFile(file), expected, factory);
    expect(inPlace.sectionBytes).toEqual(whole.sectionBytes);
    for (const q of randomVectors(20, DIM, 22).map((v) => Float32Array.from(v))) {
      expect(inPlace.index.search(q, 10, { efSearch: 8 })).toEqual(whole.index.search(q, 10, { efSearch: 8 }));
    }
    expect(inPlace.find('r2499')).toBe(2499);
    expect(inPlace.document(7)).toBe('doc 7');
    expect(inPlace.index.vector(1234)).toEqual(whole.index.vector(1234));
    inPlace.dispose();
    whole.dispose();
  });

  it('checks every section against its crc32 where it lands (a flipped byte in the vectors or graph)', async () => {
    const { file, expected, factory } = await sealedSegment('l2');
    const pristine = readFileSync(file);
    const sections = decodeSegmentTable(pristine, pristine.byteLength, file).sections;
    for (const kind of [SectionKind.Graph, SectionKind.Ids]) {
      const entry = sections.find((s) => s.kind === kind)!;
      const damaged = Buffer.from(pristine);
      damaged[entry.offset + Math.floor(entry.lengthBytes / 2)] ^= 0x10;
      writeFileSync(file, damaged);
      let caught: unknown;
      try {
        Segment.open(new NodeVfs(), 1, file, expected, factory);
      } catch (error) {
        caught = error;
      }
      expect(caught, `section ${kind}`).toBeInstanceOf(CorruptionError);
      expect((caught as CorruptionError).offset).toBe(entry.offset);
      expect((caught as CorruptionError).message).toMatch(/checksum/);
    }
    // The vectors of a version-2 segment are checked a 4 KiB page at a time as they load: at the
    // first use of the damaged page (here the whole load), at the offset of that page.
    const vectors = sections.find((s) => s.kind === SectionKind.Vectors)!;
    const at = Math.floor(vectors.lengthBytes / 2);
    const damaged = Buffer.from(pristine);
    damaged[vectors.offset + at] ^= 0x10;
    writeFileSync(file, damaged);
    const segment = Segment.open(new NodeVfs(), 1, file, expected, factory);
    let caught: unknown;
    try {
      (segment.index as HnswIndex).loadAll();
    } catch (error) {
      caught = error;
    }
    segment.dispose();
    expect(caught, 'vectors').toBeInstanceOf(CorruptionError);
    expect((caught as CorruptionError).offset).toBe(vectors.offset + Math.floor(at / PAGE_BYTES) * PAGE_BYTES);
    expect((caught as CorruptionError).message).toMatch(/checksum/);
    writeFileSync(file, pristine);
  });
});
