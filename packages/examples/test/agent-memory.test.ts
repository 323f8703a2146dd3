/**
 * The agent-memory example: the scripted model drives the memory tools, a
 * fresh OmenStore on the same directory recalls what an earlier one saved,
 * users are kept apart. The same as two processes of the command is in
 * agent-memory.long.test.ts. Needs `@omendb/core` and `@omendb/langgraph`
 * built (`pnpm build`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OmenStore } from '@omendb/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, memoryAgent } from '../src/agent-memory/agent.js';
import { ScriptedChatModel } from '../src/agent-memory/scripted-chat-model.js';
import { HashingEmbeddings } from '../src/langchain/hashing-embeddings.js';

let work: string;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'omendb-agent-memory-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function store(dir: string): OmenStore {
  const embeddings = new HashingEmbeddings();
  return new OmenStore({ path: dir, index: { embeddings, dims: embeddings.dimension, fields: ['content'] } });
}

describe('agent with OmenStore memory', () => {
  it('saves through its tools, and a new store on the same directory recalls, per user', async () => {
    const dir = join(work, 'in-process');
    const first = store(dir);
    const agent = memoryAgent(new ScriptedChatModel(), first);
    expect(await ask(agent, 'alice', 'Remember that my favourite tea is genmaicha')).toContain('Saved: my favourite tea is genmaicha');
    await ask(agent, 'alice', 'Remember that I am allergic to peanuts');
    await ask(agent, 'bob', 'Remember that I sail on weekends');
    await first.stop();

    const second = store(dir);
    const again = memoryAgent(new ScriptedChatModel(), second);
    const answer = await ask(again, 'alice', 'Which tea do I like?');
    expect(answer.split('\n')[1]).toMatch(/^- my favourite tea is genmaicha/);
    expect(answer).not.toContain('sail');
    expect(await ask(again, 'carol', 'Which tea do I like?')).toContain('No memories found.');
    await second.stop();
  });
});
