import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryStore, type BaseStore, type IndexConfig, type SearchItem } from '@langchain/langgraph-checkpoint';
import { OmenStore } from '../src/index.js';

export interface Pair {
  omen: OmenStore;
  memory: InMemoryStore;
  dir: string;
  close(): Promise<void>;
}

/** An OmenStore in a fresh directory and an InMemoryStore, with the same index config. */
export async function storePair(index?: IndexConfig): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'omendb-langgraph-'));
  const omen = new OmenStore({ path: dir, index });
  await omen.start();
  const memory = new InMemoryStore(index ? { index } : undefined);
  return {
    omen,
    memory,
    dir,
    close: async () => {
      await omen.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the same steps against both stores. */
export async function both(pair: Pair, steps: (store: BaseStore) => Promise<void>): Promise<void> {
  await steps(pair.memory);
  await steps(pair.omen);
}

/** What a search result says, in order, without the timestamps: `ns/key score`. */
export function summary(items: SearchItem[]): { at: string; value: unknown; score: number | undefined }[] {
  return items.map((i) => ({ at: `${i.namespace.join('/')}/${i.key}`, value: i.value, score: i.score === undefined ? undefined : Number(i.score.toFixed(5)) }));
}
