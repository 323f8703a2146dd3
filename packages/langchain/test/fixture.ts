/**
 * Per-test resources: fresh database directories and the stores opened on
 * them. After each test every tracked store is closed (releasing its lock)
 * and every directory removed, so tests share no state and leave no files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { afterEach } from 'vitest';
import { OmenVectorStore, type OmenVectorStoreArgs } from '../src/index.js';
import { DeterministicFakeEmbeddings } from './fake-embeddings.js';

interface Closable {
  close(): Promise<void>;
}

export interface StoreFixture {
  /** A new empty directory. */
  dir(): string;
  /** Closes `resource` after the test. */
  track<T extends Closable>(resource: T): T;
  /** A tracked store on a new directory (unless `args` names `path` or `db`); default embeddings: deterministic fakes. */
  store(args?: OmenVectorStoreArgs, embeddings?: EmbeddingsInterface): OmenVectorStore;
}

/** Call once at the top of a test file. */
export function storeFixture(): StoreFixture {
  const dirs: string[] = [];
  const resources: Closable[] = [];
  afterEach(async () => {
    for (const r of resources.splice(0).reverse()) await r.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const fixture: StoreFixture = {
    dir() {
      const d = mkdtempSync(join(tmpdir(), 'omendb-langchain-'));
      dirs.push(d);
      return d;
    },
    track(resource) {
      resources.push(resource);
      return resource;
    },
    store(args = {}, embeddings = new DeterministicFakeEmbeddings()) {
      const where = args.path !== undefined || args.db !== undefined ? {} : { path: fixture.dir() };
      return fixture.track(new OmenVectorStore(embeddings, { ...where, ...args }));
    },
  };
  return fixture;
}
