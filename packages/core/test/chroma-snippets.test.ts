/**
 * Chroma's JS getting-started and the call shapes of its docs (embedding
 * functions, add / query / get / update / upsert / delete, where,
 * whereDocument, include), run against OmenDB with only the client line
 * changed. The same text-first script runs against a real Chroma server in
 * chroma-parity.long.test.ts.
 */
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OmenDB, registerEmbeddingFunction } from '../src/index.js';
import { setDefaultEmbeddingLoader } from '../src/api/default-embedding.js';
import { corpus, QUERIES, textFirstScript } from './fixtures/chroma-text-script.js';
import { tempDir } from './helpers/tmp.js';
import { ToyEmbedding } from './helpers/toy-embedding.js';

const tmp = tempDir('omendb-chroma-snippets-');
afterAll(tmp.cleanup);
afterEach(() => setDefaultEmbeddingLoader(undefined));
let n = 0;
const freshDir = () => join(tmp.dir, `db${n++}`);

/** Stands in for @omendb/default-embed: the toy function under the default's name. */
class FakeDefault extends ToyEmbedding {
  override readonly name = 'omendb-default' as never;
  static override buildFromConfig(): FakeDefault {
    return new FakeDefault();
  }
}

describe("Chroma's snippets, client line changed", () => {
  it('getting started (the default embedding function)', async () => {
    setDefaultEmbeddingLoader(async () => ({ DefaultEmbeddingFunction: FakeDefault }));
    const client = await OmenDB.open(freshDir()); // was: const client = new ChromaClient();
    const collection = await client.createCollection({ name: 'my_collection' });
    await collection.add({
      ids: ['id1', 'id2'],
      documents: ['This is a document about pineapple', 'This is a document about oranges'],
    });
    const results = await collection.query({
      queryTexts: ['This is a query document about hawaii'],
      nResults: 2,
    });
    expect(results.ids[0].sort()).toEqual(['id1', 'id2']);
    expect(results.distances[0][0]).toBeLessThanOrEqual(results.distances[0][1]);
    expect(results.rows()[0].map((r) => r.document).sort()).toEqual(['This is a document about oranges', 'This is a document about pineapple']);
    await client.close();
  });

  it('a custom embedding function, registered so that getCollection rebuilds it', async () => {
    const dir = freshDir();
    class MyEmbeddingFunction extends ToyEmbedding {
      override readonly name = 'my-embedding-function' as never;
      static override buildFromConfig(config: Record<string, unknown>): MyEmbeddingFunction {
        return new MyEmbeddingFunction(config.dim as number);
      }
    }
    registerEmbeddingFunction('my-embedding-function', MyEmbeddingFunction);
    const client = await OmenDB.open(dir);
    await client.getOrCreateCollection({ name: 'custom', embeddingFunction: new MyEmbeddingFunction(24) });
    await client.close();
    const reopened = await OmenDB.open(dir);
    const collection = await reopened.getCollection({ name: 'custom' });
    await collection.add({ ids: ['a', 'b'], documents: ['mango and lemon', 'a train to the airport'] });
    const r = await collection.query({ queryTexts: ['lemon'], nResults: 1, include: ['documents'] });
    expect(r.rows()).toEqual([[{ id: 'a', document: 'mango and lemon', metadata: undefined, embedding: undefined, distance: undefined }]]);
    expect(collection.dimension).toBe(24);
    await reopened.close();
  });

  for (const space of ['l2', 'cosine', 'ip'] as const) {
    it(`the text-first script (${space}): answers are the exact nearest neighbours under Chroma's distance`, async () => {
      const client = await OmenDB.open(freshDir());
      const ef = new ToyEmbedding();
      const steps = await textFirstScript(client, ef, space);
      const first = steps[0];
      // Exact search over the same embeddings, with Chroma's definitions of the three distances.
      const data = corpus(60, 7);
      const docs = await ef.generate(data.documents);
      const queries = await ef.generate(QUERIES);
      const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
      const distance = (q: number[], d: number[]) =>
        space === 'l2' ? d.reduce((s, x, i) => s + (x - q[i]) ** 2, 0) : space === 'ip' ? 1 - dot(q, d) : 1 - dot(q, d) / Math.sqrt(dot(q, q) * dot(d, d));
      queries.forEach((q, i) => {
        const exact = docs.map((d) => distance(q, d)).sort((a, b) => a - b).slice(0, 5);
        first.distances![i].forEach((got, j) => expect(got).toBeCloseTo(exact[j], 4));
      });
      // Each query's best hit is about its topic.
      expect(first.ids.map((ids) => data.metadatas[Number(ids[0].slice(3))].topic)).toEqual(['fruit', 'database', 'travel']);
      const byStep = Object.fromEntries(steps.map((s) => [s.step, s]));
      expect(byStep['count'].ids).toEqual([['54']]);
      for (const ids of byStep['query where'].ids) for (const id of ids) expect(data.metadatas[Number(id.slice(3))].topic).toBe('fruit');
      expect(byStep['get rows'].ids[0]).toEqual(['doc0:database:vector index checkpoint segment', 'new1:fruit:banana grape mango']);
      await client.close();
    });
  }
});
