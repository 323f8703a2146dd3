import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { afterEach, describe, expect, it } from 'vitest';
import { OmenStore } from '../src/index.js';
import { WordEmbeddings } from './word-embeddings.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const State = Annotation.Root({
  userId: Annotation<string>(),
  message: Annotation<string>(),
  recalled: Annotation<string[]>(),
});

/** A graph whose first node saves the message as a memory and whose second recalls the closest memories. */
function memoryGraph() {
  return new StateGraph(State)
    .addNode('remember', async (state: typeof State.State, config: LangGraphRunnableConfig) => {
      await config.store!.put(['memories', state.userId], `m${Date.now()}-${Math.random()}`, { text: state.message });
      return {};
    })
    .addNode('recall', async (state: typeof State.State, config: LangGraphRunnableConfig) => {
      const found = await config.store!.search(['memories', state.userId], { query: state.message, limit: 2 });
      return { recalled: found.map((i) => i.value.text as string) };
    })
    .addEdge(START, 'remember')
    .addEdge('remember', 'recall')
    .addEdge('recall', END);
}

describe('a compiled graph with store: new OmenStore(...)', () => {
  it('writes and reads memories from its nodes, per user, and they outlive the store', async () => {
    dir = mkdtempSync(join(tmpdir(), 'omendb-langgraph-graph-'));
    const index = { embeddings: new WordEmbeddings(), dims: 64, fields: ['text'] };
    const store = new OmenStore({ path: dir, index });
    const graph = memoryGraph().compile({ store });
    await graph.invoke({ userId: 'alice', message: 'I love hiking in the mountains' });
    await graph.invoke({ userId: 'alice', message: 'My cat is called Miso' });
    await graph.invoke({ userId: 'bob', message: 'I love sailing' });
    const out = await graph.invoke({ userId: 'alice', message: 'what is my cat called' });
    expect(out.recalled).toContain('My cat is called Miso');
    expect(out.recalled).not.toContain('I love sailing');
    await store.stop();

    const reopened = new OmenStore({ path: dir, index });
    const found = await reopened.search(['memories', 'alice'], { query: 'hiking mountains', limit: 1 });
    expect(found[0].value.text).toBe('I love hiking in the mountains');
    expect(await reopened.listNamespaces({ prefix: ['memories'] })).toEqual([['memories', 'alice'], ['memories', 'bob']]);
    await reopened.stop();
  });
});
